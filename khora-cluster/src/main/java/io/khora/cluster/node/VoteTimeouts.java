package io.khora.cluster.node;

/**
 * How long a voting round waits for the members' votes: jgroups-raft's 600 ms for the first round of
 * an election, doubling with each round that failed to collect a majority, up to a cap (the failure
 * detection timeout), and back to the first once a round elected a leader.
 *
 * <p>jgroups-raft 1.1.4 waits a fixed 600 ms per round, and every round starts a new term, so a vote
 * that arrives after its round ended is dropped (it answers an older term). On a 2-core machine at a
 * load average of 40 a vote over TLS took longer than that round after round: a partition of a
 * three-node cluster went through 21 terms without a leader (`RemoteSpaceTest`, with every node up).
 * A longer wait costs nothing when votes come quickly — a round ends as soon as every member voted.
 */
final class VoteTimeouts {
    /** jgroups-raft's vote timeout, the first round's. */
    static final long FIRST_MILLIS = 600;

    private final long capMillis;
    private int failedRounds;

    VoteTimeouts(long capMillis) {
        this.capMillis = Math.max(FIRST_MILLIS, capMillis);
    }

    /** The wait of the next round. */
    synchronized long next() {
        long t = FIRST_MILLIS << Math.min(failedRounds, 16);
        return Math.min(capMillis, t);
    }

    /** A round ended: {@code elected} whether it elected a leader. */
    synchronized void roundEnded(boolean elected) {
        failedRounds = elected ? 0 : failedRounds + 1;
    }
}

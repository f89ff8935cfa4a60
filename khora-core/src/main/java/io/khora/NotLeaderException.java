package io.khora;


/**
 * This replica is not its partition's leader, so it neither proposes nor serves reads. This
 * replica did not apply the operation (an earlier attempt elsewhere may have: retry with the same
 * {@code CallId}); send it to {@link #leaderId()} (null if this replica knows of none: then see
 * {@link NoLeaderException}). The cluster client handles it and never ends an operation with it.
 */
public class NotLeaderException extends SpaceException {
    private final String leaderId;

    /** For partition {@code partitionId} of {@code spaceName}, whose leader this replica believes is {@code leaderId}. */
    public NotLeaderException(String spaceName, int partitionId, String replicaId, String leaderId) {
        super("replica " + replicaId + " is not the leader of partition " + partitionId + " of space '" + spaceName + "'"
                + (leaderId == null ? "" : "; the leader is " + leaderId));
        this.leaderId = leaderId;
    }

    /** The leader's Raft id as this replica knows it, or null. */
    public String leaderId() {
        return leaderId;
    }
}

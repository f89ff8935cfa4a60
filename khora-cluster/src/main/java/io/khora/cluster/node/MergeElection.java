package io.khora.cluster.node;

import org.jgroups.MergeView;
import org.jgroups.View;
import org.jgroups.protocols.raft.ELECTION;

/**
 * jgroups-raft's {@link ELECTION}, plus an election after every merge of split views.
 *
 * <p>jgroups-raft 1.1.4 elects only when a view change gains a majority or loses the leader, and
 * only the view coordinator runs the vote. A merge can satisfy neither while the group has no
 * leader: a node that stayed up while the other two were paused stepped down when its view shrank
 * to itself; the resumed pair never noticed and still name it leader. When MERGE3 merges the views
 * and one of the pair becomes the coordinator, that coordinator sees its (stale) leader in the new
 * view — "no change" — and the node that stepped down sees a majority "reached" but is not the
 * coordinator. Nobody votes and the partition stays leaderless for good (measured: 3 of 4 runs that
 * paused two nodes of three; one lasted over 190 s). Here the coordinator of a merge view always
 * starts a vote: a merge means the members saw different histories, and a vote — the most
 * up-to-date log wins, with a new term — settles every stale belief. A leader that did lead on
 * through the split may be re-elected; the cost is one term and one vote round per merge.
 *
 * <p>Its protocol id is {@link ELECTION}'s (520), so its messages are ELECTION's on the wire.
 */
public class MergeElection extends ELECTION {
    /** ELECTION's protocol id in jgroups-raft 1.1. */
    static final short ELECTION_PROTOCOL_ID = 520;

    /** A new instance with ELECTION's protocol id. */
    public MergeElection() {
        setId(ELECTION_PROTOCOL_ID);
    }

    /** The last merge view a vote was started for (a view change can reach this protocol twice). */
    private volatile org.jgroups.ViewId votedAfter;

    @Override
    protected void handleView(View v) {
        super.handleView(v);
        if (v instanceof MergeView && !v.getViewId().equals(votedAfter) && isViewCoordinator() && isMajorityAvailable()) {
            votedAfter = v.getViewId();
            log.debug("%s: merge view %s: starting a vote", local_addr, v);
            startVotingThread();
        }
    }
}

package io.khora.cluster.node;

import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Header;
import org.jgroups.Message;
import org.jgroups.MergeView;
import org.jgroups.View;
import org.jgroups.ViewId;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.raft.ELECTION;
import org.jgroups.protocols.raft.RaftHeader;
import org.jgroups.protocols.raft.election.VoteResponse;
import org.jgroups.raft.util.Utils;
import org.jgroups.util.Bits;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * jgroups-raft's {@link ELECTION}, plus an election after every merge of split views, and votes
 * that prefer a named member (leadership transfer).
 *
 * <p><b>Votes after merges.</b> jgroups-raft 1.1.4 elects only when a view change gains a majority
 * or loses the leader, and only the view coordinator runs the vote. A merge can satisfy neither
 * while the group has no leader: a node that stayed up while the other two were paused stepped down
 * when its view shrank to itself; the resumed pair never noticed and still name it leader. When
 * MERGE3 merges the views and one of the pair becomes the coordinator, that coordinator sees its
 * (stale) leader in the new view — "no change" — and the node that stepped down sees a majority
 * "reached" but is not the coordinator. Nobody votes and the partition stays leaderless for good
 * (measured: 3 of 4 runs that paused two nodes of three; one lasted over 190 s). Here the
 * coordinator of a merge view always starts a vote: a merge means the members saw different
 * histories, and a vote — the most up-to-date log wins, with a new term — settles every stale
 * belief. A leader that did lead on through the split may be re-elected; the cost is one term and
 * one vote round per merge.
 *
 * <p><b>Leadership transfer.</b> jgroups-raft 1.1 has no leadership transfer. {@link #transferTo}
 * asks the view coordinator (itself, or by a message) to run a vote that elects the named member if
 * it is eligible: its log at least as up-to-date as those of a majority of the members that voted
 * (the member itself included) — Raft's own election restriction, which guarantees the winner holds
 * every committed entry (a committed entry is on a majority, and majorities intersect). Otherwise
 * the vote elects as jgroups-raft does (the most up-to-date log). The vote's new term makes the old
 * leader step down; its proposals in flight fail with an unknown outcome and are retried by their
 * clients under the same call id. Entries the old leader had appended but not committed can be lost
 * with the transfer — never an acknowledged one.
 *
 * <p><b>No leader messages outside the leader's term.</b> See {@link #down(Message)}.
 *
 * <p>Its protocol id is {@link ELECTION}'s (520), so its messages are ELECTION's on the wire; the
 * transfer request is a header of its own.
 */
public class MergeElection extends ELECTION {
    /** ELECTION's protocol id in jgroups-raft 1.1. */
    static final short ELECTION_PROTOCOL_ID = 520;
    /** The magic number of {@link TransferRequest}. */
    static final short TRANSFER_MAGIC = 1602;

    static {
        ClassConfigurator.add(TRANSFER_MAGIC, TransferRequest.class);
    }

    /** The last merge view a vote was started for (a view change can reach this protocol twice). */
    private volatile ViewId votedAfter;
    /** The member the next vote should elect if eligible (coordinator only), or null. */
    private volatile String preferred;
    private final java.util.concurrent.atomic.AtomicLong droppedStale = new java.util.concurrent.atomic.AtomicLong();
    /** How long each voting round waits for votes ({@link VoteTimeouts}). */
    private volatile VoteTimeouts voteTimeouts = new VoteTimeouts(3_000);

    /** A new instance with ELECTION's protocol id. */
    public MergeElection() {
        setId(ELECTION_PROTOCOL_ID);
    }

    /**
     * The longest a voting round waits for votes (default 3 s; use the failure detection timeout):
     * the first round waits jgroups-raft's 600 ms, each round that failed twice as long as the one
     * before, up to this ({@link VoteTimeouts}).
     */
    public MergeElection maxVoteTimeoutMillis(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("max vote timeout must be positive: " + millis + " ms");
        }
        this.voteTimeouts = new VoteTimeouts(millis);
        return this;
    }

    /** One voting round, with the wait {@link VoteTimeouts} gives it. */
    @Override
    protected void runVotingProcess() {
        VoteTimeouts t = voteTimeouts;
        vote_timeout = t.next();
        super.runVotingProcess();
        t.roundEnded(raft.leader() != null);
    }

    @Override
    protected void handleView(View v) {
        super.handleView(v);
        if (v instanceof MergeView && !v.getViewId().equals(votedAfter) && isViewCoordinator() && isMajorityAvailable()) {
            votedAfter = v.getViewId();
            log.debug("%s: merge view %s: starting a vote", local_addr, v);
            startVotingThread();
        }
    }

    /**
     * Asks for a vote that elects {@code raftId} if it is eligible (see the class comment): run here
     * if this member coordinates the view, else sent to the coordinator. Returns at once; whether and
     * when the leadership moved shows in the leader the members report.
     */
    public void transferTo(String raftId) {
        View v = view;
        if (v == null || raftId == null) {
            return;
        }
        if (isViewCoordinator()) {
            voteFor(raftId);
            return;
        }
        Message m = new EmptyMessage(v.getCoord()).putHeader(id, new TransferRequest(raft.currentTerm(), raftId))
                .setFlag(Message.Flag.OOB);
        down_prot.down(m);
    }

    private void voteFor(String raftId) {
        if (!isMajorityAvailable()) {
            return;
        }
        log.debug("%s: a vote preferring %s", local_addr, raftId);
        preferred = raftId;
        startVotingThread();
    }

    /**
     * Drops an AppendEntries or InstallSnapshot request this member sends for a term in which it does
     * not lead. jgroups-raft builds such messages with the current term read at send time, on its
     * Raft thread, while the term can advance on another (a vote request from a newer term makes the
     * leader step down): a deposed leader then sent entries of its old log stamped with the new term
     * and itself as leader. A follower that did not know the new term's leader yet took it as the
     * leader, then refused the real one ("Changing leader n3 to n1 illegally") and never converged
     * (seen under ChaosIT's paused-leader schedule). Every such message passes this protocol on its
     * way down, whichever jgroups-raft code built it. Terms only grow: a message whose term is this
     * member's current term while it leads was built by the leader of that term.
     */
    @Override
    public Object down(Message msg) {
        Header h = msg.getHeader(raft.getId());
        if (h instanceof org.jgroups.protocols.raft.AppendEntriesRequest || h instanceof org.jgroups.protocols.raft.InstallSnapshotRequest) {
            long term = raft.currentTerm();
            if (((RaftHeader) h).currTerm() != term || !raft.isLeader()) {
                droppedStale.incrementAndGet();
                log.debug("%s: dropped %s of term %d: this member does not lead term %d", local_addr, h.getClass().getSimpleName(),
                        ((RaftHeader) h).currTerm(), term);
                return null;
            }
        }
        return down_prot.down(msg);
    }

    /** How many leader messages this member dropped because it no longer led their term (tests, status). */
    public long droppedStaleLeaderMessages() {
        return droppedStale.get();
    }

    @Override
    protected void handleMessage(Message msg, RaftHeader hdr) {
        if (hdr instanceof TransferRequest t) {
            if (isViewCoordinator()) {
                voteFor(t.raftId);
            }
            return;
        }
        super.handleMessage(msg, hdr);
    }

    @Override
    protected Address determineLeader() {
        String wanted = preferred;
        preferred = null;
        Address mostUpToDate = super.determineLeader();
        if (wanted == null) {
            return mostUpToDate;
        }
        Map<Address, VoteResponse> results = getVotes().getResults();
        Address candidate = null;
        long[] candidatePosition = null;
        for (Map.Entry<Address, VoteResponse> e : results.entrySet()) {
            if (e.getValue() != null && wanted.equals(Utils.extractRaftId(e.getKey()))) {
                candidate = e.getKey();
                candidatePosition = RaftInternals.logPosition(e.getValue());
            }
        }
        if (candidate == null || candidatePosition == null) {
            return mostUpToDate;
        }
        int notAhead = 0; // voters whose log is no more up-to-date than the candidate's (the candidate included)
        for (VoteResponse r : results.values()) {
            long[] p = r == null ? null : RaftInternals.logPosition(r);
            if (p != null && compare(p, candidatePosition) <= 0) {
                notAhead++;
            }
        }
        if (notAhead >= raft.majority()) {
            log.debug("%s: electing %s as asked (its log is as up-to-date as %d voters')", local_addr, wanted, notAhead);
            return candidate;
        }
        log.debug("%s: %s is not eligible (its log is as up-to-date as only %d voters'); electing %s", local_addr, wanted, notAhead,
                mostUpToDate);
        return mostUpToDate;
    }

    /** Raft's "at least as up-to-date": the last entry's term first, then the log's length. */
    private static int compare(long[] a, long[] b) {
        return a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]);
    }

    /** Asks the view coordinator for a vote that prefers {@link #raftId}. */
    public static final class TransferRequest extends RaftHeader {
        String raftId;

        /** For JGroups' header factory. */
        public TransferRequest() {
        }

        TransferRequest(long term, String raftId) {
            super(term);
            this.raftId = raftId;
        }

        @Override
        public short getMagicId() {
            return TRANSFER_MAGIC;
        }

        @Override
        public Supplier<? extends Header> create() {
            return TransferRequest::new;
        }

        @Override
        public int serializedSize() {
            return super.serializedSize() + 1 + (raftId == null ? 0 : Bits.sizeUTF(raftId));
        }

        @Override
        public void writeTo(DataOutput out) throws IOException {
            super.writeTo(out);
            Bits.writeString(raftId, out);
        }

        @Override
        public void readFrom(DataInput in) throws IOException, ClassNotFoundException {
            super.readFrom(in);
            raftId = Bits.readString(in);
        }

        @Override
        public String toString() {
            return "TransferRequest(to " + raftId + ")";
        }
    }
}

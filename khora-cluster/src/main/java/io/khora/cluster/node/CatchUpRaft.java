package io.khora.cluster.node;

import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.ObjectMessage;
import org.jgroups.protocols.raft.AppendEntriesRequest;
import org.jgroups.protocols.raft.AppendEntriesResponse;
import org.jgroups.protocols.raft.AppendResult;
import org.jgroups.protocols.raft.InstallSnapshotRequest;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.RaftHeader;
import org.jgroups.raft.util.CommitTable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * jgroups-raft's {@link RAFT} with catch-up under load: a follower that fell behind (restarted,
 * paused, cut off) is sent what it misses even while the leader never idles.
 *
 * <p>jgroups-raft 1.1.4 resends missing entries only when its request queue has been idle for the
 * resend interval ({@code RAFT.processQueue} resends when its poll times out, and its inner loop
 * does not return while requests keep arriving). Under a continuous load a lagging follower rejects
 * every new append (its log has a gap), its match index stays where it stopped, it never catches up,
 * {@code replication=all} writes time out, and one more failure stalls the partition.
 *
 * <p>Here the request loop, still on the Raft thread (where the log may be read safely — resending
 * from another thread was tried and shipped torn entries), also runs a sweep every resend
 * interval: a member whose match index has not reached where the log ended at the previous sweep is
 * <em>lagging</em> (a follower that keeps up acknowledges within a round trip, far less than the
 * interval; jgroups-raft's own idle resend moves a lagging member one entry per interval, so
 * "its match index moved" would not tell). A lagging member is sent the next chunk of what it misses (at most
 * {@link #maxChunkBytes} and {@link #maxChunkEntries} per message, always at least one entry), or
 * the snapshot if the log no longer holds its next entry (not again for
 * {@link #SNAPSHOT_PATIENCE_NANOS} while it is in flight; a follower refuses a snapshot whose last
 * entry its log already has, see {@link #refuseOutdatedSnapshot}); each of its answers that shows the chunk
 * arrived triggers the next chunk at once, so a follower catches up at the speed of the network,
 * one chunk in flight at a time; a chunk not answered within a resend interval is sent again. A
 * member that reached the log's end stops being lagging. Up-to-date members get nothing extra, and
 * RAFT's own idle resend (one entry at a time) skips the members being caught up: a jgroups-raft
 * follower ignores a batch whose first entry it already has, so the two racing each other advanced
 * a follower one entry per interval.
 *
 * <p>Its protocol id is {@link RAFT}'s (521), so its messages are RAFT's on the wire.
 */
public class CatchUpRaft extends RAFT {
    /**
     * How long a snapshot sent to a lagging member may take to arrive and be answered before it is
     * sent again: a large one takes seconds to transfer, and sending it again meanwhile only adds
     * load (and once made a follower install an outdated one).
     */
    static final long SNAPSHOT_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** RAFT's protocol id in jgroups-raft 1.1. */
    static final short RAFT_PROTOCOL_ID = 521;

    private long maxChunkBytes = 2L << 20;
    private int maxChunkEntries = 20_000;
    /** Members being caught up: the last index sent to each and when (Raft thread only). */
    private final Map<Address, Chunk> catchingUp = new HashMap<>();
    /** Where the log ended at the previous sweep (Raft thread only). */
    private long logEndAtLastSweep;
    private long lastSweep = System.nanoTime();
    private long chunksSent;

    /** A new instance with RAFT's protocol id. */
    public CatchUpRaft() {
        setId(RAFT_PROTOCOL_ID);
    }

    /** Caps one catch-up message (bytes of entries; a single larger entry is still sent alone). */
    public CatchUpRaft maxChunkBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("catch-up chunk size must be positive, got " + bytes);
        }
        this.maxChunkBytes = bytes;
        return this;
    }

    /** Caps one catch-up message in entries. */
    public CatchUpRaft maxChunkEntries(int entries) {
        if (entries <= 0) {
            throw new IllegalArgumentException("catch-up chunk entries must be positive, got " + entries);
        }
        this.maxChunkEntries = entries;
        return this;
    }

    /** How many catch-up chunks (and snapshots) this replica sent as leader (tests, status). */
    public long catchUpChunksSent() {
        return chunksSent;
    }

    /** RAFT's request loop, plus a catch-up sweep every resend interval however busy the loop is. */
    @Override
    protected void processQueue() {
        Request first;
        try {
            first = processing_queue.poll(resend_interval, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return; // stopping
        }
        if (first == null) { // idle: the sweep, then RAFT's resend to the members the sweep does not catch up
            sweepIfDue();
            CommitTable table = commit_table;
            if (table != null) {
                table.forEach((member, e) -> {
                    if (!catchingUp.containsKey(member)) {
                        sendAppendEntriesMessage(member, e);
                    }
                });
            }
            return;
        }
        for (;;) {
            remove_queue.clear();
            if (first != null) {
                remove_queue.add(first);
                first = null;
            }
            processing_queue.drainTo(remove_queue);
            if (remove_queue.isEmpty()) {
                return;
            }
            process(remove_queue);
            sweepIfDue();
        }
    }

    @Override
    public void handleUpRequest(Message msg, RaftHeader hdr) {
        if (hdr instanceof InstallSnapshotRequest req && refuseOutdatedSnapshot(msg.getSrc(), req)) {
            return;
        }
        super.handleUpRequest(msg, hdr);
        if (hdr instanceof AppendEntriesResponse && !catchingUp.isEmpty()) {
            continueCatchUp(msg.getSrc());
        }
    }

    /**
     * A follower refuses a snapshot whose last entry it already has (Raft's InstallSnapshot rule:
     * an existing entry with the snapshot's last index and term means the log holds the snapshot's
     * prefix; keep the entries after it). jgroups-raft 1.1.4 installs any snapshot it receives and
     * resets its log to the snapshot's last index: a snapshot that arrived late (a large one, while the
     * follower caught up through chunks) threw away entries the follower had appended and
     * acknowledged after it, and the leader, having seen them acknowledged, never sent them again —
     * the follower stayed behind for good. It answers OK up to the point its log is known to match
     * (the snapshot's last index, or its commit index if higher).
     */
    private boolean refuseOutdatedSnapshot(Address leader, InstallSnapshotRequest req) {
        long last = RaftInternals.lastIncludedIndex(req);
        long lastTerm = RaftInternals.lastIncludedTerm(req);
        if (last < 0 || lastTerm < 0 || req.currTerm() < currentTerm()) {
            return false;
        }
        boolean have = last <= commit_index;
        if (!have && last <= last_appended) {
            LogEntry e = log_impl.get(last);
            have = e != null && e.term() == lastTerm;
        }
        if (!have) {
            return false;
        }
        long matching = Math.max(last, commit_index);
        log.debug("%s: refused the snapshot of index %d from %s: the log has it (commit %d, last appended %d)", local_addr, last, leader,
                commit_index, last_appended);
        AppendResult result = new AppendResult(AppendResult.Result.OK, matching).commitIndex(commit_index);
        down_prot.down(new EmptyMessage(leader).putHeader(id, new AppendEntriesResponse(currentTerm(), result)));
        return true;
    }

    private void sweepIfDue() {
        long now = System.nanoTime();
        if (now - lastSweep < TimeUnit.MILLISECONDS.toNanos(resend_interval)) {
            return;
        }
        lastSweep = now;
        long logEndBefore = logEndAtLastSweep;
        logEndAtLastSweep = last_appended;
        CommitTable table = commit_table;
        if (table == null || !isLeader()) {
            catchingUp.clear();
            return;
        }
        catchingUp.keySet().retainAll(table.keys());
        table.forEach((member, e) -> {
            Chunk c = catchingUp.get(member);
            if (c != null) {
                long patience = c.snapshot ? Math.max(SNAPSHOT_PATIENCE_NANOS, TimeUnit.MILLISECONDS.toNanos(resend_interval))
                        : TimeUnit.MILLISECONDS.toNanos(resend_interval);
                if (now - c.sentAt >= patience) {
                    sendChunk(member, e, now); // unanswered for an interval: again, from what it has
                }
            } else if (e.matchIndex() < logEndBefore) {
                sendChunk(member, e, now);
            }
        });
    }

    /** A member answered: if it is being caught up and has what was sent, the next chunk goes at once. */
    private void continueCatchUp(Address member) {
        Chunk c = catchingUp.get(member);
        CommitTable table = commit_table;
        if (c == null || table == null || !isLeader()) {
            return;
        }
        CommitTable.Entry e = table.get(member);
        if (e == null) {
            catchingUp.remove(member);
            return;
        }
        if (e.matchIndex() >= last_appended) {
            catchingUp.remove(member); // caught up: normal appends carry on
            return;
        }
        if (e.matchIndex() >= c.upTo) {
            sendChunk(member, e, System.nanoTime());
        }
    }

    private void sendChunk(Address member, CommitTable.Entry e, long now) {
        // jgroups-raft's next index, not the match index: a follower's FAIL_ENTRY_NOT_FOUND answer reports its last
        // appended entry, which jgroups-raft takes as matching although an old leader's uncommitted tail may not; the
        // conflict that follows corrects the next index (and the match index), never the other way round
        long from = e.nextIndex();
        if (from < log_impl.firstAppended()) { // the log no longer holds it (RAFT's own rule)
            try {
                long upTo = commit_index;
                sendSnapshotTo(member);
                chunksSent++;
                catchingUp.put(member, new Chunk(upTo, now, true));
            } catch (Exception ex) {
                log.error("%s: failed sending the snapshot to lagging member %s: %s", local_addr, member, ex);
            }
            return;
        }
        from = Math.max(from, 1);
        if (from > last_appended) {
            catchingUp.remove(member);
            return;
        }
        LogEntries entries = new LogEntries();
        long bytes = 0;
        long to = from - 1;
        long entryTerm = 0;
        for (long i = from; i <= last_appended && entries.size() < maxChunkEntries; i++) {
            LogEntry entry = log_impl.get(i);
            if (entry == null) {
                break;
            }
            int length = entry.command() == null ? 0 : entry.length();
            if (entries.size() > 0 && bytes + length > maxChunkBytes) {
                break;
            }
            if (entryTerm == 0) {
                entryTerm = entry.term();
            }
            entries.add(entry);
            bytes += length;
            to = i;
        }
        if (entries.size() == 0) {
            log.error("%s: cannot catch up %s: log entry %d not found", local_addr, member, from);
            return;
        }
        LogEntry prev = log_impl.get(from - 1);
        long prevTerm = prev != null ? prev.term() : 0;
        Message m = new ObjectMessage(member, entries)
                .putHeader(id, new AppendEntriesRequest(local_addr, currentTerm(), from - 1, prevTerm, entryTerm, commit_index));
        down_prot.down(m);
        chunksSent++;
        catchingUp.put(member, new Chunk(to, now, false));
        if (log.isDebugEnabled()) {
            log.debug("%s: catching up %s: sent [%d..%d] (%d bytes), log ends at %d", local_addr, member, from, to, bytes, last_appended);
        }
    }

    /** The members being caught up and the last index sent to each (tests, diagnostics; read off the Raft thread: a snapshot). */
    public String catchingUpMembers() {
        return String.valueOf(new HashMap<>(catchingUp));
    }

    /**
     * What was last sent to a member being caught up.
     *
     * @param upTo the last index it carried
     * @param sentAt when (System.nanoTime)
     * @param snapshot whether it was a snapshot (not sent again for {@link #SNAPSHOT_PATIENCE_NANOS})
     */
    private record Chunk(long upTo, long sentAt, boolean snapshot) {
    }
}

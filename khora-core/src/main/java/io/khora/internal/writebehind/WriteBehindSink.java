package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import io.khora.internal.engine.ChangeSink;
import io.khora.internal.outbox.LogRecord;
import io.khora.internal.outbox.SegmentLog;
import io.khora.internal.persistence.EntryCopier;
import io.khora.internal.persistence.PendingChanges;
import io.khora.internal.persistence.TransactionSink;
import io.khora.internal.engine.SpaceEntry;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Write-behind persistence of one space (seed 000, "asynchronous persistency with the mirror"): a
 * {@link ChangeSink} that appends each operation's changes to its partition's durable
 * {@link Outbox} before the operation is applied, and one {@link MirrorDispatcher} per partition
 * that delivers them to the endpoint. Also the read side's view of what is still on its way
 * ({@link PendingChanges}), the dead letters, flushing, recovery after a restart, and shutdown.
 *
 * <p>Transactions ({@link TransactionSink}): a committed transaction's changes in a partition are
 * appended as one record, under the partition's lock — for a single-partition transaction just
 * before they are applied; for one over several partitions while each partition is prepared, one
 * such transaction at a time (so every outbox holds their parts in the same order), its outcome
 * recorded once all are appended. A part appended for a transaction then rolled back is voided by an
 * abort marker. The mirrors deliver a single-partition record as one {@code TransactionData}, and
 * consolidate the parts of a multi-partition transaction into one ({@link TxConsolidation}).
 */
public final class WriteBehindSink implements ChangeSink, PendingChanges, TransactionSink {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBehindSink.class);

    private final String spaceName;
    private final WriteBehindSettings settings;
    private final Outbox[] outboxes;
    private final MirrorDispatcher[] mirrors;
    private final DeadLetterStore deadLetters;
    private final TypeResolver types;
    private final boolean persistExpiry;
    private final TxConsolidation consolidation = new TxConsolidation(p -> outboxes()[p].sync());
    /** Held while a multi-partition transaction appends its parts: every outbox gets them in one order. */
    private final ReentrantLock multiPartitionOrder = new ReentrantLock();

    /**
     * Opens (or reopens) the outboxes under {@code settings.directory()/spaceName}.
     *
     * @param spaceName the space
     * @param partitions the partition count (must match the outboxes' on a reopen)
     * @param endpoint where changes are delivered
     * @param settings the write-behind settings
     * @param copier makes user objects of stored entries
     * @param types resolves record types after a restart
     * @param persistExpiry whether lease expiries are persisted as REMOVE
     */
    public WriteBehindSink(String spaceName, int partitions, SpaceSynchronizationEndpoint endpoint, WriteBehindSettings settings,
                           EntryCopier copier, TypeResolver types, boolean persistExpiry) {
        this.spaceName = spaceName;
        this.settings = settings;
        this.types = types;
        this.persistExpiry = persistExpiry;
        Path base = settings.directory().resolve(spaceName);
        checkLayout(base, partitions);
        SegmentLog.SyncPolicy policy = settings.durability() == WriteBehindSettings.Durability.PER_OPERATION
                ? SegmentLog.SyncPolicy.EVERY_APPEND : SegmentLog.SyncPolicy.ON_SYNC;
        this.outboxes = new Outbox[partitions];
        this.mirrors = new MirrorDispatcher[partitions];
        this.deadLetters = new DeadLetterStore(base.resolve("dead-letters"));
        for (int p = 0; p < partitions; p++) {
            outboxes[p] = new Outbox(spaceName, p, base.resolve("partition-" + (p + 1)), policy, settings.segmentBytes(),
                    settings.maxPendingPerPartition(), settings.backlogWait());
            mirrors[p] = new MirrorDispatcher(spaceName, outboxes[p], endpoint, copier, types, deadLetters, settings, consolidation);
        }
    }

    private Outbox[] outboxes() {
        return outboxes;
    }

    private static void checkLayout(Path base, int partitions) {
        for (int p = partitions + 1; p <= partitions + 64; p++) {
            if (java.nio.file.Files.exists(base.resolve("partition-" + p))) {
                throw new IllegalStateException("write-behind outboxes in " + base + " were written by a space with more than "
                        + partitions + " partitions (partition-" + p + " exists); start it with the same partition count so its"
                        + " undelivered changes are not stranded");
            }
        }
    }

    /**
     * The changes still undelivered from an earlier run, per partition, in order — to be applied to
     * memory after the initial load (the store does not have them yet). Also seeds the pending index.
     */
    public List<List<Change>> recoverUndelivered() {
        List<List<OutboxRecord>> records = new ArrayList<>(outboxes.length);
        Map<String, Map<Integer, OutboxRecord.TxRecord>> parts = new LinkedHashMap<>();
        Set<String> voided = new HashSet<>();
        for (Outbox o : outboxes) {
            List<OutboxRecord> list = new ArrayList<>();
            for (LogRecord rec : o.undeliveredRecords()) {
                OutboxRecord r = OutboxCodec.decodeRecord(rec.payload(), rec.sequence(), o.partitionId(), types, o.javaDeserialization());
                list.add(r);
                if (r instanceof OutboxRecord.TxRecord t && t.multiPartition()) {
                    parts.computeIfAbsent(t.txId(), k -> new HashMap<>()).put(t.partition(), t);
                } else if (r instanceof OutboxRecord.TxAbort a) {
                    voided.add(a.txId());
                }
            }
            records.add(list);
        }
        // a multi-partition transaction counts if every participant still holds its part and none is
        // void; else it either never finished appending (the commit did not return) or its other parts
        // were delivered already (then the store has it all): either way its remaining parts are skipped
        Set<String> committed = new HashSet<>();
        for (Map.Entry<String, Map<Integer, OutboxRecord.TxRecord>> e : parts.entrySet()) {
            OutboxRecord.TxRecord any = e.getValue().values().iterator().next();
            boolean complete = !voided.contains(e.getKey()) && e.getValue().size() == any.participants().length;
            for (int p : any.participants()) {
                complete &= e.getValue().containsKey(p);
            }
            if (complete) {
                committed.add(e.getKey());
            } else {
                LOG.warn("space '{}': transaction {} left parts in {} of the partitions {} it changed{}; those parts are skipped",
                        spaceName, e.getKey(), e.getValue().size(), java.util.Arrays.toString(any.participants()),
                        voided.contains(e.getKey()) ? " and was rolled back" : "");
            }
            consolidation.recovered(e.getKey(), any.participants(), complete, e.getValue().size());
        }
        List<List<Change>> out = new ArrayList<>(outboxes.length);
        long total = 0;
        for (int p = 0; p < outboxes.length; p++) {
            List<Change> changes = new ArrayList<>();
            for (OutboxRecord r : records.get(p)) {
                boolean counts = r instanceof OutboxRecord.Single
                        || r instanceof OutboxRecord.TxRecord t && (!t.multiPartition() || committed.contains(t.txId()));
                if (counts) {
                    for (Change c : r.changes()) {
                        outboxes[p].notePending(c);
                        changes.add(c);
                    }
                }
            }
            total += changes.size();
            out.add(changes);
        }
        if (total > 0) {
            LOG.info("space '{}': {} changes were still undelivered in the write-behind outboxes; delivering them now", spaceName, total);
        }
        return out;
    }

    /** Starts the mirrors. */
    public void start() {
        for (MirrorDispatcher m : mirrors) {
            m.start();
        }
    }

    @Override
    public boolean isActive() {
        return true;
    }

    @Override
    public boolean persistsExpiry() {
        return persistExpiry;
    }

    @Override
    public void beforeApply(List<Change> changes) {
        outboxes[changes.get(0).partitionId()].append(changes);
    }

    @Override
    public void afterApply(List<Change> changes) {
        // the mirror picks the changes up from the outbox
    }

    @Override
    public Commit begin(String txId, int[] partitions) {
        boolean multi = partitions.length > 1;
        if (multi) {
            multiPartitionOrder.lock();
            consolidation.begin(txId, partitions);
        }
        return new Commit() {
            private final Map<Integer, Long> appended = new LinkedHashMap<>();
            private final Map<Integer, List<Change>> appendedChanges = new HashMap<>();
            /** Partitions whose append failed in a way that may have left the record in the log (an I/O error). */
            private final Set<Integer> maybeAppended = new HashSet<>();
            private boolean decided;

            @Override
            public void persistPart(int partition, List<Change> changes, long[] order) {
                long seq;
                try {
                    seq = outboxes[partition].appendTransaction(txId, partitions, changes, order, !multi);
                } catch (Outbox.WriteFailed e) {
                    maybeAppended.add(partition);
                    throw e;
                }
                appended.put(partition, seq);
                appendedChanges.put(partition, changes);
            }

            @Override
            public void decided(boolean committed) {
                if (!multi || decided) {
                    return;
                }
                decided = true;
                try {
                    if (committed) {
                        // before the outcome is published: a mirror may deliver (and forget) the parts right after
                        appended.forEach((p, seq) -> outboxes[p].notePending(appendedChanges.get(p), seq));
                    }
                    consolidation.decide(txId, committed, appended.size());
                } finally {
                    multiPartitionOrder.unlock();
                }
            }

            @Override
            public void abortPart(int partition) {
                // void the part where it is (or may be) in the log, so a restart never delivers it
                if (multi && (appended.containsKey(partition) || maybeAppended.contains(partition))) {
                    outboxes[partition].appendAbort(txId);
                }
            }
        };
    }

    /** Undelivered changes in every partition. */
    public long pendingChanges() {
        long n = 0;
        for (Outbox o : outboxes) {
            n += o.undelivered();
        }
        return n;
    }

    /** Waits until everything accepted so far is delivered; false on timeout. */
    public boolean flush(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            for (Outbox o : outboxes) {
                if (!o.awaitDelivered(Math.max(0, deadline - System.nanoTime()))) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The dead letters, oldest first. */
    public List<DeadLetter> deadLetters() {
        return deadLetters.list();
    }

    @Override
    public SpaceEntry pendingEntry(String rootType, Object id) {
        Outbox.Pending p = latest(rootType, id);
        return p == null || p.removed() ? null : p.entry();
    }

    @Override
    public boolean isRemoved(String rootType, Object id) {
        Outbox.Pending p = latest(rootType, id);
        return p != null && p.removed();
    }

    private Outbox.Pending latest(String rootType, Object id) {
        Outbox.Pending best = null;
        for (Outbox o : outboxes) {
            Outbox.Pending p = o.pending(rootType, id);
            if (p != null && (best == null || p.sequence() > best.sequence())) {
                best = p;
            }
        }
        return best;
    }

    @Override
    public List<SpaceEntry> pendingEntries(String rootType) {
        List<SpaceEntry> out = new ArrayList<>();
        for (Outbox o : outboxes) {
            for (Outbox.Pending p : o.pendingEntries()) {
                if (!p.removed() && p.entry().type().root().name().equals(rootType)) {
                    out.add(p.entry());
                }
            }
        }
        return out;
    }

    /**
     * Delivers what it can within the flush timeout, stops the mirrors, reports what remains (it is
     * delivered at the next start), and closes the outboxes.
     */
    public void close() {
        boolean flushed = flush(settings.flushTimeout().toNanos());
        for (MirrorDispatcher m : mirrors) {
            m.stop();
        }
        for (MirrorDispatcher m : mirrors) {
            try {
                m.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long remaining = pendingChanges();
        if (!flushed || remaining > 0) {
            LOG.warn("space '{}': closing with {} changes not yet delivered after the {} ms flush timeout; they stay in the"
                    + " write-behind outboxes under {} and are delivered at the next start", spaceName, remaining,
                    settings.flushTimeout().toMillis(), settings.directory().resolve(spaceName));
        }
        for (Outbox o : outboxes) {
            try {
                o.flushMarker();
            } catch (RuntimeException e) {
                LOG.warn("space '{}': recording the delivered sequence of partition {} failed", spaceName, o.partitionId() + 1, e);
            }
            o.close();
        }
        deadLetters.close();
    }
}

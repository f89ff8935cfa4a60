package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import io.khora.internal.engine.ChangeSink;
import io.khora.internal.outbox.LogRecord;
import io.khora.internal.outbox.SegmentLog;
import io.khora.internal.persistence.EntryCopier;
import io.khora.internal.persistence.PendingChanges;
import io.khora.internal.engine.SpaceEntry;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Write-behind persistence of one space (seed 000, "asynchronous persistency with the mirror"): a
 * {@link ChangeSink} that appends each operation's changes to its partition's durable
 * {@link Outbox} before the operation is applied, and one {@link MirrorDispatcher} per partition
 * that delivers them to the endpoint. Also the read side's view of what is still on its way
 * ({@link PendingChanges}), the dead letters, flushing, recovery after a restart, and shutdown.
 */
public final class WriteBehindSink implements ChangeSink, PendingChanges {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBehindSink.class);

    private final String spaceName;
    private final WriteBehindSettings settings;
    private final Outbox[] outboxes;
    private final MirrorDispatcher[] mirrors;
    private final DeadLetterStore deadLetters;
    private final TypeResolver types;
    private final boolean persistExpiry;

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
            mirrors[p] = new MirrorDispatcher(spaceName, outboxes[p], endpoint, copier, types, deadLetters, settings);
        }
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
        List<List<Change>> out = new ArrayList<>(outboxes.length);
        long total = 0;
        for (Outbox o : outboxes) {
            List<Change> changes = new ArrayList<>();
            for (LogRecord rec : o.undeliveredRecords()) {
                Change c = OutboxCodec.decode(rec.payload(), rec.sequence(), o.partitionId(), types);
                o.notePending(c);
                changes.add(c);
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
            o.close();
        }
        deadLetters.close();
    }
}

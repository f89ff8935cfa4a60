package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.outbox.LogRecord;
import io.khora.internal.outbox.SegmentLog;
import io.khora.internal.outbox.SegmentReader;
import io.khora.internal.wire.WireOutput;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.PersistenceBacklogFullException;
import io.khora.persistence.SpacePersistenceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One partition's write-behind outbox: a durable {@link SegmentLog} of changes not yet delivered,
 * bounded by a capacity (writers wait, then fail with {@link PersistenceBacklogFullException}), the
 * sequence delivered so far (a small marker file, replaced atomically), and an index of the latest
 * undelivered change per entry — so a read-through never reads a database row older than a change
 * still on its way (LESSONS: XAP's "recent updates").
 *
 * <p>{@link #append} is called under the partition lock, so appends of one partition are ordered;
 * delivery acknowledgements come from the partition's mirror thread.
 */
final class Outbox implements AutoCloseable {
    /** The latest undelivered change of one entry. */
    record Pending(long sequence, SpaceEntry entry, boolean removed) {
    }

    private final String spaceName;
    private final int partitionId;
    private final SegmentLog log;
    private final Path deliveredFile;
    private final long capacity;
    private final Duration backlogWait;
    private final WireOutput buffer = new WireOutput(256);
    private final ConcurrentHashMap<List<Object>, Pending> pendingByEntry = new ConcurrentHashMap<>();
    private final Object room = new Object();
    private long delivered;
    private long lastAppended;

    Outbox(String spaceName, int partitionId, Path dir, SegmentLog.SyncPolicy policy, long segmentBytes, long capacity,
           Duration backlogWait) {
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.capacity = capacity;
        this.backlogWait = backlogWait;
        try {
            Files.createDirectories(dir);
            this.log = SegmentLog.open(dir.resolve("log"), new SegmentLog.Options(segmentBytes, policy));
            this.deliveredFile = dir.resolve("delivered");
            this.delivered = Files.exists(deliveredFile)
                    ? Long.parseLong(Files.readString(deliveredFile, StandardCharsets.US_ASCII).trim()) : 0L;
        } catch (IOException e) {
            throw new UncheckedIOException("space '" + spaceName + "' partition " + (partitionId + 1)
                    + ": cannot open the write-behind outbox in " + dir + ": " + e.getMessage(), e);
        }
        this.lastAppended = Math.max(log.lastSequence(), delivered);
    }

    int partitionId() {
        return partitionId;
    }

    static List<Object> key(SpaceEntry e) {
        return List.of(e.type().root().name(), e.id());
    }

    /**
     * Appends {@code changes} durably (per the sync policy) and returns the last sequence. Waits for
     * room up to the backlog wait. Under the partition lock.
     */
    long append(List<Change> changes) {
        int n = changes.size();
        List<byte[]> payloads = new ArrayList<>(n);
        for (Change c : changes) {
            try {
                payloads.add(OutboxCodec.encode(c, buffer));
            } catch (RuntimeException e) {
                throw new SpacePersistenceException("space '" + spaceName + "': cannot write " + c.type() + " of "
                        + c.entry().type().name() + " id=" + c.entry().id() + " to the write-behind outbox (a property value"
                        + " cannot be encoded); the space is unchanged: " + e.getMessage(), e);
            }
        }
        reserve(n);
        long last;
        try {
            last = log.append(payloads);
        } catch (RuntimeException e) {
            release(n);
            throw new SpacePersistenceException("space '" + spaceName + "' partition " + (partitionId + 1)
                    + ": writing the write-behind outbox failed; the space is unchanged: " + e.getMessage(), e);
        }
        long seq = last - n + 1;
        for (Change c : changes) {
            SpaceEntry e = c.entry();
            Pending p = new Pending(seq++, e, c.type() == DataSyncOperationType.REMOVE);
            pendingByEntry.merge(key(e), p, (old, neu) -> neu.sequence() > old.sequence() ? neu : old);
        }
        synchronized (room) {
            lastAppended = Math.max(lastAppended, last);
        }
        return last;
    }

    private void reserve(int n) {
        synchronized (room) {
            long deadline = System.nanoTime() + backlogWait.toNanos();
            // an operation larger than the whole outbox is let in alone, once the outbox is empty
            while (undeliveredLocked() + n > capacity && undeliveredLocked() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new PersistenceBacklogFullException(spaceName, partitionId, undeliveredLocked(), capacity, backlogWait);
                }
                try {
                    room.wait(Math.max(1L, left / 1_000_000L), (int) (left % 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new io.khora.SpaceInterruptedException("interrupted while waiting for room in the write-behind outbox", e);
                }
            }
            lastAppended += n; // provisional, so concurrent reservations count
        }
    }

    private void release(int n) {
        synchronized (room) {
            lastAppended -= n;
            room.notifyAll();
        }
    }

    private long undeliveredLocked() {
        return lastAppended - delivered;
    }

    /** Undelivered changes. */
    long undelivered() {
        synchronized (room) {
            return undeliveredLocked();
        }
    }

    /**
     * Waits until everything appended so far is delivered (or set aside).
     *
     * @return false if {@code timeoutNanos} elapsed first
     */
    boolean awaitDelivered(long timeoutNanos) throws InterruptedException {
        synchronized (room) {
            long target = lastAppended;
            long deadline = System.nanoTime() + timeoutNanos;
            while (delivered < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                room.wait(Math.max(1L, left / 1_000_000L));
            }
            return true;
        }
    }

    /** The last sequence delivered (or set aside). */
    long delivered() {
        synchronized (room) {
            return delivered;
        }
    }

    /** The last sequence appended. */
    long lastSequence() {
        return log.lastSequence();
    }

    /** Makes appended records durable and visible to the mirror (per-batch durability). */
    void sync() {
        if (log.lastSequence() > log.committedSequence()) {
            log.sync();
        }
    }

    SegmentReader read(long from) {
        return log.read(from);
    }

    /** The latest undelivered change of the entry ({@code root}, {@code id}), or null. */
    Pending pending(String root, Object id) {
        return pendingByEntry.isEmpty() ? null : pendingByEntry.get(List.of(root, id));
    }

    /** Every entry with an undelivered change. */
    java.util.Collection<Pending> pendingEntries() {
        return pendingByEntry.values();
    }

    /**
     * Everything up to {@code sequence} is delivered (or set aside): records the marker, frees room,
     * drops the index entries of {@code records} that nothing newer replaced, and deletes whole
     * delivered segments.
     */
    void acknowledge(long sequence, List<Change> records) {
        synchronized (room) {
            if (sequence <= delivered) {
                return;
            }
        }
        writeMarker(sequence);
        for (Change c : records) {
            if (c.sequence() <= sequence) {
                pendingByEntry.computeIfPresent(key(c.entry()), (k, p) -> p.sequence() <= sequence ? null : p);
            }
        }
        synchronized (room) {
            delivered = sequence;
            room.notifyAll();
        }
        log.truncateBefore(sequence + 1);
    }

    private void writeMarker(long sequence) {
        Path tmp = deliveredFile.resolveSibling("delivered.tmp");
        try {
            Files.writeString(tmp, Long.toString(sequence), StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, deliveredFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, deliveredFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the marker only saves work after a restart: a stale one means a replay the checkpoint absorbs
            throw new UncheckedIOException("cannot record the delivered sequence in " + deliveredFile, e);
        }
    }

    /** Reads every undelivered record (after a restart) in order. */
    List<LogRecord> undeliveredRecords() {
        List<LogRecord> out = new ArrayList<>();
        log.sync();
        try (SegmentReader r = log.read(Math.max(delivered + 1, Math.max(1, log.firstSequence())))) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                out.add(rec);
            }
        }
        return out;
    }

    /** Notes pending changes found after a restart (from {@link #undeliveredRecords()}). */
    void notePending(Change c) {
        pendingByEntry.merge(key(c.entry()), new Pending(c.sequence(), c.entry(), c.type() == DataSyncOperationType.REMOVE),
                (old, neu) -> neu.sequence() > old.sequence() ? neu : old);
    }

    @Override
    public void close() {
        log.close();
    }
}

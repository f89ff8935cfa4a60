package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.outbox.LogRecord;
import io.khora.internal.outbox.SegmentLog;
import io.khora.internal.outbox.SegmentReader;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.wire.WireOutput;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.PersistenceBacklogFullException;
import io.khora.persistence.SpacePersistenceException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 *
 * <p>Every outbox has a {@linkplain #logId() log id}, a random UUID kept in the file {@code log-id}
 * next to the {@code delivered} marker: the identity of its numbering. It is created with the outbox
 * directory and read back whenever the directory is reopened, so it changes exactly when the
 * numbering restarts at 1 (a new machine, a deleted data directory) and an endpoint's checkpoint for
 * the old numbering must not be applied to the new one. A directory written by a version without log
 * ids (records or a marker, no {@code log-id}) is given one when it is first reopened; that first
 * log id continues the old numbering, so such a directory cannot be told apart from its predecessor —
 * an endpoint adopts the log id for its existing checkpoint.
 */
final class Outbox implements MirrorSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /** The latest undelivered change of one entry. */
    record Pending(long sequence, SpaceEntry entry, boolean removed) {
    }

    private final String spaceName;
    private final int partitionId;
    private final SegmentLog log;
    private final Path deliveredFile;
    private final SentMarker sent;
    private final String logId;
    private final long capacity;
    private final Duration backlogWait;
    private final WireOutput buffer = new WireOutput(256);
    private final ConcurrentHashMap<List<Object>, Pending> pendingByEntry = new ConcurrentHashMap<>();
    private final Object room = new Object();
    private long delivered;
    private long lastAppended;
    /** The sequence the marker file holds (written by the mirror thread, and at close). */
    private volatile long markerSequence;

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
            this.logId = openLogId(dir.resolve(LOG_ID_FILE), delivered > 0 || log.lastSequence() > 0);
        } catch (IOException e) {
            throw new UncheckedIOException("space '" + spaceName + "' partition " + (partitionId + 1)
                    + ": cannot open the write-behind outbox in " + dir + ": " + e.getMessage(), e);
        }
        this.lastAppended = Math.max(log.lastSequence(), delivered);
        this.markerSequence = delivered;
        // an outbox without the file (new, or from before it existed) counts everything in its log as possibly sent
        this.sent = new SentMarker(dir, lastAppended, policy != SegmentLog.SyncPolicy.NEVER);
    }

    @Override
    public int partitionId() {
        return partitionId;
    }

    /** This process's own records. */
    @Override
    public JavaDeserialization javaDeserialization() {
        return JavaDeserialization.TRUSTED;
    }

    /**
     * The random UUID naming this outbox's numbering (file {@code log-id}): the same across reopenings
     * of the directory, a new one for a new directory.
     */
    @Override
    public String logId() {
        return logId;
    }

    static final String LOG_ID_FILE = "log-id";

    /**
     * Reads the log id in {@code file}, or creates one (durably, before anything is appended) if there
     * is none: for a new outbox, or for one written by a version without log ids ({@code legacy}).
     */
    private String openLogId(Path file, boolean legacy) throws IOException {
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (id.isEmpty() || id.length() > 64) {
                throw new IOException("the log id file " + file + " is " + (id.isEmpty() ? "empty" : "too long")
                        + "; restore it (or remove the whole outbox directory to start a new, empty outbox)");
            }
            return id;
        }
        String id = UUID.randomUUID().toString();
        Path tmp = file.resolveSibling(LOG_ID_FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(id.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(file.getParent());
        if (legacy) {
            LOG.info("space '{}' partition {}: the write-behind outbox in {} has no log id (written by an earlier version);"
                    + " created {} for its existing numbering", spaceName, partitionId + 1, file.getParent(), id);
        }
        return id;
    }

    /** Makes a rename in {@code dir} durable where the platform allows it (not on Windows). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: directories cannot be opened for syncing on every platform
        }
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

    /**
     * Appends a committed transaction's part in this partition as one record; returns its sequence
     * (which every change of the part carries). Under the partition lock.
     *
     * @param notePending whether the read side learns of the changes now (else through
     *     {@link #notePending(List, long)} once the transaction is decided)
     */
    long appendTransaction(String txId, int[] participants, List<Change> changes, long[] order, boolean notePending) {
        byte[] payload;
        try {
            payload = OutboxCodec.encodeTransaction(txId, participants, changes, order, buffer);
        } catch (RuntimeException e) {
            throw new SpacePersistenceException("space '" + spaceName + "': cannot write transaction " + txId + " to the write-behind"
                    + " outbox (a property value cannot be encoded); nothing of it was applied: " + e.getMessage(), e);
        }
        long seq = appendOne(payload, "transaction " + txId);
        if (notePending) {
            notePending(changes, seq);
        }
        return seq;
    }

    /** Writing to the log failed: the record may or may not be in it (e.g. written, then not forced). */
    static final class WriteFailed extends SpacePersistenceException {
        WriteFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Appends the void marker of {@code txId}'s part. Under the partition lock. */
    long appendAbort(String txId) {
        return appendOne(OutboxCodec.encodeAbort(txId, buffer), "the abort of transaction " + txId);
    }

    private long appendOne(byte[] payload, String what) {
        reserve(1);
        long seq;
        try {
            seq = log.append(payload);
        } catch (RuntimeException e) {
            release(1);
            throw new WriteFailed("space '" + spaceName + "' partition " + (partitionId + 1)
                    + ": writing " + what + " to the write-behind outbox failed; nothing of it was applied: " + e.getMessage(), e);
        }
        synchronized (room) {
            lastAppended = Math.max(lastAppended, seq);
        }
        return seq;
    }

    /** The read side learns of a transaction part's changes, appended at {@code sequence}. */
    void notePending(List<Change> changes, long sequence) {
        for (Change c : changes) {
            Pending p = new Pending(sequence, c.entry(), c.type() == DataSyncOperationType.REMOVE);
            pendingByEntry.merge(key(c.entry()), p, (old, neu) -> neu.sequence() >= old.sequence() ? neu : old);
        }
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
    @Override
    public long undelivered() {
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
    @Override
    public long delivered() {
        synchronized (room) {
            return delivered;
        }
    }

    /** The last sequence appended. */
    @Override
    public long lastSequence() {
        return log.lastSequence();
    }

    /** Makes appended records durable and visible to the mirror (per-batch durability). */
    @Override
    public void sync() {
        if (log.lastSequence() > log.committedSequence()) {
            log.sync();
        }
    }

    @Override
    public SegmentReader read(long from) {
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
        acknowledge(sequence, records, true);
    }

    /**
     * Like {@link #acknowledge(long, List)}; without {@code durable}, the marker file is written (and
     * delivered segments deleted) only at the next {@link #flushMarker()} — a mirror acknowledging
     * many transactions in one round writes it once. A marker that lags after a crash only means a
     * replay, which the endpoint's checkpoint absorbs.
     */
    @Override
    public void acknowledge(long sequence, List<Change> records, boolean durable) {
        synchronized (room) {
            if (sequence <= delivered) {
                return;
            }
        }
        if (durable) {
            writeMarker(sequence);
        }
        for (Change c : records) {
            if (c.sequence() <= sequence) {
                pendingByEntry.computeIfPresent(key(c.entry()), (k, p) -> p.sequence() <= sequence ? null : p);
            }
        }
        synchronized (room) {
            delivered = sequence;
            room.notifyAll();
        }
        if (durable) {
            log.truncateBefore(sequence + 1);
        }
    }

    /** Writes the marker (and deletes delivered segments) if acknowledgements got ahead of it. */
    @Override
    public void flushMarker() {
        long d = delivered();
        if (d > markerSequence) {
            writeMarker(d);
            log.truncateBefore(d + 1);
        }
    }

    private void writeMarker(long sequence) {
        markerSequence = Math.max(markerSequence, sequence);
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
    public long possiblySentUpTo() {
        return Math.max(sent.sentUpTo(), delivered());
    }

    @Override
    public void noteSending(long sequence) {
        sent.advance(sequence);
    }

    @Override
    public void close() {
        try {
            sent.close();
        } finally {
            log.close();
        }
    }
}

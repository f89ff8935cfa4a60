package io.khora.internal.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, checksummed log of byte[] records on disk: the write-behind outbox of one
 * partition. Records get dense sequence numbers 1, 2, 3 … that continue across reopen. The log is
 * a directory of segment files named by their first sequence (layout in {@code RecordFormat}:
 * each record is length, CRC32C over length, sequence and payload, sequence, payload).
 *
 * <h2>Durability</h2>
 * An {@code append} writes its records with one positioned {@link FileChannel} write (no
 * user-space buffering across calls), so once it returns the records are in the operating
 * system and survive a crash of the JVM (SIGKILL included) under every policy. What survives a
 * crash of the machine (power loss, kernel panic) depends on the {@link SyncPolicy}:
 * <ul>
 *   <li>{@link SyncPolicy#EVERY_APPEND}: {@code append} returns after the records are forced to
 *       the device ({@code FileChannel.force(false)}, i.e. fdatasync). Concurrent appenders share
 *       one force (group commit).</li>
 *   <li>{@link SyncPolicy#ON_SYNC}: records are durable once a later {@link #sync()} returns (the
 *       caller syncs per batch, before it acknowledges the batch).</li>
 *   <li>{@link SyncPolicy#NEVER}: nothing is forced on append or close; the OS writes back when it
 *       likes. For tests and benchmarks.</li>
 * </ul>
 * Under every policy, rolling to a new segment forces the segment it seals and the directory, so
 * a segment that is not the last is always whole on disk; {@link #open} therefore treats damage
 * there as corruption and damage at the end of the last segment as a torn write (see
 * {@code SegmentRecovery}).
 *
 * <h2>Visibility</h2>
 * {@link #read readers} see a record once it is <em>committed</em>: forced to disk under
 * EVERY_APPEND and ON_SYNC (so no consumer — say, a database — ever sees a record the log could
 * lose and then number again), written under NEVER. {@link #committedSequence()} is the last
 * committed sequence. A reader never sees a partially written record.
 *
 * <h2>Failures</h2>
 * An {@code append} whose write fails is cut back from the file and throws an
 * {@link UncheckedIOException}: none of its records were appended, and the next append reuses
 * their sequences. If the cut itself fails, or a force fails (after which the OS may have dropped
 * the dirty pages, so the log no longer knows what is on disk), the log refuses every further
 * call with an {@link IllegalStateException}; reopen it, and recovery reads what the disk really
 * holds — the records of the failed call may or may not be there, like any write whose
 * acknowledgement was lost. A batch ({@link #append(List)}) is not atomic across a machine crash
 * either: a prefix of it may survive. Put what must be all-or-nothing into one record.
 *
 * <p>All methods are thread-safe. Close the readers you open ({@link #close()} closes any left).
 */
public final class SegmentLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);
    private static final int WRITE_BUFFER_BYTES = 256 * 1024;
    private static final String LOCK_FILE = "LOCK";

    /** When appended records are forced to disk; see the class comment for the guarantees. */
    public enum SyncPolicy {
        /** Every append is forced before it returns (group commit among concurrent appenders). */
        EVERY_APPEND,
        /** Records are forced by {@link #sync()}, which the caller calls per batch. */
        ON_SYNC,
        /** Never forced automatically (only on roll and on an explicit {@link #sync()}). */
        NEVER
    }

    /**
     * How a log is kept.
     *
     * @param segmentBytes the size at which a new segment is started (default 64 MiB, at least
     *                     {@value #MIN_SEGMENT_BYTES}); a segment exceeds it only when a single
     *                     append call is larger
     * @param syncPolicy   when records are forced to disk (default {@link SyncPolicy#EVERY_APPEND})
     */
    public record Options(long segmentBytes, SyncPolicy syncPolicy) {
        /** 64 MiB. */
        public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
        /** The smallest segment size accepted (small sizes are for tests). */
        public static final long MIN_SEGMENT_BYTES = 64;

        /** Validates. */
        public Options {
            if (segmentBytes < MIN_SEGMENT_BYTES) {
                throw new IllegalArgumentException("segmentBytes must be at least " + MIN_SEGMENT_BYTES + ": " + segmentBytes);
            }
            Objects.requireNonNull(syncPolicy, "syncPolicy");
        }

        /** 64 MiB segments, {@link SyncPolicy#EVERY_APPEND}. */
        public static Options defaults() {
            return new Options(DEFAULT_SEGMENT_BYTES, SyncPolicy.EVERY_APPEND);
        }

        /** These options with another segment size. */
        public Options withSegmentBytes(long bytes) {
            return new Options(bytes, syncPolicy);
        }

        /** These options with another sync policy. */
        public Options withSyncPolicy(SyncPolicy policy) {
            return new Options(segmentBytes, policy);
        }
    }

    private final Path directory;
    private final FileChannel lockFile; // holds an exclusive lock on LOCK while open
    private final Options options;
    private final RecoveryReport recovery;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final Set<SegmentReader> readers = ConcurrentHashMap.newKeySet();

    private final ReentrantLock appendLock = new ReentrantLock();
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition forceDone = syncLock.newCondition();
    private boolean forcing; // guarded by syncLock: a leader is forcing, outside the lock
    private final ReentrantLock truncateLock = new ReentrantLock();
    private final ReentrantLock signalLock = new ReentrantLock();
    private final Condition committed = signalLock.newCondition();
    private final AtomicInteger waitingReaders = new AtomicInteger();

    // guarded by appendLock
    private Segment active;
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[12];

    private volatile long lastSequence;
    private final AtomicLong committedSequence = new AtomicLong();
    private volatile boolean closed;
    private volatile Throwable failure;

    private SegmentLog(Path directory, Options options, SegmentRecovery.Result recovered, FileChannel lockFile) {
        this.directory = directory;
        this.lockFile = lockFile;
        this.options = options;
        this.recovery = recovered.report();
        for (Segment s : recovered.segments()) {
            segments.put(s.firstSequence, s);
        }
        this.active = segments.lastEntry().getValue();
        this.lastSequence = active.lastSequence();
        this.committedSequence.set(lastSequence);
    }

    /**
     * Opens the log in {@code directory} (created if missing), recovering what is there: a torn
     * tail of the last segment is cut off with a WARN, and sequences continue after the last good
     * record. One log instance at a time may have a directory open: an exclusive lock on the file
     * {@code LOCK} in it keeps out a second one, in this process or another.
     *
     * @throws LogCorruptedException if a segment other than the last is damaged, a segment is
     *                               missing, or records are out of sequence (names file and offset)
     * @throws IOException           if the directory cannot be read or written, or is already open
     */
    public static SegmentLog open(Path directory, Options options) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        Files.createDirectories(directory);
        FileChannel lockFile = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        SegmentLog log;
        try {
            FileLock lock;
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("segment log " + directory + " is already open (in this or another process)");
            }
            log = new SegmentLog(directory, options, SegmentRecovery.recover(directory), lockFile);
        } catch (IOException | RuntimeException e) {
            lockFile.close(); // releases the lock
            throw e;
        }
        RecoveryReport r = log.recovery;
        LOG.info("opened segment log {}: {} segments, {} records (sequences {}..{}), {} bytes, sync policy {}",
                directory, r.segments(), r.records(), r.firstSequence(), r.lastSequence(), log.sizeOnDisk(),
                options.syncPolicy());
        return log;
    }

    /** {@link #open(Path, Options)} with {@link Options#defaults()}. */
    public static SegmentLog open(Path directory) throws IOException {
        return open(directory, Options.defaults());
    }

    /** The directory of the segment files. */
    public Path directory() {
        return directory;
    }

    /** The options the log was opened with. */
    public Options options() {
        return options;
    }

    /** What {@link #open} found on disk. */
    public RecoveryReport recovery() {
        return recovery;
    }

    // ---- appending ---------------------------------------------------------------------------

    /**
     * Appends one record and returns its sequence. Durability when this returns: see the class
     * comment (in the OS always; forced to disk under {@link SyncPolicy#EVERY_APPEND}).
     *
     * @throws IllegalArgumentException if the payload is larger than 1 GiB
     * @throws UncheckedIOException     if the write (or, under EVERY_APPEND, the force) fails
     * @throws IllegalStateException    if the log is closed or has failed
     */
    public long append(byte[] payload) {
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null");
        }
        return append(Collections.singletonList(payload));
    }

    /**
     * Appends several records with one write (a batch) and returns the last one's sequence; their
     * sequences are consecutive. The batch goes into one segment (a new one if it does not fit in
     * the active one). An empty list appends nothing and returns {@link #lastSequence()}. The
     * payloads are not copied first: do not change them while the call runs.
     *
     * @throws IllegalArgumentException if a payload is null or larger than 1 GiB
     * @throws UncheckedIOException     if the write (or, under EVERY_APPEND, the force) fails;
     *                                  none of the batch's records was appended
     * @throws IllegalStateException    if the log is closed or has failed
     */
    public long append(List<byte[]> payloads) {
        long bytes = 0;
        for (byte[] p : payloads) {
            if (p == null) {
                throw new IllegalArgumentException("payload must not be null");
            }
            if (p.length > RecordFormat.MAX_PAYLOAD_BYTES) {
                throw new IllegalArgumentException("payload of " + p.length + " bytes exceeds the maximum of "
                        + RecordFormat.MAX_PAYLOAD_BYTES);
            }
            bytes += RecordFormat.RECORD_HEADER_BYTES + p.length;
        }
        long last;
        appendLock.lock();
        try {
            checkUsable();
            if (payloads.isEmpty()) {
                return lastSequence;
            }
            Segment segment = active;
            if (!segment.isEmpty() && segment.writtenEnd() + bytes > options.segmentBytes()) {
                segment = roll();
            }
            last = write(segment, payloads);
            if (options.syncPolicy() == SyncPolicy.NEVER) {
                segment.commit(segment.writtenEnd());
                publishCommitted(last);
            }
        } finally {
            appendLock.unlock();
        }
        if (options.syncPolicy() == SyncPolicy.EVERY_APPEND) {
            syncTo(last);
        }
        return last;
    }

    /** Writes the records at the end of {@code segment}; on failure cuts them off again. */
    private long write(Segment segment, List<byte[]> payloads) {
        long start = segment.writtenEnd();
        long position = start;
        long sequence = lastSequence;
        ByteBuffer buffer = writeBuffer;
        buffer.clear();
        try {
            for (byte[] payload : payloads) {
                sequence++;
                int length = payload.length;
                int checksum = RecordFormat.checksum(crc, scratch, length, sequence, payload, 0);
                if (buffer.remaining() < RecordFormat.RECORD_HEADER_BYTES) {
                    position = flush(segment, buffer, position);
                }
                RecordFormat.putRecordHeader(buffer, length, checksum, sequence);
                int done = 0;
                while (done < length) {
                    if (!buffer.hasRemaining()) {
                        position = flush(segment, buffer, position);
                    }
                    int n = Math.min(length - done, buffer.remaining());
                    buffer.put(payload, done, n);
                    done += n;
                }
            }
            position = flush(segment, buffer, position);
        } catch (IOException | RuntimeException e) {
            buffer.clear();
            try {
                segment.truncate(start);
            } catch (IOException | RuntimeException truncateFailure) {
                e.addSuppressed(truncateFailure);
                fail(e);
                throw new UncheckedIOException("append to " + segment.path + " failed and could not be undone; "
                        + "the log refuses further appends: reopen it", asIOException(e));
            }
            throw new UncheckedIOException("append to " + segment.path + " failed; nothing was appended", asIOException(e));
        }
        segment.written(position, sequence);
        lastSequence = sequence;
        return sequence;
    }

    private static long flush(Segment segment, ByteBuffer buffer, long position) throws IOException {
        buffer.flip();
        position = segment.write(buffer, position);
        buffer.clear();
        return position;
    }

    /**
     * Seals the active segment and starts the next one: forces the old segment (so it is whole on
     * disk before anything follows it), creates the new file and forces the directory.
     */
    private Segment roll() {
        Segment old = active;
        try {
            old.force();
        } catch (IOException e) {
            fail(e);
            throw new UncheckedIOException("forcing segment " + old.path + " before rolling failed; the log refuses "
                    + "further calls: reopen it", e);
        }
        Segment next;
        try {
            next = Segment.create(directory, lastSequence + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the next segment of " + directory + "; nothing was appended", e);
        }
        try {
            Segment.forceDirectory(directory);
        } catch (IOException e) {
            next.closeChannel();
            fail(e);
            throw new UncheckedIOException("forcing directory " + directory + " failed; the log refuses further calls: "
                    + "reopen it", e);
        }
        old.commit(old.writtenEnd());
        publishCommitted(old.lastSequence());
        segments.put(next.firstSequence, next);
        active = next;
        old.seal();
        LOG.debug("segment log {}: sealed {}, started {}", directory, old, next.path.getFileName());
        return next;
    }

    // ---- syncing -----------------------------------------------------------------------------

    /**
     * Forces every record appended so far to disk and makes it visible to readers. Under
     * {@link SyncPolicy#ON_SYNC}, records are durable (survive a machine crash) once this returns.
     * Concurrent callers share one force.
     *
     * @throws UncheckedIOException  if the force fails; the log then refuses further calls
     * @throws IllegalStateException if the log is closed or has failed
     */
    public void sync() {
        checkUsable();
        syncTo(lastSequence);
    }

    /**
     * Returns once {@code sequence} is forced. Group commit: one caller at a time (the leader)
     * forces, outside the lock, everything written so far; the others wait for it and return if
     * its force covered them, else one of them leads the next force.
     */
    private void syncTo(long sequence) {
        if (committedSequence.get() >= sequence) {
            return;
        }
        syncLock.lock();
        try {
            while (true) {
                checkUsable();
                if (committedSequence.get() >= sequence) {
                    return;
                }
                if (forcing) {
                    forceDone.awaitUninterruptibly();
                    continue;
                }
                Segment segment;
                long end;
                long target;
                appendLock.lock();
                try {
                    segment = active;
                    end = segment.writtenEnd();
                    target = lastSequence;
                } finally {
                    appendLock.unlock();
                }
                forcing = true;
                syncLock.unlock();
                IOException failed = null;
                try {
                    segment.force(); // older segments were forced when they were sealed
                    segment.commit(end);
                    publishCommitted(target);
                } catch (IOException e) {
                    failed = e;
                    fail(e);
                } finally {
                    syncLock.lock();
                    forcing = false;
                    forceDone.signalAll();
                }
                if (failed != null) {
                    throw new UncheckedIOException("forcing segment " + segment.path + " to disk failed; the log "
                            + "refuses further calls: reopen it", failed);
                }
            }
        } finally {
            syncLock.unlock();
        }
    }

    private void publishCommitted(long sequence) {
        committedSequence.accumulateAndGet(sequence, Math::max);
        if (waitingReaders.get() > 0) {
            signalLock.lock();
            try {
                committed.signalAll();
            } finally {
                signalLock.unlock();
            }
        }
    }

    // ---- state -------------------------------------------------------------------------------

    /** The sequence of the oldest record still stored, or 0 if the log stores no record. */
    public long firstSequence() {
        for (Segment s : segments.values()) {
            if (!s.isEmpty()) {
                return s.firstSequence;
            }
        }
        return 0;
    }

    /** The sequence of the last record appended (stored or already truncated), or 0 if none ever was. */
    public long lastSequence() {
        return lastSequence;
    }

    /**
     * The last sequence readers can see: forced to disk under EVERY_APPEND and ON_SYNC, written
     * under NEVER. At most {@link #lastSequence()}.
     */
    public long committedSequence() {
        return committedSequence.get();
    }

    /** The bytes the segment files take (headers included). */
    public long sizeOnDisk() {
        long total = 0;
        for (Segment s : segments.values()) {
            total += s.writtenEnd();
        }
        return total;
    }

    // ---- reading -----------------------------------------------------------------------------

    /**
     * A reader of the committed records from {@code fromSequence} on, in sequence order. It tails
     * the log: {@link SegmentReader#next()} returns null when it has caught up and later returns
     * records committed since; {@link SegmentReader#next(long, TimeUnit)} waits for them.
     *
     * @param fromSequence between {@link #firstSequence()} (or {@code lastSequence() + 1} when no
     *                     record is stored) and {@code lastSequence() + 1}
     * @throws IllegalArgumentException if {@code fromSequence} is out of that range
     * @throws IllegalStateException    if the log is closed or has failed
     */
    public SegmentReader read(long fromSequence) {
        checkUsable();
        long first = firstSequence();
        long last = lastSequence;
        long lowest = first == 0 ? last + 1 : first;
        if (fromSequence < Math.max(1, lowest) || fromSequence > last + 1) {
            throw new IllegalArgumentException("cannot read from sequence " + fromSequence + ": the log "
                    + (first == 0 ? "stores no record and continues at " + (last + 1)
                            : "stores sequences " + first + ".." + last));
        }
        Map.Entry<Long, Segment> entry = segments.floorEntry(fromSequence);
        if (entry == null) {
            throw new IllegalArgumentException("cannot read from sequence " + fromSequence
                    + ": it was truncated meanwhile");
        }
        SegmentReader reader = new SegmentReader(this, entry.getValue(), fromSequence);
        readers.add(reader);
        if (closed) { // close() may have run between checkUsable and add
            reader.close();
            checkUsable();
        }
        return reader;
    }

    /** The segment after {@code segment}, or null. */
    Segment segmentAfter(Segment segment) {
        Map.Entry<Long, Segment> next = segments.higherEntry(segment.firstSequence);
        return next == null ? null : next.getValue();
    }

    /** Waits up to {@code nanos} until {@code sequence} is committed or the log closes; returns the nanos left. */
    long awaitCommitted(long sequence, long nanos) throws InterruptedException {
        waitingReaders.incrementAndGet();
        signalLock.lock();
        try {
            while (committedSequence.get() < sequence && !closed && failure == null && nanos > 0) {
                nanos = committed.awaitNanos(nanos);
            }
            return nanos;
        } finally {
            signalLock.unlock();
            waitingReaders.decrementAndGet();
        }
    }

    void readerClosed(SegmentReader reader) {
        readers.remove(reader);
    }

    /** Throws if the log is closed or has failed. */
    void checkUsable() {
        if (closed) {
            throw new IllegalStateException("segment log " + directory + " is closed");
        }
        Throwable f = failure;
        if (f != null) {
            throw new IllegalStateException("segment log " + directory + " failed (" + f
                    + ") and refuses further calls: reopen it to recover", f);
        }
    }

    // ---- truncation --------------------------------------------------------------------------

    /**
     * Declares the records below {@code sequence} no longer needed (acknowledged): deletes, oldest
     * first, every segment whose records all lie below it. The active segment is never deleted,
     * so {@link #firstSequence()} may stay below {@code sequence}; callers keep their own
     * acknowledged position. Deletions are forced (the directory) unless the policy is NEVER, so
     * a machine crash cannot bring back an older segment without a newer one.
     *
     * @throws UncheckedIOException if a file cannot be deleted (the segments before it are gone)
     */
    public void truncateBefore(long sequence) {
        truncateLock.lock();
        try {
            checkUsable();
            List<Segment> doomed = new ArrayList<>();
            appendLock.lock();
            try {
                for (Segment s : segments.values()) {
                    if (s == active || s.lastSequence() >= sequence) {
                        break;
                    }
                    doomed.add(s);
                }
                for (Segment s : doomed) {
                    segments.remove(s.firstSequence);
                }
            } finally {
                appendLock.unlock();
            }
            if (doomed.isEmpty()) {
                return;
            }
            try {
                for (Segment s : doomed) {
                    try {
                        Files.delete(s.path);
                    } catch (NoSuchFileException alreadyGone) {
                        LOG.warn("segment log {}: segment {} was already deleted", directory, s.path.getFileName());
                    }
                }
                if (options.syncPolicy() != SyncPolicy.NEVER) {
                    Segment.forceDirectory(directory);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("deleting acknowledged segments of " + directory + " failed", e);
            }
            LOG.debug("segment log {}: deleted {} segments below sequence {}", directory, doomed.size(), sequence);
        } finally {
            truncateLock.unlock();
        }
    }

    // ---- closing -----------------------------------------------------------------------------

    /**
     * Closes the log: forces what was appended (unless the policy is NEVER), closes the files and
     * every reader. Idempotent.
     *
     * @throws UncheckedIOException if the final force fails (the files are closed anyway)
     */
    @Override
    public void close() {
        IOException forceFailure = null;
        syncLock.lock();
        try {
            while (forcing) {
                forceDone.awaitUninterruptibly();
            }
            appendLock.lock();
            try {
                if (closed) {
                    return;
                }
                if (options.syncPolicy() != SyncPolicy.NEVER && failure == null) {
                    try {
                        active.force();
                    } catch (IOException e) {
                        forceFailure = e;
                    }
                }
                closed = true;
                active.closeChannel();
                try {
                    lockFile.close(); // releases the lock
                } catch (IOException e) {
                    LOG.warn("releasing the lock of segment log {} failed: {}", directory, e.toString());
                }
            } finally {
                appendLock.unlock();
            }
        } finally {
            syncLock.unlock();
        }
        for (SegmentReader reader : readers) {
            reader.close();
        }
        signalLock.lock();
        try {
            committed.signalAll();
        } finally {
            signalLock.unlock();
        }
        if (forceFailure != null) {
            throw new UncheckedIOException("forcing " + active.path + " on close failed", forceFailure);
        }
        LOG.debug("closed segment log {} at sequence {}", directory, lastSequence);
    }

    private void fail(Throwable t) {
        if (failure == null) {
            failure = t;
            LOG.error("segment log {} failed and refuses further calls until reopened", directory, t);
        }
    }

    private static IOException asIOException(Throwable t) {
        return t instanceof IOException io ? io : new IOException(t.toString(), t);
    }
}

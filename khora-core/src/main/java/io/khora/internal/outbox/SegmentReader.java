package io.khora.internal.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.TimeUnit;

/**
 * Reads a {@link SegmentLog}'s committed records in sequence order, from a starting sequence on,
 * across segments, and tails the log: {@link #next()} returns null once it has caught up and
 * later returns records committed since. It reads only up to the committed end of each segment,
 * so it never sees a partially written record, and checks every record's checksum.
 *
 * <p>A reader is for one consuming thread; any number of readers may run beside the appenders.
 * It holds an open file of the segment it is reading, so a concurrent
 * {@link SegmentLog#truncateBefore} does not disturb it (on POSIX file systems). Closing the log
 * closes its readers.
 */
public final class SegmentReader implements RecordReader {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final SegmentLog log;
    private Segment segment;
    private FileChannel channel;
    private RecordScanner scanner;
    private long nextSequence;
    private volatile boolean closed;

    SegmentReader(SegmentLog log, Segment segment, long fromSequence) {
        this.log = log;
        this.nextSequence = fromSequence;
        open(segment);
    }

    /** The sequence of the record the next successful {@link #next()} returns. */
    public long nextSequence() {
        return nextSequence;
    }

    /**
     * The next committed record, or null if there is none yet (call again later, or use
     * {@link #next(long, TimeUnit)}).
     *
     * @throws IllegalStateException if the reader or the log is closed, the log has failed, or
     *                               the records it needs were truncated
     * @throws UncheckedIOException  on an I/O error, or (with a {@link LogCorruptedException}) if a
     *                               committed record fails its checksum
     */
    @Override
    public LogRecord next() {
        boolean interrupted = false;
        try {
            while (true) {
                checkOpen();
                try {
                    LogRecord record = read();
                    if (record == null) {
                        log.checkUsable();
                    }
                    return record;
                } catch (ClosedChannelException e) {
                    // an interrupt closed the channel (FileChannel does that): reopen and retry
                    interrupted |= Thread.interrupted();
                    checkOpen();
                    reopen();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The next committed record, waiting up to {@code timeout} for one; null if none came.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public LogRecord next(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            LogRecord record = next();
            if (record != null) {
                return record;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            log.awaitCommitted(nextSequence, left);
        }
    }

    private LogRecord read() throws IOException {
        while (true) {
            boolean sealed = segment.isSealed(); // read before the end: a sealed segment's end is final
            long limit = segment.committedEnd();
            long at = scanner.position();
            RecordScanner.Status status = scanner.next(limit, nextSequence, true);
            switch (status) {
                case RECORD:
                    if (scanner.payload() == null) {
                        continue; // below the sequence we start from
                    }
                    if (scanner.sequence() != nextSequence) {
                        throw new LogCorruptedException(segment.path, at, "record has sequence " + scanner.sequence()
                                + " where " + nextSequence + " was expected");
                    }
                    nextSequence++;
                    return new LogRecord(scanner.sequence(), scanner.payload());
                case END:
                    if (!sealed) {
                        return null;
                    }
                    Segment after = log.segmentAfter(segment);
                    if (after == null) {
                        return null;
                    }
                    channel.close();
                    open(after);
                    continue;
                default:
                    throw new LogCorruptedException(segment.path, at, status.describe()
                            + " below the committed end (" + limit + ")");
            }
        }
    }

    private void open(Segment s) {
        try {
            FileChannel ch = s.openForReading();
            segment = s;
            channel = ch;
            scanner = new RecordScanner(ch, RecordFormat.SEGMENT_HEADER_BYTES, BUFFER_BYTES);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("cannot read sequence " + nextSequence + " of " + log.directory()
                    + ": segment " + s.path.getFileName() + " was truncated", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void reopen() {
        long position = scanner.position();
        try {
            FileChannel ch = segment.openForReading();
            channel = ch;
            scanner = new RecordScanner(ch, position, BUFFER_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("reader of " + log.directory() + " is closed");
        }
    }

    /** Closes the reader's file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.readerClosed(this);
        try {
            FileChannel ch = channel;
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // nothing to flush on a read-only file
        }
    }
}

package io.khora.internal.outbox;

import java.util.concurrent.TimeUnit;

/**
 * Reads a log's records in sequence order and tails it: {@link #next()} returns null once it has
 * caught up and later returns records appended since. One consuming thread per reader. A local
 * {@link SegmentLog} ({@link SegmentReader}) and a cluster partition's replicated outbox (read over
 * the network by the mirror process) are the two kinds.
 */
public interface RecordReader extends AutoCloseable {
    /** The next record, or null if there is none yet. */
    LogRecord next();

    /** The next record, waiting up to {@code timeout} for one; null if none came. */
    LogRecord next(long timeout, TimeUnit unit) throws InterruptedException;

    @Override
    void close();
}

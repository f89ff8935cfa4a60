package io.khora.hibernate;

import io.khora.persistence.DataIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the rows one partition's initial load hands to the space and logs a summary (rows, time,
 * rows/s) at INFO when the load ends, plus a progress line at DEBUG every 5 seconds. (The space
 * reports percent done itself, from {@link DefaultHibernateSpaceDataSource#estimateInitialLoadSize}.)
 */
final class LoadProgressIterator implements DataIterator<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultHibernateSpaceDataSource.class);
    private static final long PROGRESS_NANOS = 5_000_000_000L;

    private final DataIterator<Object> delegate;
    private final String what;
    private final long start;
    private long rows;
    private long nextProgress;
    private boolean reported;

    LoadProgressIterator(DataIterator<Object> delegate, String what, long startNanos) {
        this.delegate = delegate;
        this.what = what;
        this.start = startNanos;
        this.nextProgress = startNanos + PROGRESS_NANOS;
    }

    @Override
    public boolean hasNext() {
        boolean has = delegate.hasNext();
        if (!has) {
            report(true);
        }
        return has;
    }

    @Override
    public Object next() {
        Object row = delegate.next();
        rows++;
        if ((rows & 0x3FF) == 0 && LOG.isDebugEnabled()) {
            long now = System.nanoTime();
            if (now >= nextProgress) {
                nextProgress = now + PROGRESS_NANOS;
                LOG.debug("initial load of {}: {} rows so far ({} rows/s)", what, rows, rate(now));
            }
        }
        return row;
    }

    private long rate(long now) {
        double secs = Math.max(1e-9, (now - start) / 1e9);
        return Math.round(rows / secs);
    }

    private void report(boolean complete) {
        if (reported) {
            return;
        }
        reported = true;
        long now = System.nanoTime();
        LOG.info("initial load of {} {}: {} rows in {} ms ({} rows/s)", what, complete ? "read" : "stopped", rows,
                (now - start) / 1_000_000, rate(now));
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            report(false);
        }
    }
}

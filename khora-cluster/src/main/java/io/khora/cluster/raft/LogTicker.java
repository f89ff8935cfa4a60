package io.khora.cluster.raft;

import io.khora.Ticker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The {@link Ticker} of a replicated partition's engine: time comes from the log, never from the
 * replica's clock.
 *
 * <p>While a command is applied, the applying thread reads the command's timestamp — the leader's
 * time written into the log entry, raised to the time of the previous command if it is lower, so
 * log time never runs backwards. Every replica applies the same commands with the same times, so
 * lease expiries (computed from "now" at write time) and expiry checks are identical everywhere.
 *
 * <p>Other threads (reads at the leader) see {@code max(logTime, readClock)}: at the leader the
 * read clock is its {@link LeaderClock}, so an entry whose lease has run out is not returned even
 * before the sweep that removes it is applied; at a follower there is no read clock and reads see
 * log time. Reads never change state, so this does not affect determinism.
 */
public final class LogTicker implements Ticker {
    private volatile long logTime;
    private volatile Thread applier;
    private volatile long applyTime;
    private volatile LongSupplier readClock;
    private final AtomicInteger pins = new AtomicInteger();
    private final ThreadLocal<long[]> pinned = new ThreadLocal<>();

    @Override
    public long millis() {
        if (Thread.currentThread() == applier) {
            return applyTime;
        }
        if (pins.get() > 0) {
            long[] p = pinned.get();
            if (p != null) {
                return p[0];
            }
        }
        long t = logTime;
        LongSupplier rc = readClock;
        return rc == null ? t : Math.max(t, rc.getAsLong());
    }

    /** Starts applying a command stamped {@code commandTime} on the current thread; returns the time it applies at. */
    long beginApply(long commandTime) {
        long t = Math.max(logTime, commandTime);
        logTime = t;
        applyTime = t;
        applier = Thread.currentThread();
        return t;
    }

    /** Ends the apply begun on the current thread. */
    void endApply() {
        applier = null;
    }

    /** The time of the last command applied (0 before the first). */
    public long logTime() {
        return logTime;
    }

    /** Sets log time from a snapshot. */
    void restore(long time) {
        logTime = time;
    }

    /** What threads other than the applier see, at least log time; null for log time only (followers). */
    public void readClock(LongSupplier clock) {
        this.readClock = clock;
    }

    /** Runs {@code action} on this thread with the ticker fixed at {@code time} (deterministic enumeration). */
    <T> T at(long time, java.util.function.Supplier<T> action) {
        long[] previous = pinned.get();
        pinned.set(new long[] {time});
        pins.incrementAndGet();
        try {
            return action.get();
        } finally {
            pins.decrementAndGet();
            if (previous == null) {
                pinned.remove();
            } else {
                pinned.set(previous);
            }
        }
    }
}

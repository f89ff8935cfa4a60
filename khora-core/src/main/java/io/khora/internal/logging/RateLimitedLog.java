package io.khora.internal.logging;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Log lines about limits a peer hit, at most one per kind (a limit's name) per interval: a flood of
 * hostile connections cannot flood the log. The first line of a kind is written at once; later ones
 * within the interval are counted, and the next line written says how many were left out. Thread-safe.
 */
public final class RateLimitedLog {
    private final Consumer<String> sink;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /** One kind's state. */
    private static final class Window {
        private boolean written;
        private long writtenAt;
        private long left;
    }

    /**
     * @param sink where lines go (a logger's warn)
     * @param interval at most one line per kind per this
     * @param nanoTime the clock
     */
    public RateLimitedLog(Consumer<String> sink, Duration interval, LongSupplier nanoTime) {
        this.sink = sink;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Writes {@code line} unless a line of {@code kind} was written within the interval (then it is
     * only counted); true if it was written. {@code line} is built only when written.
     */
    public boolean log(String kind, Supplier<String> line) {
        Window w = windows.computeIfAbsent(kind, k -> new Window());
        long left;
        synchronized (w) {
            long now = nanoTime.getAsLong();
            if (w.written && now - w.writtenAt < intervalNanos) {
                w.left++;
                return false;
            }
            left = w.left;
            w.left = 0;
            w.written = true;
            w.writtenAt = now;
        }
        sink.accept(left == 0 ? line.get() : line.get() + " (" + left + " more like it in the last "
                + Duration.ofNanos(intervalNanos).toSeconds() + " s were not logged)");
        return true;
    }
}

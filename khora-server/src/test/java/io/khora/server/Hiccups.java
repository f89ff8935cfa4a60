package io.khora.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How long this JVM (the test's, where the client threads run) stalled, and when: a thread that
 * asks to sleep {@link #TICK_MILLIS} and notes each time it ran again more than
 * {@link #NOTED_MILLIS} late — a GC pause, or no core for it on a busy machine. A client gap that
 * is mostly the test JVM's own stall is no sign of the cluster. Started with {@link #startMeter},
 * stopped with {@link #close}.
 */
final class Hiccups implements AutoCloseable {
    static final long TICK_MILLIS = 5;
    static final long NOTED_MILLIS = 20;
    /** At most this many stalls are kept (the longest so far is always kept). */
    static final int KEEP = 100_000;

    /** A stall of the meter thread from {@code fromNanos} to {@code toNanos} (System.nanoTime). */
    record Stall(long fromNanos, long toNanos) {
        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
        }
    }

    private final Thread thread;
    private final List<Stall> stalls = new ArrayList<>();
    private volatile boolean stop;
    private Stall longest;

    Hiccups() {
        thread = new Thread(this::run, "hiccups");
        thread.setDaemon(true);
    }

    /** Starts the meter. */
    void startMeter() {
        thread.start();
    }

    private void run() {
        long tick = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
        while (!stop) {
            long before = System.nanoTime();
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long after = System.nanoTime();
            if (after - before - tick > TimeUnit.MILLISECONDS.toNanos(NOTED_MILLIS)) {
                note(new Stall(before + tick, after));
            }
        }
    }

    /** The meter ran {@code s} late. */
    synchronized void note(Stall s) {
        if (stalls.size() < KEEP) {
            stalls.add(s);
        }
        if (longest == null || s.toNanos() - s.fromNanos() > longest.toNanos() - longest.fromNanos()) {
            longest = s;
        }
    }

    /** The longest stall noted, or null. */
    synchronized Stall longest() {
        return longest;
    }

    /** The longest stall that overlaps {@code [fromNanos, toNanos]}, in ms (0 if none was noted). */
    synchronized long longestWithinMillis(long fromNanos, long toNanos) {
        long ms = 0;
        for (Stall s : stalls) {
            if (s.toNanos() - fromNanos > 0 && toNanos - s.fromNanos() > 0) {
                ms = Math.max(ms, TimeUnit.NANOSECONDS.toMillis(Math.min(s.toNanos(), toNanos) - Math.max(s.fromNanos(), fromNanos)));
            }
        }
        return ms;
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
    }
}

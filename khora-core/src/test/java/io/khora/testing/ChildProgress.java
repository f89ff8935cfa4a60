package io.khora.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Waits for a child process that a test follows (and kills at a point of its progress) to end,
 * bounded by its progress rather than by wall time: a fault tied to an operation count must not be
 * raced by a deadline a busy machine misses. Only a child that makes no progress for the stall limit
 * fails the wait — a hang detector.
 */
public final class ChildProgress {
    private ChildProgress() {
    }

    /**
     * Waits until {@code child} ends, failing (and killing it) once {@code progress} has not changed
     * for {@code stall}; {@code what} describes the state for the failure message.
     */
    public static void awaitEnd(Process child, LongSupplier progress, Duration stall, Supplier<String> what)
            throws InterruptedException {
        long last = progress.getAsLong();
        long lastChange = System.nanoTime();
        while (!child.waitFor(1, TimeUnit.SECONDS)) {
            long now = progress.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > stall.toNanos()) {
                child.destroyForcibly();
                throw new AssertionError("the child made no progress for " + stall.toSeconds() + " s: " + what.get());
            }
        }
    }
}

package io.khora.testing;

import io.khora.Space;
import io.khora.internal.local.LocalSpace;
import io.khora.internal.router.LocalRouter;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Observes the waiters registered in an embedded space, so a test can tell that a read or take is
 * really waiting before it writes (a waiter for a query without routing is registered in every
 * partition, so it counts once per partition).
 */
public final class Waiters {
    private Waiters() {
    }

    /** Waiters registered over all partitions. */
    public static int total(Space space) {
        LocalRouter r = ((LocalSpace) space).router();
        int n = 0;
        for (int i = 0; i < r.size(); i++) {
            n += r.partition(i).waiterCount();
        }
        return n;
    }

    /** Blocks until {@link #total} is {@code expected}; fails the test after {@code timeout}. */
    public static void awaitTotal(Space space, int expected, Duration timeout) {
        awaitCondition(() -> total(space) == expected, timeout,
                () -> "expected " + expected + " registered waiters, found " + total(space));
    }

    /** Blocks until {@code condition} holds; fails the test with {@code message} after {@code timeout}. */
    public static void awaitCondition(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> message) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + ": " + message.get());
            }
            LockSupport.parkNanos(100_000L);
        }
    }
}

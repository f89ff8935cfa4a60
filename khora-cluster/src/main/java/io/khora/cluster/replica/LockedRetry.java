package io.khora.cluster.replica;

import io.khora.cluster.Futures;
import io.khora.cluster.raft.EntryLockedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Retries a proposal the state machine refused because a prepared transaction locks an entry it
 * touches ({@link EntryLockedException}): the lock lasts from a prepare to its commit, normally
 * milliseconds, so the attempt runs again after a pause that doubles from 1 ms up to 50 ms, until
 * the deadline — then the refusal stands. Any other outcome is the caller's at once. The refused
 * attempts changed nothing, so retrying them is safe.
 */
final class LockedRetry {
    private static final long MAX_PAUSE_MILLIS = 50;

    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final BooleanSupplier closed;

    /**
     * @param timer runs the retries
     * @param nanoTime the monotonic time the deadline is in ({@code System::nanoTime})
     * @param closed once true, refusals stand
     */
    LockedRetry(ScheduledExecutorService timer, LongSupplier nanoTime, BooleanSupplier closed) {
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.closed = closed;
    }

    /** Runs {@code attempt}, and again while it is refused as locked, for up to {@code timeoutNanos}. */
    <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> attempt, long timeoutNanos) {
        return whileLocked(attempt, nanoTime.getAsLong() + timeoutNanos, 1);
    }

    private <T> CompletableFuture<T> whileLocked(Supplier<CompletableFuture<T>> attempt, long deadline, long pauseMillis) {
        return attempt.get().handle((r, ex) -> {
            if (ex == null) {
                return CompletableFuture.completedFuture(r);
            }
            Throwable cause = Futures.cause(ex);
            if (cause instanceof EntryLockedException && deadline - nanoTime.getAsLong() > 0 && !closed.getAsBoolean()) {
                CompletableFuture<T> again = new CompletableFuture<>();
                timer.schedule(() -> whileLocked(attempt, deadline, Math.min(MAX_PAUSE_MILLIS, pauseMillis * 2)).whenComplete((r2, ex2) -> {
                    if (ex2 != null) {
                        again.completeExceptionally(Futures.cause(ex2));
                    } else {
                        again.complete(r2);
                    }
                }), pauseMillis, TimeUnit.MILLISECONDS);
                return again;
            }
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(f -> f);
    }
}

package io.khora.internal.local;

import io.khora.Period;
import io.khora.Scheduler;
import io.khora.SpaceClosedException;
import io.khora.SpaceException;
import io.khora.SpaceInterruptedException;
import io.khora.internal.engine.Waiter;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a caller waits for a registered {@link Waiter} (a read or take with a period that found
 * nothing): blocking for the synchronous API, or a future completed with null when the period
 * elapses for the asynchronous one. The waiter is claimed on timeout, interrupt or cancellation, so
 * a write that raced the deadline either served the caller or left the entry in the space — never
 * both, never neither. Shared by the space and its transactional views.
 */
final class SpaceWaits {
    private final String spaceName;
    private final Scheduler scheduler;

    SpaceWaits(String spaceName, Scheduler scheduler) {
        this.spaceName = spaceName;
        this.scheduler = scheduler;
    }

    /** Blocks for a waiter's result; on timeout or interrupt claims it, or takes what a racing write handed it. */
    Object block(Waiter w, Period period) {
        CompletableFuture<?> f = w.future();
        try {
            return period.isForever() ? f.get() : f.get(period.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException timeout) {
            if (w.tryClaim()) {
                w.deliver(null);
                return null;
            }
            return joinUninterruptibly(f);
        } catch (InterruptedException interrupted) {
            if (w.tryClaim()) {
                SpaceInterruptedException ex = new SpaceInterruptedException("interrupted while waiting in space '" + spaceName + "'", interrupted);
                w.fail(ex);
                Thread.currentThread().interrupt();
                throw ex;
            }
            Object v = joinUninterruptibly(f);
            Thread.currentThread().interrupt();
            return v;
        } catch (ExecutionException failed) {
            throw unwrap(failed.getCause());
        } catch (CancellationException cancelled) {
            return null;
        }
    }

    /** Completes {@code w} with null when {@code period} elapses (unless it completed first). */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> armTimeout(Waiter w, Period period) {
        CompletableFuture<T> f = (CompletableFuture<T>) w.future();
        if (!period.isForever() && !f.isDone()) {
            Future<?> timer;
            try {
                timer = scheduler.schedule(() -> {
                    if (w.tryClaim()) {
                        w.deliver(null);
                    }
                }, ceilMillis(period.toNanos()));
            } catch (RejectedExecutionException closing) {
                if (w.tryClaim()) {
                    w.fail(new SpaceClosedException(spaceName));
                }
                return f;
            }
            f.whenComplete((r, t) -> timer.cancel(false));
        }
        return f;
    }

    /** Nanoseconds rounded up to whole milliseconds (at least 1): a timer never fires before its period. */
    static long ceilMillis(long nanos) {
        long ms = nanos / 1_000_000L;
        return Math.max(1L, nanos % 1_000_000L == 0 ? ms : ms + 1);
    }

    private static Object joinUninterruptibly(CompletableFuture<?> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new SpaceException(t.toString(), t);
    }
}

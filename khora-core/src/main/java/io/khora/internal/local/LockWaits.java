package io.khora.internal.local;

import io.khora.SpaceInterruptedException;
import io.khora.TransactionConflictException;
import io.khora.internal.engine.EntryLockedException;
import io.khora.internal.engine.TxPart;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for entries transactions hold. The engine never waits: an operation that needs a locked
 * entry gets an {@link EntryLockedException}; its caller waits here for the holder to end (its
 * part's {@code released()} future) and retries, up to a deadline, then gives up with a
 * {@link TransactionConflictException}. A transaction about to wait first follows the chain of
 * transactions each is waiting for: if it leads back to itself, waiting would deadlock, and it
 * gives up at once.
 */
final class LockWaits {
    private static final int MAX_CHAIN = 64;

    private LockWaits() {
    }

    /**
     * Waits for {@code locked}'s holder to release its locks.
     *
     * @param deadline the deadline ({@link System#nanoTime()}) of earlier waits of the same operation, or 0 for its first
     * @param waitNanos the lock wait (from the first wait)
     * @param self the transaction waiting, or null
     * @return the deadline, for the next wait of the same operation
     * @throws TransactionConflictException the deadline passed, or waiting would deadlock
     */
    static long await(EntryLockedException locked, long deadline, long waitNanos, LocalTransaction self) {
        return await(locked.holderPart(), locked.getMessage(), deadline, waitNanos, self);
    }

    /** Waits until one of {@code holders} ends, up to {@code deadline}; false if the deadline passed first. */
    static boolean awaitAny(List<TxPart> holders, long deadline, LocalTransaction self) {
        CompletableFuture<?>[] fs = new CompletableFuture<?>[holders.size() + (self == null ? 0 : 1)];
        for (int i = 0; i < holders.size(); i++) {
            fs[i] = holders.get(i).released();
        }
        if (self != null) {
            fs[fs.length - 1] = self.ended();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            CompletableFuture.anyOf(fs).get(left, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpaceInterruptedException("interrupted while waiting for a transaction's lock", e);
        } catch (ExecutionException e) {
            return true;
        }
    }

    static long await(TxPart holder, String what, long deadline, long waitNanos, LocalTransaction self) {
        long now = System.nanoTime();
        if (deadline == 0) {
            deadline = now + Math.min(waitNanos, Long.MAX_VALUE / 4);
            if (deadline == 0) {
                deadline = 1;
            }
        }
        LocalTransaction other = holder.owner() instanceof LocalTransaction t ? t : null;
        if (self != null && other != null) {
            if (other == self) {
                throw new IllegalStateException(what + ": held by the waiting transaction itself");
            }
            self.waitingFor = other;
            String cycle = cycle(self, other);
            if (cycle != null) {
                self.waitingFor = null;
                throw new TransactionConflictException(what + "; waiting for it would deadlock (" + cycle + "): transaction "
                        + self.id() + " gives up; roll it back and retry", holder.txId());
            }
        }
        try {
            long left = deadline - now;
            if (left <= 0) {
                throw conflict(what, holder, waitNanos);
            }
            CompletableFuture<?> f = self == null ? holder.released() : CompletableFuture.anyOf(holder.released(), self.ended());
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (!holder.released().isDone()) {
                    throw conflict(what, holder, waitNanos);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SpaceInterruptedException("interrupted while waiting for a transaction's lock: " + what, e);
            } catch (ExecutionException e) {
                // released() never fails; ended() neither
            }
        } finally {
            if (self != null) {
                self.waitingFor = null;
            }
        }
        if (self != null) {
            self.ensureActive();
        }
        return deadline;
    }

    /** The cycle "a → b → … → a" if following who waits for whom from {@code next} leads back to {@code self}. */
    private static String cycle(LocalTransaction self, LocalTransaction next) {
        StringBuilder path = new StringBuilder(self.id());
        LocalTransaction t = next;
        for (int i = 0; i < MAX_CHAIN && t != null; i++) {
            path.append(" → ").append(t.id());
            if (t == self) {
                return path.toString();
            }
            if (t.status() != io.khora.Transaction.Status.ACTIVE && t.status() != io.khora.Transaction.Status.COMMITTING) {
                return null;
            }
            t = t.waitingFor;
        }
        return null;
    }

    private static TransactionConflictException conflict(String what, TxPart holder, long waitNanos) {
        return new TransactionConflictException(what + "; it was not released within the lock wait of "
                + java.time.Duration.ofNanos(waitNanos), holder.txId());
    }
}

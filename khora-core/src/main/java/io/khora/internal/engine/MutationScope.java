package io.khora.internal.engine;

import io.khora.SpaceClosedException;

import java.util.concurrent.locks.StampedLock;
import java.util.function.LongSupplier;

/**
 * The lock ceremony every mutation of a partition goes through: take the write lock, check the
 * partition is open (and the transaction part active), do the housekeeping (replay buffered LRU
 * reads), run the body, release the lock, and only then run what the body queued in its
 * {@link AfterUnlock} (waiter completions, the change sink's after-hooks). Owns the partition's
 * {@link StampedLock} and its closed flag; the lock-free readers validate against the same lock.
 */
final class MutationScope {
    /** A body run under the write lock. */
    @FunctionalInterface
    interface Body<T> {
        T run(AfterUnlock after);
    }

    private final StampedLock lock = new StampedLock();
    private final String spaceName;
    private final LruPolicy lru;
    private volatile boolean closed;

    MutationScope(String spaceName, LruPolicy lru) {
        this.spaceName = spaceName;
        this.lru = lru;
    }

    /** The partition lock (for optimistic and read-locked reads). */
    StampedLock lock() {
        return lock;
    }

    boolean isClosed() {
        return closed;
    }

    /** Marks the partition closed. Under the lock. */
    void markClosed() {
        closed = true;
    }

    /** A mutation: open, {@code part} (if given) active, housekeeping done, then {@code body}. */
    <T> T mutate(TxPart part, Body<T> body) {
        return run(true, part, true, false, body);
    }

    /**
     * Like {@link #mutate} (no transaction part), but what the body queued runs even if it throws: a
     * batch may have applied some of its entries, whose waiters and after-hooks are then due.
     */
    <T> T batch(Body<T> body) {
        return run(true, null, true, true, body);
    }

    /** Like {@link #mutate} without the housekeeping. */
    <T> T open(TxPart part, Body<T> body) {
        return run(true, part, false, false, body);
    }

    /** Just the lock: {@code body} checks what it needs. */
    <T> T locked(Body<T> body) {
        return run(false, null, false, false, body);
    }

    /** {@code read} under the read lock. */
    long readLocked(LongSupplier read) {
        long stamp = lock.readLock();
        try {
            return read.getAsLong();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Throws {@link SpaceClosedException} once the partition is closed. */
    void ensureOpen() {
        if (closed) {
            throw new SpaceClosedException(spaceName);
        }
    }

    private <T> T run(boolean open, TxPart part, boolean maintain, boolean afterAlways, Body<T> body) {
        AfterUnlock after = new AfterUnlock();
        T result;
        long stamp = lock.writeLock();
        boolean done = false;
        try {
            if (open) {
                ensureOpen();
            }
            if (part != null) {
                part.ensureActive();
            }
            if (maintain && lru != null) {
                lru.drainReads();
            }
            result = body.run(after);
            done = true;
        } finally {
            lock.unlockWrite(stamp);
            if (!done && afterAlways) {
                after.run();
            }
        }
        after.run();
        return result;
    }
}

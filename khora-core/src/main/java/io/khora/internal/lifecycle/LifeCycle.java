package io.khora.internal.lifecycle;

import io.khora.SpaceClosedException;
import io.khora.SpaceInterruptedException;
import io.khora.SpaceNotReadyException;
import io.khora.SpaceState;
import io.khora.Subscription;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The state of a space (seed 004): INITIAL → LOADING → READY, plus SUSPENDED, RECOVER and INVALID.
 * Operations call {@link #awaitReady()}: a volatile read when READY; otherwise they block up to the
 * space wait and then fail with {@link SpaceNotReadyException} naming the state. INVALID is
 * terminal: operations and {@code waitForReady} give up at once. State listeners are
 * called on the given executor, in order.
 */
public final class LifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(LifeCycle.class);

    private final String spaceName;
    private final long spaceWaitNanos;
    private final Executor listenerExecutor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final CopyOnWriteArrayList<Consumer<SpaceState>> listeners = new CopyOnWriteArrayList<>();
    private volatile SpaceState state = SpaceState.INITIAL;
    private volatile String reason;
    private volatile boolean closed;

    /**
     * @param spaceName for messages
     * @param spaceWait how long an operation waits for READY
     * @param listenerExecutor runs state listeners (one at a time, in order of the changes)
     */
    public LifeCycle(String spaceName, Duration spaceWait, Executor listenerExecutor) {
        this.spaceName = spaceName;
        this.spaceWaitNanos = spaceWait.toNanos();
        this.listenerExecutor = new SerialExecutor(listenerExecutor, "state listener of space '" + spaceName + "'");
    }

    /** The current state. */
    public SpaceState state() {
        return state;
    }

    /** Why the space is in its current state, if known (e.g. the load failure), or null. */
    public String reason() {
        return reason;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Moves to {@code next}; {@code why} is kept for error messages. */
    public void moveTo(SpaceState next, String why) {
        SpaceState prev;
        lock.lock();
        try {
            prev = state;
            if (prev == next) {
                return;
            }
            state = next;
            reason = why;
            changed.signalAll();
            // enqueued under the lock, so listeners see changes in the order they happened
            for (Consumer<SpaceState> l : listeners) {
                listenerExecutor.execute(() -> notify(l, next));
            }
        } finally {
            lock.unlock();
        }
        LOG.info("space '{}': {} -> {}{}", spaceName, prev, next, why == null ? "" : " (" + why + ")");
    }

    private void notify(Consumer<SpaceState> l, SpaceState s) {
        try {
            l.accept(s);
        } catch (RuntimeException e) {
            LOG.warn("space '{}': state listener failed on {}", spaceName, s, e);
        }
    }

    /** Registers a listener for state changes. */
    public Subscription addListener(Consumer<SpaceState> listener) {
        listeners.add(listener);
        return new Subscription() {
            @Override
            public void close() {
                listeners.remove(listener);
            }

            @Override
            public boolean isActive() {
                return listeners.contains(listener);
            }
        };
    }

    /**
     * Returns at once when READY; otherwise waits up to the space wait.
     *
     * @throws SpaceClosedException if the space is closed
     * @throws SpaceNotReadyException if it did not become READY in time
     */
    public void awaitReady() {
        if (state == SpaceState.READY && !closed) {
            return;
        }
        if (closed) {
            throw new SpaceClosedException(spaceName);
        }
        if (state == SpaceState.INVALID) {
            throw new SpaceNotReadyException(spaceName, state, reason);
        }
        if (!waitForReady(spaceWaitNanos)) {
            if (closed) {
                throw new SpaceClosedException(spaceName);
            }
            throw new SpaceNotReadyException(spaceName, state, reason);
        }
    }

    /**
     * Waits, without a time limit, until READY.
     *
     * @throws SpaceClosedException if the space is or becomes closed
     * @throws SpaceNotReadyException if it is or becomes INVALID
     */
    public void awaitReadyWithoutLimit() {
        while (!waitForReady(Long.MAX_VALUE)) {
            if (closed) {
                throw new SpaceClosedException(spaceName);
            }
            if (state == SpaceState.INVALID) {
                throw new SpaceNotReadyException(spaceName, state, reason);
            }
        }
    }

    /** Waits up to {@code timeout} for READY; false if it did not come (or the space closed). */
    public boolean waitForReady(Duration timeout) {
        return waitForReady(timeout.isNegative() ? 0 : saturatedNanos(timeout));
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private boolean waitForReady(long nanos) {
        if (state == SpaceState.READY && !closed) {
            return true;
        }
        lock.lock();
        try {
            long left = nanos;
            while (state != SpaceState.READY && !closed) {
                if (left <= 0 || state == SpaceState.INVALID) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpaceInterruptedException("interrupted while waiting for space '" + spaceName + "' to be READY", e);
        } finally {
            lock.unlock();
        }
    }

    /** Marks the space closed and wakes everyone waiting for READY. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

}

package io.khora.testing;

import io.khora.SpaceEvent;
import io.khora.SpaceException;
import io.khora.SpaceListener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/** A listener that records every event (and the thread it came on) and lets a test await them. */
public class EventRecorder<T> implements SpaceListener<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<SpaceEvent<T>> events = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<SpaceException> terminations = new ArrayList<>();
    private int eventsAfterTermination;

    @Override
    public void onEvent(SpaceEvent<T> event) {
        lock.lock();
        try {
            if (!terminations.isEmpty()) {
                eventsAfterTermination++;
            }
            events.add(event);
            threads.add(Thread.currentThread());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onTerminated(SpaceException reason) {
        lock.lock();
        try {
            terminations.add(reason);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A copy of the events so far. */
    public List<SpaceEvent<T>> events() {
        lock.lock();
        try {
            return new ArrayList<>(events);
        } finally {
            lock.unlock();
        }
    }

    /** The threads the events came on, in order. */
    public List<Thread> threads() {
        lock.lock();
        try {
            return new ArrayList<>(threads);
        } finally {
            lock.unlock();
        }
    }

    /** The reasons onTerminated was called with. */
    public List<SpaceException> terminations() {
        lock.lock();
        try {
            return new ArrayList<>(terminations);
        } finally {
            lock.unlock();
        }
    }

    /** Events delivered after onTerminated. */
    public int eventsAfterTermination() {
        lock.lock();
        try {
            return eventsAfterTermination;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until an event matching {@code p} arrived; fails the test after {@code timeout}. */
    public SpaceEvent<T> await(Predicate<SpaceEvent<T>> p, Duration timeout) {
        return awaitState(() -> {
            for (SpaceEvent<T> e : events) {
                if (p.test(e)) {
                    return e;
                }
            }
            return null;
        }, timeout, "an event matching the condition");
    }

    /** Waits until at least {@code n} events arrived; fails the test after {@code timeout}. */
    public List<SpaceEvent<T>> awaitCount(int n, Duration timeout) {
        awaitState(() -> events.size() >= n ? Boolean.TRUE : null, timeout, n + " events");
        return events();
    }

    /** Waits until onTerminated was called; fails the test after {@code timeout}. */
    public SpaceException awaitTermination(Duration timeout) {
        return awaitState(() -> terminations.isEmpty() ? null : terminations.get(0), timeout, "onTerminated");
    }

    private <R> R awaitState(java.util.function.Supplier<R> probe, Duration timeout, String what) {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                R r = probe.get();
                if (r != null) {
                    return r;
                }
                if (left <= 0) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; got " + events.size()
                            + " events: " + (events.size() > 20 ? events.subList(events.size() - 20, events.size()) : events));
                }
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        } finally {
            lock.unlock();
        }
    }
}

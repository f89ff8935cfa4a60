package io.khora.internal.events;

import io.khora.SpaceEvent;
import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.SpaceListener;
import io.khora.Subscription;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.query.CompiledQuery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One listener's subscription: a bounded queue of pending events drained serially on the event
 * executor. Events are enqueued in the order partitions applied them, so they are delivered in
 * order per entry. Past the capacity the subscription is terminated (the listener is told), never
 * silently thinned and never allowed to block a writer.
 */
final class EventSubscription<T> implements Subscription, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventSubscription.class);
    private static final int BATCH = 256;

    private record Pending(SpaceEventType type, SpaceEntry entry, SpaceException terminal) {
    }

    final String root;
    private final EventBus bus;
    private final String spaceName;
    private final CompiledQuery query;
    private final EnumSet<SpaceEventType> types;
    private final SpaceListener<T> listener;
    private final Function<SpaceEntry, T> mapper;
    private final Executor executor;
    private final int capacity;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean active = new AtomicBoolean(true);
    private volatile LeasedRegistration lease;

    EventSubscription(EventBus bus, String spaceName, String root, CompiledQuery query, Set<SpaceEventType> types,
                      SpaceListener<T> listener, Function<SpaceEntry, T> mapper, Executor executor, int capacity) {
        this.bus = bus;
        this.spaceName = spaceName;
        this.root = root;
        this.query = query;
        this.types = EnumSet.copyOf(types);
        this.listener = listener;
        this.mapper = mapper;
        this.executor = executor;
        this.capacity = capacity;
    }

    /** Puts the subscription under {@code l}: an expired lease ends it before it is offered another event. */
    void lease(LeasedRegistration l) {
        this.lease = l;
    }

    void offer(SpaceEventType type, SpaceEntry e) {
        if (!active.get() || !types.contains(type) || !e.type().isSubtypeOf(query.type()) || !query.matches(e.values())) {
            return;
        }
        LeasedRegistration l = lease;
        if (l != null && l.expiredNow()) {
            return;
        }
        if (pending.incrementAndGet() > capacity) {
            pending.decrementAndGet();
            terminate(new SpaceException("space '" + spaceName + "': event listener fell " + capacity
                    + " events behind (the subscription's queue capacity) and was unsubscribed; resubscribe and re-read"));
            return;
        }
        queue.offer(new Pending(type, e, null));
        schedule();
    }

    void terminate(SpaceException reason) {
        if (!active.compareAndSet(true, false)) {
            return;
        }
        bus.remove(this);
        queue.clear();
        queue.offer(new Pending(null, null, reason));
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this);
            } catch (RuntimeException rejected) {
                scheduled.set(false);
                LOG.debug("space '{}': event executor rejected delivery", spaceName, rejected);
            }
        }
    }

    @Override
    public void run() {
        try {
            for (int i = 0; i < BATCH; i++) {
                Pending p = queue.poll();
                if (p == null) {
                    break;
                }
                if (p.terminal != null) {
                    safeTerminated(p.terminal);
                    continue;
                }
                pending.decrementAndGet();
                if (active.get()) {
                    deliver(p);
                }
            }
        } finally {
            scheduled.set(false);
            if (!queue.isEmpty()) {
                schedule();
            }
        }
    }

    private void deliver(Pending p) {
        try {
            SpaceEntry e = p.entry;
            listener.onEvent(new SpaceEvent<>(p.type, e.id(), mapper.apply(e), e.version()));
        } catch (RuntimeException ex) {
            LOG.warn("space '{}': event listener threw on {} of {}", spaceName, p.type, p.entry, ex);
        }
    }

    private void safeTerminated(SpaceException reason) {
        try {
            listener.onTerminated(reason);
        } catch (RuntimeException ex) {
            LOG.warn("space '{}': event listener threw in onTerminated", spaceName, ex);
        }
    }

    @Override
    public void close() {
        if (active.compareAndSet(true, false)) {
            bus.remove(this);
            queue.clear();
        }
    }

    @Override
    public boolean isActive() {
        return active.get();
    }
}

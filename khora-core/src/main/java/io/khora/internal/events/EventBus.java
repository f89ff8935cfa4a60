package io.khora.internal.events;

import io.khora.EventRegistration;
import io.khora.Lease;
import io.khora.Scheduler;
import io.khora.SpaceClosedException;
import io.khora.SpaceEventType;
import io.khora.SpaceListener;
import io.khora.Subscription;
import io.khora.Ticker;
import io.khora.internal.engine.EventSink;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.query.CompiledQuery;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Routes the events partitions publish to the subscriptions whose type and query match. Publishing
 * only evaluates the query and enqueues (it runs under a partition lock); delivery runs on the
 * event executor, serially per subscription, so a slow listener delays only itself.
 */
public final class EventBus implements EventSink {
    private final String spaceName;
    private final Executor executor;
    private final int queueCapacity;
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<EventSubscription<?>>> byRoot = new ConcurrentHashMap<>();
    private volatile int count;

    /**
     * @param spaceName for messages and logs
     * @param executor runs deliveries
     * @param queueCapacity events a subscription may have pending before it is terminated
     */
    public EventBus(String spaceName, Executor executor, int queueCapacity) {
        this.spaceName = spaceName;
        this.executor = executor;
        this.queueCapacity = queueCapacity;
    }

    /** Subscribes {@code listener} to the {@code types} of entries matching {@code query}. */
    public <T> Subscription subscribe(CompiledQuery query, Set<SpaceEventType> types, SpaceListener<T> listener,
                                      Function<SpaceEntry, T> mapper) {
        String root = query.type().root().name();
        EventSubscription<T> s = new EventSubscription<>(this, spaceName, root, query, types, listener, mapper, executor, queueCapacity);
        byRoot.computeIfAbsent(root, r -> new CopyOnWriteArrayList<>()).add(s);
        recount();
        return s;
    }

    /**
     * Subscribes like {@link #subscribe(CompiledQuery, Set, SpaceListener, Function)} under a lease
     * counted on {@code ticker}: at its expiry the subscription ends and the listener is told.
     */
    public <T> EventRegistration subscribe(CompiledQuery query, Set<SpaceEventType> types, SpaceListener<T> listener,
                                           Function<SpaceEntry, T> mapper, Lease lease, Ticker ticker, Scheduler scheduler) {
        Objects.requireNonNull(lease, "subscription lease must not be null (use Lease.FOREVER)");
        EventSubscription<T> s = (EventSubscription<T>) subscribe(query, types, listener, mapper);
        LeasedRegistration r = new LeasedRegistration(s, lease, ticker, scheduler, s::terminate,
                "space '" + spaceName + "': the subscription to " + query.type().name());
        s.lease(r);
        return r;
    }

    void remove(EventSubscription<?> s) {
        List<EventSubscription<?>> list = byRoot.get(s.root);
        if (list != null && list.remove(s)) {
            recount();
        }
    }

    private void recount() {
        int n = 0;
        for (List<EventSubscription<?>> l : byRoot.values()) {
            n += l.size();
        }
        count = n;
    }

    @Override
    public boolean isActive() {
        return count > 0;
    }

    @Override
    public void publish(SpaceEventType type, SpaceEntry entry) {
        List<EventSubscription<?>> list = byRoot.get(entry.type().root().name());
        if (list == null) {
            return;
        }
        for (EventSubscription<?> s : list) {
            s.offer(type, entry);
        }
    }

    /** Terminates every subscription (their listeners are told the space closed). */
    public void close() {
        SpaceClosedException reason = new SpaceClosedException(spaceName);
        for (List<EventSubscription<?>> l : byRoot.values()) {
            for (EventSubscription<?> s : l) {
                s.terminate(reason);
            }
        }
        byRoot.clear();
        count = 0;
    }
}

package io.khora.cluster.replica;

import io.khora.cluster.NotLeaderException;
import io.khora.cluster.ReplicatedEvent;
import io.khora.SpaceClosedException;
import io.khora.SpaceEvent;
import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.SpaceListener;
import io.khora.Subscription;
import io.khora.cluster.raft.StoredEntry;
import io.khora.internal.engine.EventSink;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.events.EventBus;
import io.khora.internal.query.CompiledQuery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The event sink of a replica's engine. The engine publishes what it applies, on the applying
 * thread under its lock; at the leader this feeds the subscriptions (through core's
 * {@link EventBus}: a bounded queue per subscription, drained serially on the event executor, in
 * apply order) and signals the parked waits ({@link LeaderWaits}). At a follower nothing is
 * subscribed and nothing waits, so {@link #isActive()} is false and the engine builds no events.
 *
 * <p>Subscriptions belong to one leadership: {@link #endTerm} terminates them all with the given
 * reason (NotLeaderException, or SpaceClosedException on close) and starts an empty bus for the next.
 */
final class LeaderEvents implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderEvents.class);

    private final String spaceName;
    private final Executor executor;
    private final int queueCapacity;
    private final LeaderWaits waits;
    private volatile Term term;

    /** One leadership's bus and, once it ended, why. */
    private static final class Term {
        final EventBus bus;
        volatile SpaceException reason;

        Term(EventBus bus) {
            this.bus = bus;
        }
    }

    LeaderEvents(String spaceName, Executor executor, int queueCapacity, LeaderWaits waits) {
        this.spaceName = spaceName;
        this.executor = executor;
        this.queueCapacity = queueCapacity;
        this.waits = waits;
        this.term = new Term(new EventBus(spaceName, executor, queueCapacity));
    }

    @Override
    public boolean isActive() {
        return term.bus.isActive() || waits.isActive();
    }

    @Override
    public void publish(SpaceEventType type, SpaceEntry entry) {
        EventBus bus = term.bus;
        if (bus.isActive()) {
            bus.publish(type, entry);
        }
        if ((type == SpaceEventType.WRITE || type == SpaceEventType.UPDATE) && waits.isActive()) {
            waits.onWrite(entry);
        }
    }

    /**
     * Subscribes to the current leadership's events. Call only while this replica serves as leader,
     * under the lock that {@link #endTerm} is called under.
     */
    Subscription subscribe(CompiledQuery query, Set<SpaceEventType> types, Consumer<ReplicatedEvent> listener,
                           Consumer<? super SpaceException> onTerminated) {
        Term t = term;
        return t.bus.subscribe(query, types, new SpaceListener<StoredEntry>() {
            @Override
            public void onEvent(SpaceEvent<StoredEntry> event) {
                listener.accept(new ReplicatedEvent(event.type(), event.entry()));
            }

            @Override
            public void onTerminated(SpaceException reason) {
                SpaceException why = t.reason != null && reason instanceof SpaceClosedException ? t.reason : reason;
                try {
                    onTerminated.accept(why);
                } catch (RuntimeException e) {
                    LOG.warn("space '{}': a replicated event listener threw in onTerminated", spaceName, e);
                }
            }
        }, e -> new StoredEntry(e.type().name(), e.values().clone(), e.version(), e.expiresAt()));
    }

    /** Whether the current leadership has subscriptions. */
    boolean hasSubscriptions() {
        return term.bus.isActive();
    }

    /** Terminates every subscription with {@code reason} (told to its onTerminated) and starts afresh. */
    void endTerm(SpaceException reason) {
        Term old = term;
        term = new Term(new EventBus(spaceName, executor, queueCapacity));
        old.reason = reason;
        old.bus.close();
    }
}

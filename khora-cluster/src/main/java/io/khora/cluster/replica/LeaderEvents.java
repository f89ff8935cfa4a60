package io.khora.cluster.replica;

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
 * <p>Subscriptions and waits belong to one leadership ({@link LeaderState}): {@link #begin} starts
 * a {@link Term} with an empty bus and the leadership's waits, {@link #end} terminates its
 * subscriptions with the given reason (NotLeaderException, or SpaceClosedException on close) and,
 * if it is still the current one, leaves the sink idle until the next leadership begins.
 */
final class LeaderEvents implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderEvents.class);

    private final String spaceName;
    private final Executor executor;
    private final int queueCapacity;
    /** The current leadership's, or {@link #idle} while this replica does not lead. */
    private volatile Term term;
    private final Term idle;

    /** One leadership's bus and waits and, once it ended, why. */
    static final class Term {
        final EventBus bus;
        final LeaderWaits waits;
        volatile SpaceException reason;

        private Term(EventBus bus, LeaderWaits waits) {
            this.bus = bus;
            this.waits = waits;
        }

        private boolean waitsActive() {
            return waits != null && waits.isActive();
        }
    }

    LeaderEvents(String spaceName, Executor executor, int queueCapacity) {
        this.spaceName = spaceName;
        this.executor = executor;
        this.queueCapacity = queueCapacity;
        this.idle = new Term(new EventBus(spaceName, executor, queueCapacity), null);
        this.term = idle;
    }

    @Override
    public boolean isActive() {
        Term t = term;
        return t.bus.isActive() || t.waitsActive();
    }

    @Override
    public void publish(SpaceEventType type, SpaceEntry entry) {
        Term t = term;
        if (t.bus.isActive()) {
            t.bus.publish(type, entry);
        }
        if ((type == SpaceEventType.WRITE || type == SpaceEventType.UPDATE) && t.waitsActive()) {
            t.waits.onWrite(entry);
        }
    }

    /** Starts a leadership's term: published events go to its (empty) bus and signal {@code waits}. */
    Term begin(LeaderWaits waits) {
        Term t = new Term(new EventBus(spaceName, executor, queueCapacity), waits);
        term = t;
        return t;
    }

    /**
     * Subscribes to {@code t}'s events. Call only while its leadership serves, under the lock that
     * {@link #end} is called under.
     */
    Subscription subscribe(Term t, CompiledQuery query, Set<SpaceEventType> types, Consumer<ReplicatedEvent> listener,
                           Consumer<? super SpaceException> onTerminated) {
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

    /**
     * Ends {@code t}: the sink goes idle (unless another term began meanwhile) and every subscription
     * of {@code t} is terminated with {@code reason} (told to its onTerminated on the event executor).
     */
    void end(Term t, SpaceException reason) {
        if (term == t) {
            term = idle;
        }
        if (t.bus.isActive()) {
            t.reason = reason;
            t.bus.close();
        }
    }
}

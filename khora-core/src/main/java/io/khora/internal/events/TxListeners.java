package io.khora.internal.events;

import io.khora.EventRegistration;
import io.khora.SpaceEventType;
import io.khora.internal.engine.SpaceEntry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The event registrations made under one transaction (JavaSpaces' notify under a transaction):
 * besides the committed changes of everyone, which reach them through the space's {@link EventBus},
 * they are offered the transaction's own changes as it makes them; they all end when the
 * transaction ends (before its commit is applied, so its changes never reach them twice).
 */
public final class TxListeners {
    private final List<EventSubscription<?>> subscriptions = new CopyOnWriteArrayList<>();
    private final List<EventRegistration> registrations = new CopyOnWriteArrayList<>();

    /** Adds a registration made under the transaction (one answered by {@link EventBus#subscribe}). */
    public void add(EventRegistration r) {
        if (r instanceof LeasedRegistration l && l.target() instanceof EventSubscription<?> s) {
            subscriptions.add(s);
            registrations.add(r);
        } else {
            throw new IllegalArgumentException("not a registration of this space's event bus: " + r);
        }
    }

    /** Offers a change the transaction made (called under the partition lock: only enqueues). */
    public void changed(SpaceEventType type, SpaceEntry entry) {
        for (EventSubscription<?> s : subscriptions) {
            s.offer(type, entry);
        }
    }

    /** Ends every registration made under the transaction. */
    public void closeAll() {
        for (EventRegistration r : registrations) {
            r.close();
        }
        registrations.clear();
        subscriptions.clear();
    }
}

package io.khora.internal.engine;

import io.khora.SpaceEventType;

/**
 * Where a partition publishes what happened to its entries. Called under the partition lock, so
 * events of one entry arrive in the order the changes were applied; implementations must only
 * enqueue, never block or call back into the engine.
 */
public interface EventSink {
    /** A sink that drops everything. */
    EventSink NONE = new EventSink() {
        @Override
        public boolean isActive() {
            return false;
        }

        @Override
        public void publish(SpaceEventType type, SpaceEntry entry) {
        }
    };

    /** Whether anything listens at all (checked before building events). */
    boolean isActive();

    /** One event. */
    void publish(SpaceEventType type, SpaceEntry entry);
}

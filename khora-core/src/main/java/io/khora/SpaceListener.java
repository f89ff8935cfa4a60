package io.khora;

/**
 * Receives the events of one subscription, one at a time, in order per entry, on an event thread
 * (never the writer's thread).
 *
 * @param <T> the entry type
 */
@FunctionalInterface
public interface SpaceListener<T> {
    /** Called for each matching event. An exception is logged and delivery goes on. */
    void onEvent(SpaceEvent<T> event);

    /**
     * Called once when the subscription ends for a reason other than {@link Subscription#close()}:
     * the listener fell more than the configured queue capacity behind, or the space closed.
     * Nothing is delivered after this call.
     */
    default void onTerminated(SpaceException reason) {
    }
}

package io.khora;

/** A registration (event listener, state listener) that can be closed. */
public interface Subscription extends AutoCloseable {
    /** Stops delivery. Idempotent. */
    @Override
    void close();

    /** Whether events are still delivered. */
    boolean isActive();
}

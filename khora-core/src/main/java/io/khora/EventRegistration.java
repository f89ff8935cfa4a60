package io.khora;

/**
 * An event subscription with a lease (JavaSpaces' {@code notify} registration): it ends when its
 * lease expires unless renewed, and can be cancelled early with {@link #close()}. When the lease
 * expires the listener is told through {@link SpaceListener#onTerminated}.
 */
public interface EventRegistration extends Subscription {
    /** The absolute expiry in the space's {@link Ticker} milliseconds; {@link Long#MAX_VALUE} for FOREVER. */
    long expiresAt();

    /**
     * Gives the registration a new lease, counted from now.
     *
     * @throws IllegalStateException if the registration already ended (expired, closed or terminated)
     */
    void renew(Lease lease);
}

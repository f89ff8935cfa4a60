package io.khora.cluster;

import java.util.UUID;

/**
 * Identifies one call of one client, so that a retried mutation is applied at most once: the
 * client's UUID ({@code clientHigh}, {@code clientLow}) and a per-client sequence number that the
 * client increases with every new call (and keeps when it retries the same call).
 *
 * <p>The partition remembers, per client, the response of each of its recent calls (the last
 * {@link PartitionOptions#callWindow()} sequence numbers) for as long as the client is not idle for
 * more than {@link PartitionOptions#clientIdleTimeout()} of log time; a call with a remembered id
 * answers the remembered response without being applied again. A call older than the window (a
 * sequence number at or below the client's highest minus the window) that is not remembered fails
 * with {@link OutcomeUnknownException}: whether it was applied can no longer be told.
 *
 * @param clientHigh the most significant bits of the client's UUID
 * @param clientLow the least significant bits of the client's UUID
 * @param sequence the call's number, increasing per client (not necessarily by one)
 */
public record CallId(long clientHigh, long clientLow, long sequence) {

    /** Call {@code sequence} of client {@code client}. */
    public static CallId of(UUID client, long sequence) {
        return new CallId(client.getMostSignificantBits(), client.getLeastSignificantBits(), sequence);
    }

    /** The client's UUID. */
    public UUID client() {
        return new UUID(clientHigh, clientLow);
    }

    /** The same client's call {@code next}. */
    public CallId withSequence(long next) {
        return new CallId(clientHigh, clientLow, next);
    }

    @Override
    public String toString() {
        return client() + "#" + sequence;
    }
}

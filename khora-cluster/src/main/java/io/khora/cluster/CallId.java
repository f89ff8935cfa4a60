package io.khora.cluster;

import java.util.UUID;

/**
 * Identifies one call of one client, so that a retried mutation is applied at most once: the
 * client's UUID ({@code clientHigh}, {@code clientLow}) and a per-client sequence number that the
 * client increases with every new call (and keeps when it retries the same call).
 *
 * <p>The partition remembers, per client, the response of each call the client may still retry,
 * for as long as the client is not idle for more than {@link io.khora.cluster.replica.PartitionOptions#clientIdleTimeout()}
 * of log time; a call with a remembered id answers the remembered response without being applied
 * again. The client says which calls it will never retry: {@code answeredBelow} — every call of
 * this client to this partition numbered below it has had its final answer (as in the client
 * sessions of the Raft dissertation, §6.3); their responses are dropped. The partition also keeps
 * at most {@link io.khora.cluster.replica.PartitionOptions#callWindow()} responses per client, dropping the oldest. A call
 * that is not remembered is applied — unless it is a {@code retry} (the client sent it before)
 * numbered below what was dropped: then whether it was applied can no longer be told, and it fails
 * with {@link OutcomeUnknownException}. A first attempt is never refused, so a call parked for long
 * (a waiting take, whose leader proposes it when a match appears) is applied however many calls
 * the client makes meanwhile.
 *
 * @param clientHigh the most significant bits of the client's UUID
 * @param clientLow the least significant bits of the client's UUID
 * @param sequence the call's number, increasing per client (not necessarily by one)
 * @param answeredBelow every call of this client to this partition numbered below this is answered
 *                      for good ({@code Long.MIN_VALUE}: not reported)
 * @param retry whether the client sent this call before (a retry after a lost answer or a fail-over)
 */
public record CallId(long clientHigh, long clientLow, long sequence, long answeredBelow, boolean retry) {
    /** A call, possibly a retry, whose client does not report which calls are answered (the window alone bounds the memory). */
    public CallId(long clientHigh, long clientLow, long sequence) {
        this(clientHigh, clientLow, sequence, Long.MIN_VALUE, true);
    }

    /** Checks the components. */
    public CallId {
        if (answeredBelow != Long.MIN_VALUE && answeredBelow > sequence) {
            throw new IllegalArgumentException("call #" + sequence + " cannot be answered already (answeredBelow " + answeredBelow + ")");
        }
    }

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
        return new CallId(clientHigh, clientLow, next, answeredBelow == Long.MIN_VALUE || answeredBelow <= next ? answeredBelow : next, retry);
    }

    @Override
    public String toString() {
        return client() + "#" + sequence;
    }
}

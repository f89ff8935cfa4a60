package io.khora.cluster.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client behaves: how long an operation may take in all (its retries included) and per
 * attempt, how long a connection may take, and the replication requirement of its writes.
 * Immutable; {@link #defaults()} and the {@code with…} methods give new instances. In a URI:
 * {@code timeout}, {@code attempt-timeout}, {@code connect-timeout} (e.g. {@code 30s},
 * {@code 500ms}), {@code replication} ({@code majority} or {@code all}) and {@code reads}
 * ({@code linearizable} or {@code leader-local}, see {@link ReadConsistency}).
 *
 * @param operationTimeout the budget of one operation, retries included (plus the period of a waiting one)
 * @param attemptTimeout how long one attempt waits for a node's answer before trying elsewhere
 * @param connectTimeout how long a connection to a node may take
 * @param allReplicas whether writes are acknowledged only once every replica has them (else a majority)
 * @param reads what a read may return: confirmed by the leader's group (the default) or leader-local
 */
public record ClientOptions(Duration operationTimeout, Duration attemptTimeout, Duration connectTimeout, boolean allReplicas,
                            ReadConsistency reads) {
    /** Checks the components. */
    public ClientOptions {
        Objects.requireNonNull(reads, "reads");
        positive(operationTimeout, "timeout");
        positive(attemptTimeout, "attempt-timeout");
        positive(connectTimeout, "connect-timeout");
    }

    /** 30 s per operation, 6 s per attempt, 2 s per connection, majority acknowledgement, linearizable reads. */
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(30), Duration.ofSeconds(6), Duration.ofSeconds(2), false, ReadConsistency.LINEARIZABLE);
    }

    /** These options with another operation budget. */
    public ClientOptions withOperationTimeout(Duration d) {
        return new ClientOptions(d, attemptTimeout, connectTimeout, allReplicas, reads);
    }

    /** These options with another attempt timeout. */
    public ClientOptions withAttemptTimeout(Duration d) {
        return new ClientOptions(operationTimeout, d, connectTimeout, allReplicas, reads);
    }

    /** These options with another connect timeout. */
    public ClientOptions withConnectTimeout(Duration d) {
        return new ClientOptions(operationTimeout, attemptTimeout, d, allReplicas, reads);
    }

    /** These options with writes acknowledged by every replica ({@code true}) or a majority. */
    public ClientOptions withAllReplicas(boolean all) {
        return new ClientOptions(operationTimeout, attemptTimeout, connectTimeout, all, reads);
    }

    /** These options with reads of another consistency. */
    public ClientOptions withReads(ReadConsistency r) {
        return new ClientOptions(operationTimeout, attemptTimeout, connectTimeout, allReplicas, r);
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}

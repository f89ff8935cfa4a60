package io.khora.cluster.client;

import io.khora.cluster.protocol.SizeLimits;
import io.khora.metrics.MetricsListener;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client behaves: how long an operation may take in all (its retries included) and per
 * attempt, how long a connection may take, the replication requirement of its writes, the
 * consistency of its reads and its size limits. Immutable; {@link #defaults()} and the
 * {@code with…} methods give new instances. In a URI: {@code timeout}, {@code attempt-timeout},
 * {@code connect-timeout} (e.g. {@code 30s}, {@code 500ms}), {@code replication} ({@code majority}
 * or {@code all}), {@code reads} ({@code linearizable} or {@code leader-local}, see
 * {@link ReadConsistency}), {@code max-frame-size} and {@code max-entry-size} (e.g. {@code 64MiB},
 * {@code 512KiB}; see {@link SizeLimits}); {@code tls-ca}, {@code tls-cert}, {@code tls-key}, {@code user},
 * {@code password-file}, {@code tls=off} (see {@link ClientSecurity}); {@code near-cache},
 * {@code near-cache-size}, {@code near-cache-ttl} (see {@link NearCacheOptions}).
 *
 * @param operationTimeout the budget of one operation, retries included (plus the period of a waiting one)
 * @param attemptTimeout how long one attempt waits for a node's answer before trying elsewhere
 * @param connectTimeout how long a connection to a node may take
 * @param allReplicas whether writes are acknowledged only once every replica has them (else a majority)
 * @param reads what a read may return: confirmed by the leader's group (the default) or leader-local
 * @param sizeLimits the largest frame the client sends or accepts and the largest entry it writes
 *                   (checked before sending: a larger one fails at once, naming its size and the limit)
 * @param security TLS and credentials (by default TLS on and no CA: connecting fails until one is given, or TLS is turned off)
 * @param nearCache the near cache of reads by id (off by default; see {@link NearCacheOptions})
 * @param metrics where the client reports its retries and its calls' outcomes ({@link MetricsListener#NONE} by default)
 */
public record ClientOptions(Duration operationTimeout, Duration attemptTimeout, Duration connectTimeout, boolean allReplicas,
                            ReadConsistency reads, SizeLimits sizeLimits, ClientSecurity security, NearCacheOptions nearCache,
                            MetricsListener metrics) {
    /** Checks the components. */
    public ClientOptions {
        Objects.requireNonNull(nearCache, "nearCache");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(reads, "reads");
        Objects.requireNonNull(sizeLimits, "sizeLimits");
        Objects.requireNonNull(security, "security");
        positive(operationTimeout, "timeout");
        positive(attemptTimeout, "attempt-timeout");
        positive(connectTimeout, "connect-timeout");
    }

    /** Without a near cache, reporting no metrics. */
    public ClientOptions(Duration operationTimeout, Duration attemptTimeout, Duration connectTimeout, boolean allReplicas,
                         ReadConsistency reads, SizeLimits sizeLimits, ClientSecurity security) {
        this(operationTimeout, attemptTimeout, connectTimeout, allReplicas, reads, sizeLimits, security, NearCacheOptions.off(), MetricsListener.NONE);
    }

    /** With the default security. */
    public ClientOptions(Duration operationTimeout, Duration attemptTimeout, Duration connectTimeout, boolean allReplicas,
                         ReadConsistency reads, SizeLimits sizeLimits) {
        this(operationTimeout, attemptTimeout, connectTimeout, allReplicas, reads, sizeLimits, ClientSecurity.defaults());
    }

    /** With the default size limits and security. */
    public ClientOptions(Duration operationTimeout, Duration attemptTimeout, Duration connectTimeout, boolean allReplicas,
                         ReadConsistency reads) {
        this(operationTimeout, attemptTimeout, connectTimeout, allReplicas, reads, SizeLimits.defaults());
    }

    /**
     * 30 s per operation, 6 s per attempt, 2 s per connection, majority acknowledgement, linearizable
     * reads, 64 MiB frames, 16 MiB entries.
     */
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(30), Duration.ofSeconds(6), Duration.ofSeconds(2), false, ReadConsistency.LINEARIZABLE);
    }

    /** These options with other size limits. */
    public ClientOptions withSizeLimits(SizeLimits limits) {
        return new ClientOptions(operationTimeout, attemptTimeout, connectTimeout, allReplicas, reads, limits, security, nearCache, metrics);
    }

    /** These options with another operation budget. */
    public ClientOptions withOperationTimeout(Duration d) {
        return new ClientOptions(d, attemptTimeout, connectTimeout, allReplicas, reads, sizeLimits, security, nearCache, metrics);
    }

    /** These options with another attempt timeout. */
    public ClientOptions withAttemptTimeout(Duration d) {
        return new ClientOptions(operationTimeout, d, connectTimeout, allReplicas, reads, sizeLimits, security, nearCache, metrics);
    }

    /** These options with another connect timeout. */
    public ClientOptions withConnectTimeout(Duration d) {
        return new ClientOptions(operationTimeout, attemptTimeout, d, allReplicas, reads, sizeLimits, security, nearCache, metrics);
    }

    /** These options with writes acknowledged by every replica ({@code true}) or a majority. */
    public ClientOptions withAllReplicas(boolean all) {
        return new ClientOptions(operationTimeout, attemptTimeout, connectTimeout, all, reads, sizeLimits, security, nearCache, metrics);
    }

    /** These options with reads of another consistency. */
    public ClientOptions withReads(ReadConsistency r) {
        return new ClientOptions(operationTimeout, attemptTimeout, connectTimeout, allReplicas, r, sizeLimits, security, nearCache, metrics);
    }

    /** These options with another near cache (see {@link NearCacheOptions}). */
    public ClientOptions withNearCache(NearCacheOptions n) {
        return new ClientOptions(operationTimeout, attemptTimeout, connectTimeout, allReplicas, reads, sizeLimits, security, n, metrics);
    }

    /** These options with other security settings. */
    public ClientOptions withSecurity(ClientSecurity s) {
        return new ClientOptions(operationTimeout, attemptTimeout, connectTimeout, allReplicas, reads, sizeLimits, s, nearCache, metrics);
    }

    /** These options with TLS trusting the cluster CA's certificate {@code ca} (PEM). */
    public ClientOptions withTls(java.nio.file.Path ca) {
        return withSecurity(security.withTls(ca));
    }

    /** These options with TLS trusting {@code ca} and presenting the client certificate {@code cert} with {@code key} (PEM). */
    public ClientOptions withTls(java.nio.file.Path ca, java.nio.file.Path cert, java.nio.file.Path key) {
        return withSecurity(security.withTls(ca, cert, key));
    }

    /** These options with plain TCP (for nodes started with {@code security: none}). */
    public ClientOptions withoutTls() {
        return withSecurity(security.withoutTls());
    }

    /** These options authenticating as {@code user} with {@code password} (SCRAM-SHA-256). */
    public ClientOptions withCredentials(String user, char[] password) {
        return withSecurity(security.withCredentials(user, password));
    }

    /** These options authenticating as {@code user} with the password in {@code passwordFile}. */
    public ClientOptions withCredentials(String user, java.nio.file.Path passwordFile) {
        return withSecurity(security.withCredentials(user, passwordFile));
    }

    /** These options reporting retries and outcomes to {@code listener} (e.g. {@code khora-micrometer}'s binder). */
    public ClientOptions withMetrics(MetricsListener listener) {
        return new ClientOptions(operationTimeout, attemptTimeout, connectTimeout, allReplicas, reads, sizeLimits, security, nearCache, listener);
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}

package io.khora.metrics;

/**
 * Something whose state can be sampled as meters: a node (its replicas' Raft term, commit index,
 * replica lag, outbox backlog, waiters, expiries, evictions) or a mirror (its lag and dead letters).
 * It declares each meter once, with a function that reads the current value when the metrics
 * library asks.
 */
@FunctionalInterface
public interface MeterSource {
    /** Declares this source's meters to {@code registrar}. */
    void declareTo(MeterRegistrar registrar);
}

/**
 * Metrics hooks with no metrics library behind them: {@link io.khora.metrics.MetricsListener} for
 * events (operations, client retries and outcomes, initial loads) and
 * {@link io.khora.metrics.MeterSource} for values sampled on demand (Raft term, backlogs, waiters).
 * {@code khora-micrometer} binds both to Micrometer.
 */
package io.khora.metrics;

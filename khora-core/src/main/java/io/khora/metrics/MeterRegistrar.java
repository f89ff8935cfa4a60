package io.khora.metrics;

import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Where a {@link MeterSource} declares its meters. Names are dotted lower case
 * ({@code khora.raft.term}); a Prometheus registry renders them {@code khora_raft_term}.
 */
public interface MeterRegistrar {
    /**
     * A value that goes up and down (the Raft term, a backlog); {@code value} returns NaN when there
     * is nothing to report (a replica not started yet).
     *
     * @param name the meter's name
     * @param description what it measures
     * @param tags its tags ({@code space}, {@code partition}, …)
     * @param value reads the current value
     */
    void gauge(String name, String description, Map<String, String> tags, DoubleSupplier value);

    /**
     * A count that only goes up (expired entries, evictions); {@code total} returns the count so far.
     *
     * @param name the meter's name
     * @param description what it counts
     * @param tags its tags
     * @param total reads the count so far
     */
    void counter(String name, String description, Map<String, String> tags, DoubleSupplier total);
}

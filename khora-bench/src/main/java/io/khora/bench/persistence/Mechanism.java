package io.khora.bench.persistence;

import java.util.Map;

/**
 * One way of moving the benchmark's rows between PostgreSQL and memory (a limit, Khora, or the
 * Hazelcast peer), measured by {@link PersistenceProbe} over several rounds in one JVM. Opening it
 * (session factories, a Hazelcast member) is set-up and not timed; in each {@link #round} only the
 * section between {@link Stopwatch#start} and {@link Stopwatch#stop} is (table truncation before
 * it and checks after it are not).
 */
interface Mechanism extends AutoCloseable {

    /**
     * One round: moves every row once, timed by a {@link Stopwatch} over {@code cpu}, and checks
     * they all arrived.
     *
     * @param round 0, 1, … (for fresh names per round)
     * @param cpu the CPU meter of this JVM and the server
     */
    Round round(int round, CpuMeter cpu) throws Exception;

    @Override
    default void close() throws Exception {
    }

    /**
     * What one round measured.
     *
     * @param rows rows moved
     * @param nanos time the round took, from the first row asked for to the last one in place
     * @param jvmCpu this JVM's CPU µs per row meanwhile
     * @param serverCpu PostgreSQL's CPU µs per row meanwhile (NaN if unknown)
     * @param rates further rates of the round in rows/s, by name (e.g. "ack": how fast writes were acknowledged)
     */
    record Round(long rows, long nanos, double jvmCpu, double serverCpu, Map<String, Double> rates) {

        /** Rows per second. */
        double rate() {
            return rate(rows, nanos);
        }

        /** {@code rows} per second over {@code nanos}. */
        static double rate(long rows, long nanos) {
            return rows / (nanos / 1e9);
        }
    }
}

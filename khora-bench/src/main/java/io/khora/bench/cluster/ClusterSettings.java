package io.khora.bench.cluster;

import io.khora.bench.SuiteMode;

/**
 * How much the cluster family measures in a mode (the family's own scale, beside
 * {@link SuiteMode}'s fields for the other families).
 *
 * @param rounds measured rounds per contestant (interleaved: round 1 of each, then round 2 of each, …)
 * @param serverWarmupMillis length of each phase of a first, unreported round per contestant that warms the nodes' JIT up
 *     (0: none)
 * @param warmupMillis length of each warm-up phase (write, read; the take phase takes what was written)
 * @param phaseMillis length of each measured write and read phase
 * @param threads client load threads
 * @param nodeHeap heap of each node JVM
 * @param clientHeap heap of the client JVM
 */
record ClusterSettings(int rounds, long serverWarmupMillis, long warmupMillis, long phaseMillis, int threads, String nodeHeap,
                       String clientHeap) {

    /** Client load threads, as the issue asks. */
    static final int THREADS = 8;

    static ClusterSettings of(SuiteMode mode) {
        return mode.isFull()
                ? new ClusterSettings(3, 6_000, 3_000, 6_000, THREADS, "512m", "1g")
                : new ClusterSettings(1, 0, 300, 700, THREADS, "512m", "1g");
    }
}

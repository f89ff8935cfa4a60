package io.khora.bench.handoff;

import java.util.Arrays;

/** Percentiles of recorded latencies (nearest-rank on the sorted samples). */
final class Percentiles {
    private final long[] sorted;

    Percentiles(long[] samples) {
        this.sorted = samples.clone();
        Arrays.sort(sorted);
    }

    /** The {@code p}-th percentile, 0 < p ≤ 100. */
    long at(double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The mean. */
    double mean() {
        return Arrays.stream(sorted).average().orElse(Double.NaN);
    }
}

package io.khora.bench.cluster;

import java.util.Arrays;

/** Latencies in nanoseconds, recorded by one thread (a growable array), then merged and ranked. */
final class Latencies {
    private long[] values = new long[1 << 16];
    private int size;

    /** Records one latency. */
    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    int size() {
        return size;
    }

    /** Every recorder's latencies, sorted. */
    static long[] merge(Latencies[] all) {
        int n = 0;
        for (Latencies l : all) {
            n += l.size;
        }
        long[] out = new long[n];
        int at = 0;
        for (Latencies l : all) {
            System.arraycopy(l.values, 0, out, at, l.size);
            at += l.size;
        }
        Arrays.sort(out);
        return out;
    }

    /** The {@code p}-th percentile (nearest rank) of {@code sorted}, 0 < p ≤ 100. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The mean of {@code sorted}. */
    static double mean(long[] sorted) {
        return Arrays.stream(sorted).average().orElse(Double.NaN);
    }
}

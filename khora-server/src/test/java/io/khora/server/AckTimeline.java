package io.khora.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.IntStream;

/**
 * When clients were answered, per partition: the moments (System.nanoTime) writes to each
 * partition were acknowledged. Its gaps are how long clients of a partition got nothing done — the
 * "client gap" of a fault.
 */
final class AckTimeline {
    private final List<List<Long>> byPartition = new ArrayList<>();
    private long[][] sorted;

    AckTimeline(int partitions) {
        for (int p = 0; p < partitions; p++) {
            byPartition.add(new ArrayList<>());
        }
    }

    /** An acknowledgement of a write to {@code partition} at {@code nanos}. */
    AckTimeline add(int partition, long nanos) {
        byPartition.get(partition).add(nanos);
        sorted = null;
        return this;
    }

    private long[][] sorted() {
        if (sorted == null) {
            sorted = new long[byPartition.size()][];
            for (int p = 0; p < sorted.length; p++) {
                sorted[p] = byPartition.get(p).stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }
        return sorted;
    }

    /** A gap: {@code partition} had no acknowledgement from {@code fromNanos} to {@code toNanos}. */
    record Gap(int partition, long fromNanos, long toNanos) {
        long millis() {
            return (toNanos - fromNanos) / 1_000_000;
        }
    }

    /**
     * The longest time, in ms, some partition went without an acknowledgement, counting only gaps that
     * overlap {@code [from, to]} (from the last acknowledgement before {@code from}, or {@code from} if
     * none, to the first after it, or {@code to} if none).
     */
    long maxGapMillis(long from, long to) {
        return maxGap(from, to).millis();
    }

    /** The gap of {@link #maxGapMillis}: which partition, when. */
    Gap maxGap(long from, long to) {
        return maxGap(IntStream.range(0, byPartition.size()).boxed().toList(), from, to);
    }

    /** Like {@link #maxGap(long, long)}, over {@code partitions} only (a gap of the first of them, 0 ms, if none had one). */
    Gap maxGap(Collection<Integer> partitions, long from, long to) {
        Gap worst = new Gap(partitions.isEmpty() ? 0 : partitions.iterator().next(), from, from);
        long[][] all = sorted();
        for (int p : partitions) {
            long[] at = all[p];
            int i = Arrays.binarySearch(at, from);
            int first = i >= 0 ? i : -i - 1; // first acknowledgement at or after from
            long prev = first > 0 ? at[first - 1] : from;
            for (int k = first; k < at.length && at[k] - to <= 0; k++) {
                if (at[k] - prev > worst.toNanos() - worst.fromNanos()) {
                    worst = new Gap(p, prev, at[k]);
                }
                prev = at[k];
            }
            int next = nextAfter(at, to);
            long end = next < at.length ? at[next] : to;
            if (end - prev > worst.toNanos() - worst.fromNanos()) {
                worst = new Gap(p, prev, end);
            }
        }
        return worst;
    }

    private static int nextAfter(long[] at, long t) {
        int i = Arrays.binarySearch(at, t);
        int k = i >= 0 ? i + 1 : -i - 1;
        while (k < at.length && at[k] - t <= 0) {
            k++;
        }
        return k;
    }
}

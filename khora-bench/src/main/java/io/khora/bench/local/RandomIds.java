package io.khora.bench.local;

import java.util.SplittableRandom;

/**
 * A per-thread cycle of pre-boxed random ids in {@code [0, entries)}, so a measured operation
 * neither draws random numbers nor boxes its key. The cycle is much larger than any cache line
 * set a benchmark could keep hot.
 */
final class RandomIds {
    /** Length of the cycle (a power of two). */
    static final int SIZE = 1 << 14;

    private RandomIds() {
    }

    /** {@value #SIZE} random ids below {@code entries}, seeded by {@code seed}. */
    static Long[] draw(int entries, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Long[] ids = new Long[SIZE];
        for (int i = 0; i < SIZE; i++) {
            ids[i] = (long) r.nextInt(entries);
        }
        return ids;
    }
}

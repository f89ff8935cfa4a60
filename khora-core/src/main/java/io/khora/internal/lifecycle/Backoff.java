package io.khora.internal.lifecycle;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff between an initial and a maximum delay: each wait doubles the last, up to the
 * maximum. {@link #next} adds jitter on the upper half (a wait is never less than half its base), so
 * retries of many partitions or clients spread out instead of arriving together; the randomness is
 * passed in, so a test (or a seeded schedule) decides it. Immutable.
 *
 * @param initialMillis the first delay (at least 1)
 * @param maxMillis the largest delay (at least {@code initialMillis})
 */
public record Backoff(long initialMillis, long maxMillis) {
    public Backoff {
        if (initialMillis < 1 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("backoff needs 1 <= initial <= max, got initial " + initialMillis + " ms, max "
                    + maxMillis + " ms");
        }
    }

    /** The delay after {@code previousMillis} (0: this is the first), before jitter: double it, within [initial, max]. */
    public long base(long previousMillis) {
        return previousMillis <= 0 ? initialMillis : Math.max(initialMillis, Math.min(maxMillis, previousMillis > maxMillis / 2 ? maxMillis
                : previousMillis * 2));
    }

    /** The delay after {@code previousMillis} (0 for the first) with jitter on its upper half: in [base/2, base]. */
    public long next(long previousMillis, RandomGenerator random) {
        long base = base(previousMillis);
        return Math.max(1, base / 2 + random.nextLong(base / 2 + 1));
    }

    /** The un-jittered delay of attempt {@code attempt} (0 for the first): initial × 2^attempt, at most max. */
    public long ceiling(int attempt) {
        int shift = Math.min(Math.max(0, attempt), 62);
        long d = initialMillis << shift;
        return d <= 0 || (d >> shift) != initialMillis ? maxMillis : Math.min(maxMillis, d);
    }
}

package io.khora;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a {@code read} or {@code take} waits for a matching entry: {@link #NONE} (answer at
 * once), {@link #FOREVER}, or a non-negative duration. Immutable.
 */
public final class Period {
    /** Do not wait: answer with what is in the space now. */
    public static final Period NONE = new Period(0L);
    /** Wait until a match appears (or the operation is cancelled or the space closes). */
    public static final Period FOREVER = new Period(Long.MAX_VALUE);

    private final long nanos;

    private Period(long nanos) {
        this.nanos = nanos;
    }

    /**
     * A period of the given length.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws NullPointerException if {@code duration} is null
     */
    public static Period of(Duration duration) {
        Objects.requireNonNull(duration, "period duration must not be null");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("period must not be negative, got " + duration);
        }
        if (duration.isZero()) {
            return NONE;
        }
        long n;
        try {
            n = duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return FOREVER;
        }
        return n == Long.MAX_VALUE ? FOREVER : new Period(n);
    }

    /** A period of the given number of milliseconds; see {@link #of(Duration)}. */
    public static Period ofMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("period must not be negative, got " + millis + " ms");
        }
        return of(Duration.ofMillis(millis));
    }

    /** Whether this is {@link #NONE}. */
    public boolean isNone() {
        return nanos == 0L;
    }

    /** Whether this is {@link #FOREVER}. */
    public boolean isForever() {
        return nanos == Long.MAX_VALUE;
    }

    /** The length in nanoseconds; {@link Long#MAX_VALUE} for {@link #FOREVER}. */
    public long toNanos() {
        return nanos;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Period p && p.nanos == nanos;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(nanos);
    }

    @Override
    public String toString() {
        return isNone() ? "Period.NONE" : isForever() ? "Period.FOREVER" : "Period.of(" + Duration.ofNanos(nanos) + ")";
    }
}

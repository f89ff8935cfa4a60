package io.khora;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a written entry lives: {@link #FOREVER} or a positive duration, after which the entry is
 * evicted (never returned again, and an {@link SpaceEventType#EXPIRE} event is published).
 * Writing an entry again sets a new lease. Immutable.
 */
public final class Lease {
    /** The entry lives until taken or cleared. */
    public static final Lease FOREVER = new Lease(Long.MAX_VALUE);

    private final long millis;

    private Lease(long millis) {
        this.millis = millis;
    }

    /**
     * A lease of the given length.
     *
     * @throws IllegalArgumentException if {@code duration} is zero or negative
     */
    public static Lease of(Duration duration) {
        Objects.requireNonNull(duration, "lease duration must not be null");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("lease must be positive, got " + duration);
        }
        long ms;
        try {
            ms = duration.toMillis();
        } catch (ArithmeticException tooLong) {
            return FOREVER;
        }
        return ms == Long.MAX_VALUE ? FOREVER : new Lease(Math.max(1L, ms));
    }

    /** A lease of the given number of milliseconds; see {@link #of(Duration)}. */
    public static Lease ofMillis(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("lease must be positive, got " + millis + " ms");
        }
        return of(Duration.ofMillis(millis));
    }

    /** Whether this is {@link #FOREVER}. */
    public boolean isForever() {
        return millis == Long.MAX_VALUE;
    }

    /** The length in milliseconds; {@link Long#MAX_VALUE} for {@link #FOREVER}. */
    public long toMillis() {
        return millis;
    }

    /** The absolute expiry time for an entry written at {@code nowMillis} (saturating). */
    public long expiryFrom(long nowMillis) {
        if (isForever()) {
            return Long.MAX_VALUE;
        }
        long t = nowMillis + millis;
        return t < nowMillis ? Long.MAX_VALUE : t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lease l && l.millis == millis;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(millis);
    }

    @Override
    public String toString() {
        return isForever() ? "Lease.FOREVER" : "Lease.of(" + Duration.ofMillis(millis) + ")";
    }
}

package io.khora.internal.engine;

import io.khora.internal.metadata.TypeDescriptor;

/**
 * One stored entry: its concrete type, its property values, its version and its absolute expiry.
 * Immutable; an update replaces the object, so a reader holding one sees a consistent entry, and
 * identity tells whether an entry is still the current one for its id.
 */
public final class SpaceEntry {
    private final TypeDescriptor type;
    private final Object[] values;
    private final long version;
    private final long expiresAt;

    /**
     * @param type concrete type
     * @param values property values (owned by this entry from now on; never mutated)
     * @param version version, 1 for a new entry
     * @param expiresAt absolute expiry in ticker millis, {@link Long#MAX_VALUE} for never
     */
    public SpaceEntry(TypeDescriptor type, Object[] values, long version, long expiresAt) {
        this.type = type;
        this.values = values;
        this.version = version;
        this.expiresAt = expiresAt;
    }

    /** The concrete type. */
    public TypeDescriptor type() {
        return type;
    }

    /** The values array; callers must not mutate it. */
    public Object[] values() {
        return values;
    }

    /** The id. */
    public Object id() {
        return values[type.idIndex()];
    }

    /** The routing value. */
    public Object routing() {
        return values[type.routingIndex()];
    }

    /** The version. */
    public long version() {
        return version;
    }

    /** Absolute expiry in ticker millis. */
    public long expiresAt() {
        return expiresAt;
    }

    /** Whether the lease has run out at {@code nowMillis}. */
    public boolean isExpiredAt(long nowMillis) {
        return expiresAt <= nowMillis;
    }

    /** Whether the entry has a finite lease. */
    public boolean hasFiniteLease() {
        return expiresAt != Long.MAX_VALUE;
    }

    /** A copy with a new lease. */
    SpaceEntry withExpiry(long newExpiresAt) {
        return new SpaceEntry(type, values, version, newExpiresAt);
    }

    @Override
    public String toString() {
        return type.name() + "[id=" + id() + ", v" + version + "]";
    }
}

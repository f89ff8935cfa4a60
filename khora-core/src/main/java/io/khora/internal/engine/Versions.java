package io.khora.internal.engine;

import io.khora.EntryVersionConflictException;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.Objects;

/**
 * How an entry's version is chosen and written into its version property: bumped by every change,
 * checked against a version the caller gives (optimistic locking), taken from a row read from the
 * data store. Pure functions over an entry's values.
 */
final class Versions {
    private Versions() {
    }

    /**
     * The version a write over {@code old} (null: none) gets, stored into {@code values}.
     *
     * @throws EntryVersionConflictException if the values carry a version other than {@code old}'s
     */
    static long next(TypeDescriptor type, Object[] values, SpaceEntry old) {
        long version = old == null ? 1L : old.version() + 1L;
        int vi = type.versionIndex();
        if (vi >= 0) {
            Object given = values[vi];
            long g = given == null ? 0L : ((Number) given).longValue();
            if (old != null && g != 0L && g != old.version()) {
                throw new EntryVersionConflictException(type.name(), values[type.idIndex()], g, old.version());
            }
            set(type, values, version);
        }
        return version;
    }

    /** Stores {@code version} in the entry's version property, in that property's type. */
    static void set(TypeDescriptor type, Object[] values, long version) {
        int vi = type.versionIndex();
        if (vi >= 0) {
            values[vi] = type.property(vi).type() == Integer.class ? (Object) (int) version : (Object) version;
        }
    }

    /** The version a row read from the data store carries (1 if none). */
    static long stored(TypeDescriptor type, Object[] values) {
        int vi = type.versionIndex();
        return vi >= 0 && values[vi] instanceof Number n && n.longValue() > 0 ? n.longValue() : 1L;
    }

    /** A row read from the data store as an entry: its stored version, written back, and no lease end. */
    static SpaceEntry loaded(TypeDescriptor type, Object[] values) {
        long version = stored(type, values);
        set(type, values, version);
        return new SpaceEntry(type, values, version, Long.MAX_VALUE);
    }

    /** {@code old} with {@code values} (its version bumped) and {@code expiresAt}: what a change makes of it. */
    static SpaceEntry changed(SpaceEntry old, Object[] values, long expiresAt) {
        long version = old.version() + 1;
        set(old.type(), values, version);
        return new SpaceEntry(old.type(), values, version, expiresAt);
    }

    /**
     * The entry an entry processor's PUT makes over {@code before} (null if none): same id or an
     * error, version bumped (and written into the version property), the processor's lease or else
     * the predecessor's expiry (FOREVER for a new entry).
     */
    static SpaceEntry decided(ComputeDecision d, Object id, SpaceEntry before, long now) {
        Object[] values = d.values();
        TypeDescriptor t = d.type();
        if (!Objects.equals(values[t.idIndex()], id)) {
            throw new IllegalArgumentException("an entry processor on id=" + id + " set an entry with id="
                    + values[t.idIndex()] + "; it may only change its own entry");
        }
        long version = before == null ? 1L : before.version() + 1L;
        set(t, values, version);
        long expiresAt = d.lease() != null ? d.lease().expiryFrom(now) : before == null ? Long.MAX_VALUE : before.expiresAt();
        return new SpaceEntry(t, values, version, expiresAt);
    }
}

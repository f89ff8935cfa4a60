package io.khora.cluster.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * An entry as a replicated partition holds it: its concrete type's name, its values (in the
 * declared layout), its version and its absolute expiry in log time ({@link Long#MAX_VALUE} for
 * never). Compared by content.
 *
 * @param typeName the concrete type
 * @param values the property values; owned by this object (callers must not change them)
 * @param version the version, 1 for a new entry
 * @param expiresAt absolute expiry in log time
 */
public record StoredEntry(String typeName, Object[] values, long version, long expiresAt) {
    /** Checks the components. */
    public StoredEntry {
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(values, "values");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredEntry e && e.version == version && e.expiresAt == expiresAt
                && e.typeName.equals(typeName) && Arrays.deepEquals(e.values, values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(typeName, version, expiresAt, Arrays.deepHashCode(values));
    }

    @Override
    public String toString() {
        return typeName + Arrays.deepToString(values) + "@v" + version
                + (expiresAt == Long.MAX_VALUE ? "" : ",expires=" + expiresAt);
    }
}

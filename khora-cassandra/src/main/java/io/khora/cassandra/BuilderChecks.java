package io.khora.cassandra;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** The argument checks the builders of this package share; each error names the option and the value. */
final class BuilderChecks {
    private BuilderChecks() {
    }

    /** Adds {@code mapping} to {@code mappings}, refusing null and a class mapped twice. */
    static void addMapping(List<CassandraTableMapping<?>> mappings, CassandraTableMapping<?> mapping) {
        Objects.requireNonNull(mapping, "table mapping");
        if (mappings.stream().anyMatch(m -> m.type() == mapping.type())) {
            throw new IllegalArgumentException(mapping.type().getName() + " is mapped twice");
        }
        mappings.add(mapping);
    }

    /** {@code value} if it is positive, else an error naming {@code what}. */
    static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }

    /** {@code value} if it is in {@code min..max}, else an error naming {@code what} and the range. */
    static int inRange(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be in " + min + ".." + max + ", got " + value);
        }
        return value;
    }
}

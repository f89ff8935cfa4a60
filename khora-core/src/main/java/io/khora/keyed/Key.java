package io.khora.keyed;

import java.util.Objects;

/**
 * The key of an item in a {@link KeyedSpace}: any value with a stable {@code equals}/{@code hashCode}
 * (a string, a number, a record). Immutable.
 */
public final class Key {
    private final Object value;

    private Key(Object value) {
        this.value = value;
    }

    /** A key holding {@code value}. */
    public static Key of(Object value) {
        return new Key(Objects.requireNonNull(value, "key value must not be null"));
    }

    /** The key's value. */
    public Object value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && k.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "Key(" + value + ")";
    }
}

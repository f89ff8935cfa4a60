package io.khora.keyed;

import io.khora.Lease;

import java.util.Objects;

/**
 * A value stored under a {@link Key}, with the {@link Lease} after which it is evicted.
 *
 * @param value the value (not null)
 * @param lease how long the item lives
 * @param <T> the value type
 */
public record Item<T>(T value, Lease lease) {
    /** Validates. */
    public Item {
        Objects.requireNonNull(value, "item value must not be null");
        Objects.requireNonNull(lease, "item lease must not be null (use Lease.FOREVER)");
    }

    /** An item that lives until taken. */
    public static <T> Item<T> of(T value) {
        return new Item<>(value, Lease.FOREVER);
    }

    /** An item with a lease. */
    public static <T> Item<T> of(T value, Lease lease) {
        return new Item<>(value, lease);
    }
}

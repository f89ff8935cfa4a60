package io.khora.keyed;

/**
 * A key and its item, as answered by {@link KeyedSpace}.
 *
 * @param key the key
 * @param item the item
 * @param <T> the value type
 */
public record KeyItem<T>(Key key, Item<T> item) {
    /** The item's value. */
    public T value() {
        return item.value();
    }
}

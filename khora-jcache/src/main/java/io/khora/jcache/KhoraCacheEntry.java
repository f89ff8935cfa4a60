package io.khora.jcache;

import javax.cache.Cache;

/** A key and value read from a cache (its iterator), or handed to a {@code CacheWriter}. */
public final class KhoraCacheEntry<K, V> implements Cache.Entry<K, V> {
    private final K key;
    private final V value;

    KhoraCacheEntry(K key, V value) {
        this.key = key;
        this.value = value;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        return value;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("a cache entry cannot be unwrapped to " + clazz.getName());
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}

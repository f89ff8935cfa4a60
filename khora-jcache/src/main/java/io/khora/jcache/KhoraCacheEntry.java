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
    public String toString() {
        return key + "=" + value;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrap.to(clazz, "a cache entry", this);
    }
}

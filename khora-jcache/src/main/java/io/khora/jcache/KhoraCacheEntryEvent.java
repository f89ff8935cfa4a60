package io.khora.jcache;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/**
 * A cache entry event. CREATED carries the new value; UPDATED the new value and the old one;
 * REMOVED and EXPIRED the value the entry had, as both {@link #getValue()} and {@link #getOldValue()}.
 */
final class KhoraCacheEntryEvent<K, V> extends CacheEntryEvent<K, V> {
    private static final long serialVersionUID = 1L;

    private final K key;
    private final V value;
    private final V oldValue;
    private final boolean oldValueAvailable;

    KhoraCacheEntryEvent(Cache<K, V> source, EventType type, K key, V value, V oldValue, boolean oldValueAvailable) {
        super(source, type);
        this.key = key;
        this.value = value;
        this.oldValue = oldValue;
        this.oldValueAvailable = oldValueAvailable;
    }

    static <K, V> KhoraCacheEntryEvent<K, V> created(Cache<K, V> source, K key, V value) {
        return new KhoraCacheEntryEvent<>(source, EventType.CREATED, key, value, null, false);
    }

    static <K, V> KhoraCacheEntryEvent<K, V> updated(Cache<K, V> source, K key, V value, V old) {
        return new KhoraCacheEntryEvent<>(source, EventType.UPDATED, key, value, old, old != null);
    }

    static <K, V> KhoraCacheEntryEvent<K, V> removed(Cache<K, V> source, K key, V old) {
        return new KhoraCacheEntryEvent<>(source, EventType.REMOVED, key, old, old, old != null);
    }

    static <K, V> KhoraCacheEntryEvent<K, V> expired(Cache<K, V> source, K key, V old) {
        return new KhoraCacheEntryEvent<>(source, EventType.EXPIRED, key, old, old, old != null);
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
    public V getOldValue() {
        return oldValue;
    }

    @Override
    public boolean isOldValueAvailable() {
        return oldValueAvailable;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrap.to(clazz, "a cache entry event", this);
    }

    @Override
    public String toString() {
        return "CacheEntryEvent{" + getEventType() + " key=" + key + ", value=" + value
                + (oldValueAvailable ? ", oldValue=" + oldValue : "") + "}";
    }
}

package io.khora.jcache;

import io.khora.Query;
import io.khora.Space;
import io.khora.jcache.AtomicStep.Mutation;
import io.khora.jcache.StatisticsAccounting.Timer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import javax.cache.event.CacheEntryListenerException;
import javax.cache.integration.CacheWriterException;

/**
 * The cache's write operations. Each is one {@link AtomicStep} on its key, taken the one way
 * {@link #write} (a value to store) or {@link #timed} (none) does it: check the arguments, encode the
 * value, run the step's decision on the {@link Slot}, count the time. The many-key operations run one
 * step per key; a writer or listener failure of one key does not stop the others and is rethrown at
 * the end.
 */
final class CacheWrites<K, V> {
    /** A write's decision on the key's slot, given the new value's stored form. */
    @FunctionalInterface
    interface Step<K, V, R> {
        R apply(Slot<K, V> slot, Object encoded);
    }

    private final CacheParts<K, V> parts;
    private final Space space;
    private final AtomicStep<K, V> step;

    CacheWrites(CacheParts<K, V> parts, Space space, AtomicStep<K, V> step) {
        this.parts = parts;
        this.space = space;
        this.step = step;
    }

    /** A write of {@code value} to {@code key}: checks both, encodes the value, runs the decision, counts the time. */
    private <R> R write(Timer timer, K key, V value, Step<K, V, R> decision) {
        parts.checkKey(key);
        parts.checkValueType(value);
        Object encoded = parts.codec.encode(value);
        return timed(timer, key, s -> decision.apply(s, encoded));
    }

    /** Runs {@code m} as the atomic step on {@code key} (already checked) and counts its time. */
    private <R> R timed(Timer timer, K key, Mutation<K, V, R> m) {
        long start = parts.stats.start();
        R result = step.run(key, m);
        parts.stats.timed(timer, start);
        return result;
    }

    void put(K key, V value) {
        write(Timer.PUT, key, value, (s, encoded) -> {
            s.put(value, encoded);
            return null;
        });
    }

    V getAndPut(K key, V value) {
        return write(Timer.GET_AND_PUT, key, value, (s, encoded) -> {
            V old = s.hitOrMiss() ? s.value() : null;
            s.put(value, encoded);
            return old;
        });
    }

    boolean putIfAbsent(K key, V value) {
        return write(Timer.PUT, key, value, (s, encoded) -> {
            if (s.hitOrMiss()) {
                return false;
            }
            s.create(value, encoded);
            return true;
        });
    }

    boolean replace(K key, V value) {
        return write(Timer.PUT, key, value, (s, encoded) -> {
            if (!s.hitOrMiss()) {
                return false;
            }
            s.update(value, encoded);
            return true;
        });
    }

    boolean replace(K key, V oldValue, V newValue) {
        parts.checkKey(key);
        parts.checkValueType(oldValue);
        return write(Timer.PUT, key, newValue, (s, encoded) -> {
            if (!s.hitOrMiss()) {
                return false;
            }
            if (Objects.equals(s.value(), oldValue)) {
                s.update(newValue, encoded);
                return true;
            }
            s.accessed();
            return false;
        });
    }

    V getAndReplace(K key, V value) {
        return write(Timer.GET_AND_PUT, key, value, (s, encoded) -> {
            if (!s.hitOrMiss()) {
                return null;
            }
            V old = s.value();
            s.update(value, encoded);
            return old;
        });
    }

    boolean remove(K key) {
        parts.checkKey(key);
        return timed(Timer.REMOVE, key, s -> {
            boolean existed = s.exists();
            s.remove();
            return existed;
        });
    }

    boolean remove(K key, V oldValue) {
        parts.checkKey(key);
        parts.checkValueType(oldValue);
        return timed(Timer.REMOVE, key, s -> {
            if (!s.hitOrMiss()) {
                return false;
            }
            if (Objects.equals(s.value(), oldValue)) {
                s.removeExisting();
                return true;
            }
            s.accessed();
            return false;
        });
    }

    V getAndRemove(K key) {
        parts.checkKey(key);
        return timed(Timer.GET_AND_REMOVE, key, s -> {
            V old = s.hitOrMiss() ? s.value() : null;
            s.remove();
            return old;
        });
    }

    void putAll(Map<? extends K, ? extends V> map) {
        Objects.requireNonNull(map, "map must not be null");
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            parts.checkKey(e.getKey());
            parts.checkValueType(e.getValue());
        }
        each(map.entrySet(), Timer.PUT, e -> {
            V value = e.getValue();
            Object encoded = parts.codec.encode(value);
            step.run(e.getKey(), s -> {
                s.put(value, encoded);
                return null;
            });
        });
    }

    void removeAll(Set<? extends K> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        for (K k : keys) {
            parts.checkKey(k);
        }
        removeEach(new ArrayList<>(keys), true);
    }

    /** Removes every entry the cache holds now, each as {@link #remove(Object)} does. */
    void removeAll(List<CacheEntryRecord> entries) {
        List<K> keys = new ArrayList<>(entries.size());
        for (CacheEntryRecord r : entries) {
            @SuppressWarnings("unchecked")
            K k = (K) r.key();
            keys.add(k);
        }
        removeEach(keys, false);
    }

    private void removeEach(List<K> keys, boolean deleteAbsent) {
        each(keys, Timer.REMOVE, key -> step.run(key, s -> {
            if (s.exists() || deleteAbsent) {
                s.remove();
            }
            return null;
        }));
    }

    /** Runs {@code one} for each item; the first writer or listener failure is rethrown at the end. */
    private <T> void each(Collection<T> items, Timer timer, Consumer<T> one) {
        long start = parts.stats.start();
        RuntimeException first = null;
        for (T item : items) {
            try {
                one.accept(item);
            } catch (CacheWriterException | CacheEntryListenerException ex) {
                if (first == null) {
                    first = ex;
                }
            }
        }
        parts.stats.timed(timer, start);
        if (first != null) {
            throw first;
        }
    }

    /** Removes every entry without writing through and without events. */
    void clear() {
        OperationContext ctx = parts.context();
        ctx.skipWriter = true;
        try {
            parts.space(() -> space.clear(Query.all(CacheEntryRecord.class)));
        } finally {
            ctx.skipWriter = false;
        }
    }
}

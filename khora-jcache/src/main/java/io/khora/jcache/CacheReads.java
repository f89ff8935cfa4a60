package io.khora.jcache;

import static io.khora.jcache.ExpiryLeases.isZero;
import static io.khora.jcache.ExpiryLeases.lease;

import io.khora.Query;
import io.khora.Space;
import io.khora.jcache.StatisticsAccounting.Timer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import javax.cache.expiry.Duration;

/**
 * The cache's reads: by key from memory, else (read-through) from the CacheLoader through the space,
 * which puts what it loaded into the partition with a load token. A read then counts its hit or miss,
 * gives a loaded entry its creation expiry and CREATED event, and applies the access expiry to an
 * entry it found — each as an {@link AtomicStep} that acts only if the entry is still the one read.
 */
final class CacheReads<K, V> {
    private final CacheParts<K, V> parts;
    private final Space space;
    private final AtomicStep<K, V> step;

    CacheReads(CacheParts<K, V> parts, Space space, AtomicStep<K, V> step) {
        this.parts = parts;
        this.space = space;
        this.step = step;
    }

    V get(K key) {
        parts.checkKey(key);
        long start = parts.stats.start();
        V value = readThrough(List.of(key), () -> Collections.singletonList(space.readById(CacheEntryRecord.class, key))).get(0);
        parts.stats.timed(Timer.GET, start);
        return value;
    }

    Map<K, V> getAll(Set<? extends K> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        List<K> list = new ArrayList<>(keys.size());
        for (K k : keys) {
            list.add(parts.checkKey(k));
        }
        long start = parts.stats.start();
        List<V> values = readThrough(list, () -> space.readByIds(CacheEntryRecord.class, list));
        Map<K, V> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            if (values.get(i) != null) {
                out.put(list.get(i), values.get(i));
            }
        }
        parts.stats.timed(Timer.GET, start);
        return out;
    }

    /** Reads {@code keys} (read-through), then settles each entry found or loaded. */
    private List<V> readThrough(List<K> keys, Supplier<List<CacheEntryRecord>> read) {
        OperationContext ctx = parts.context();
        List<CacheEntryRecord> found;
        Map<Object, Long> loaded;
        try {
            found = parts.space(read);
        } finally {
            loaded = ctx.takeLoaded();
        }
        List<V> values = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            values.add(afterRead(keys.get(i), found.get(i), loaded));
        }
        return values;
    }

    private V afterRead(K key, CacheEntryRecord r, Map<Object, Long> loaded) {
        if (r == null) {
            parts.stats.miss();
            return null;
        }
        V value = parts.decode(r.value());
        if (r.loadToken() != null && r.loadToken().equals(loaded.get(r.key()))) {
            parts.stats.miss();
            loadedBySpace(key, r, value);
            return value;
        }
        parts.stats.hit();
        touch(key, r);
        return value;
    }

    /**
     * Read-through put {@code r} into the space with no lease: give it the creation expiry (ZERO
     * removes it again), unless it was changed meanwhile, and announce it (CREATED).
     */
    private void loadedBySpace(K key, CacheEntryRecord r, V value) {
        Duration d = parts.expiry.creation();
        step.run(key, s -> {
            if (s.current == null || !r.loadToken().equals(s.current.loadToken())) {
                return null;
            }
            if (isZero(d)) {
                s.discard();
                return null;
            }
            s.renew(lease(d));
            s.events.add(KhoraCacheEntryEvent.created(parts.cache, key, value));
            return null;
        });
    }

    /** Applies the access expiry to an entry just read without a lock (if it is still that entry). */
    void touch(K key, CacheEntryRecord read) {
        Duration d = parts.expiry.access();
        if (d == null) {
            return;
        }
        step.run(key, s -> {
            if (s.current != null && Objects.equals(s.current.value(), read.value())) {
                s.applyAccess(d);
            }
            return null;
        });
    }

    boolean containsKey(K key) {
        parts.checkKey(key);
        return peek(key) != null;
    }

    /** The entry in memory, without loading, statistics or expiry effects. */
    CacheEntryRecord peek(Object key) {
        return parts.withoutLoading(() -> space.readById(CacheEntryRecord.class, key));
    }

    /** Every live entry now (a copy), without loading. */
    List<CacheEntryRecord> snapshot() {
        return parts.withoutLoading(() -> space.readMultiple(Query.all(CacheEntryRecord.class)));
    }
}

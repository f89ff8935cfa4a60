package io.khora.jcache;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CompletionListener;

/**
 * {@code Cache.loadAll}: on the cache manager's executor, one {@code CacheLoader.loadAll} of the
 * keys (those not in the cache, unless replacing), then one {@link AtomicStep} per loaded entry,
 * stored as {@link Slot#loaded} says (not written through; creation or update expiry;
 * CREATED/UPDATED events). The completion listener hears the end or the failure.
 */
final class CacheLoadAll<K, V> {
    private final CacheParts<K, V> parts;
    private final CacheReads<K, V> reads;
    private final AtomicStep<K, V> step;
    private final Executor executor;

    CacheLoadAll(CacheParts<K, V> parts, CacheReads<K, V> reads, AtomicStep<K, V> step, Executor executor) {
        this.parts = parts;
        this.reads = reads;
        this.step = step;
        this.executor = executor;
    }

    void loadAll(Set<? extends K> keys, boolean replace, CompletionListener listener) {
        Objects.requireNonNull(keys, "keys must not be null");
        for (K k : keys) {
            parts.checkKey(k);
        }
        if (!parts.integration.hasLoader()) {
            if (listener != null) {
                listener.onCompletion();
            }
            return;
        }
        List<K> copy = new ArrayList<>(keys);
        executor.execute(() -> {
            try {
                loadNow(copy, replace);
                if (listener != null) {
                    listener.onCompletion();
                }
            } catch (Exception e) {
                if (listener != null) {
                    listener.onException(e instanceof CacheLoaderException ? e : new CacheLoaderException(e));
                }
            }
        });
    }

    /** Loads and stores {@code keys} on this thread. */
    @SuppressWarnings("unchecked")
    void loadNow(List<K> keys, boolean replace) {
        List<K> wanted = new ArrayList<>(keys.size());
        for (K k : keys) {
            if (replace || reads.peek(k) == null) {
                wanted.add(k);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        for (Map.Entry<Object, Object> e : parts.integration.loadAll(wanted).entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                continue;
            }
            V value = (V) e.getValue();
            Object encoded = parts.codec.encode(value);
            step.run((K) e.getKey(), s -> {
                s.loaded(value, encoded, replace);
                return null;
            });
        }
    }
}

package io.khora.jcache;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

import javax.cache.Cache;

/**
 * The cache's iterator: over the keys the cache held when it was made; each entry is read again
 * when reached (a key removed meanwhile is skipped), counted as a hit and given its access expiry.
 * {@link #remove()} removes the last entry returned as {@code Cache.remove} does.
 */
final class CacheIterator<K, V> implements Iterator<Cache.Entry<K, V>> {
    private final CacheParts<K, V> parts;
    private final CacheReads<K, V> reads;
    private final List<CacheEntryRecord> all;
    private final Runnable ensureOpen;
    private final Consumer<K> remover;
    private int next;
    private Cache.Entry<K, V> ready;
    private K last;

    CacheIterator(CacheParts<K, V> parts, CacheReads<K, V> reads, Runnable ensureOpen, Consumer<K> remover) {
        this.parts = parts;
        this.reads = reads;
        this.ensureOpen = ensureOpen;
        this.remover = remover;
        this.all = reads.snapshot();
    }

    @Override
    public boolean hasNext() {
        ensureOpen.run();
        while (ready == null && next < all.size()) {
            @SuppressWarnings("unchecked")
            K key = (K) all.get(next++).key();
            CacheEntryRecord r = reads.peek(key);
            if (r != null) {
                ready = new KhoraCacheEntry<>(key, parts.decode(r.value()));
                parts.stats.hit();
                reads.touch(key, r);
            }
        }
        return ready != null;
    }

    @Override
    public Cache.Entry<K, V> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Cache.Entry<K, V> e = ready;
        ready = null;
        last = e.getKey();
        return e;
    }

    @Override
    public void remove() {
        ensureOpen.run();
        if (last == null) {
            throw new IllegalStateException("next() has not been called, or remove() was called already");
        }
        K k = last;
        last = null;
        remover.accept(k);
    }
}

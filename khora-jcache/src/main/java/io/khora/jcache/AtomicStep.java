package io.khora.jcache;

import io.khora.EntryProcessor;
import io.khora.Space;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The per-key atomic step every cache mutation is: one {@link Space#invoke} on the key, in which the
 * cache's {@link Mutation} decides on the current entry ({@link Slot}); then, still under the key's
 * stripe lock, the step's statistics are counted and its events dispatched, so that listeners see
 * one key's events in the order its mutations happened.
 *
 * <p>A cache call made from inside a step (an entry processor, loader, writer or expiry policy
 * calling back into the cache) is refused with an {@link IllegalStateException}: it would deadlock.
 */
final class AtomicStep<K, V> {
    private static final int STRIPES = 64;

    /** One key's decision, taken inside the space's invoke with the current entry. */
    @FunctionalInterface
    interface Mutation<K, V, R> {
        R apply(Slot<K, V> slot);
    }

    private final CacheParts<K, V> parts;
    private final Space space;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    AtomicStep(CacheParts<K, V> parts, Space space) {
        this.parts = parts;
        this.space = space;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Runs {@code m} atomically on {@code key}'s entry, then counts and dispatches what it decided. */
    <R> R run(K key, Mutation<K, V, R> m) {
        ReentrantLock lock = stripe(key);
        lock.lock();
        try {
            OperationContext ctx = parts.context();
            if (ctx.insideEntry) {
                throw new IllegalStateException("cache '" + parts.name + "' was called back from its own entry processor,"
                        + " CacheLoader, CacheWriter or ExpiryPolicy while a key is locked; JSR-107 does not allow that"
                        + " (it would deadlock)");
            }
            Object[] last = new Object[1];
            R result;
            try {
                EntryProcessor<CacheEntryRecord, R> p = e -> {
                    ctx.insideEntry = true;
                    Slot<K, V> s = new Slot<>(parts, key, e);
                    last[0] = s;
                    return m.apply(s);
                };
                result = parts.space(() -> space.invoke(CacheEntryRecord.class, key, p));
            } finally {
                ctx.skipWriter = false;
                ctx.insideEntry = false;
            }
            @SuppressWarnings("unchecked")
            Slot<K, V> s = (Slot<K, V>) last[0];
            if (s != null) {
                parts.stats.count(s.hits, s.misses, s.puts, s.removals);
                parts.dispatcher.dispatch(s.events);
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code r} under {@code key}'s stripe lock: events from outside a step, in order with the steps'. */
    void underKeyLock(Object key, Runnable r) {
        ReentrantLock lock = stripe(key);
        lock.lock();
        try {
            r.run();
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock stripe(Object key) {
        int h = key.hashCode();
        return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
    }
}

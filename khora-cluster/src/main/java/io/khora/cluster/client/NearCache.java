package io.khora.cluster.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.khora.cluster.raft.StoredEntry;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The entries a client read by id, kept on the client (Caffeine, bounded) so that the next
 * {@code readById} of the same entry needs no round trip. Only the mechanism: what keeps it
 * correct is that every change of a cached entry is reported to {@link #onEvent} (the event
 * stream, {@link NearCacheStreams}) or {@link #invalidate} (this client's own mutations), and that
 * {@link #clear} is called whenever events may have been missed.
 *
 * <p>Three rules keep a stale entry out:
 * <ul>
 *   <li><b>No populate after an invalidation it raced with.</b> A miss takes a {@link Ticket}
 *   before asking the leader; {@link #populate} stores the answer only if no invalidation of
 *   that key (a stamp per key stripe) and no {@link #clear} (a generation) happened since. The
 *   check and the store run inside one {@code compute} of the key, and an invalidation bumps the
 *   stamp before it removes the key, so in every interleaving either the populate sees the new
 *   stamp or the removal comes after the store.</li>
 *   <li><b>Versions only go forward.</b> An answer older than the cached entry (a lower
 *   {@link StoredEntry#version()}) does not replace it; an event older than the cached entry
 *   leaves it in place (the events of one partition arrive in order, so the event that changed
 *   the cached version is still to come).</li>
 *   <li><b>A gap clears everything.</b> {@link #clear} moves to a new generation: entries of an
 *   older one are never returned, and tickets of an older one never populate.</li>
 * </ul>
 * An entry whose lease has expired by the client's clock is not returned (the node's expiry event
 * may come later).
 */
final class NearCache {
    /** Key stripes of the invalidation stamps (a power of two). */
    static final int STRIPES = 1024;

    /**
     * A cached entry's identity: the type it was read as, its partition and its id.
     *
     * @param type the type name the read asked for
     * @param partition the partition it was read from
     * @param id the entry's id
     */
    record Key(String type, int partition, Object id) {
        /** Checks the components. */
        Key {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * What a miss saw before asking the leader.
     *
     * @param key the entry asked for
     * @param stamp its stripe's invalidation stamp then
     * @param generation the generation then
     */
    record Ticket(Key key, long stamp, long generation) {
    }

    private record Cached(StoredEntry entry, long generation) {
    }

    private final Cache<Key, Cached> cache;
    private final AtomicLongArray stamps = new AtomicLongArray(STRIPES);
    private final AtomicLong generation = new AtomicLong();
    private final LongSupplier clockMillis;
    private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();

    /**
     * @param options the size bound and the time-to-live
     * @param ticker Caffeine's time source (for the time-to-live)
     * @param clockMillis the wall clock leases are compared with (milliseconds since the epoch)
     */
    NearCache(NearCacheOptions options, Ticker ticker, LongSupplier clockMillis) {
        Caffeine<Object, Object> b = Caffeine.newBuilder().maximumSize(options.maxEntries()).executor(Runnable::run).ticker(ticker);
        if (options.timeToLive() != null) {
            b.expireAfterWrite(options.timeToLive());
        }
        this.cache = b.build();
        this.clockMillis = clockMillis;
    }

    /** A near cache on the system clocks. */
    NearCache(NearCacheOptions options) {
        this(options, Ticker.systemTicker(), System::currentTimeMillis);
    }

    /** The cached entry of {@code key} of the current generation, unexpired; else null. */
    StoredEntry get(Key key) {
        Cached c = cache.getIfPresent(key);
        StoredEntry e = c == null || c.generation != generation.get() ? null : c.entry;
        if (e == null || (e.expiresAt() != Long.MAX_VALUE && e.expiresAt() <= clockMillis.getAsLong())) {
            misses.increment();
            return null;
        }
        hits.increment();
        return e;
    }

    /** The generation: how many times the cache was {@link #clear cleared}. */
    long generation() {
        return generation.get();
    }

    /** How many {@link #get}s returned an entry. */
    long hits() {
        return hits.sum();
    }

    /** How many {@link #get}s returned none. */
    long misses() {
        return misses.sum();
    }

    /**
     * A ticket for a miss of {@code key}, or null if the answer must not be cached: {@code watched}
     * says whether the key's partition has an open event stream (checked after the generation is
     * read, so a stream lost in between moves the generation on and the ticket is void).
     */
    Ticket ticket(Key key, BooleanSupplier watched) {
        long g = generation.get();
        if (!watched.getAsBoolean()) {
            return null;
        }
        return new Ticket(key, stamps.get(stripe(key)), g);
    }

    /** Caches {@code e}, the answer to the miss of {@code t}, unless the rules of the class comment say no. */
    void populate(Ticket t, StoredEntry e) {
        if (t == null || e == null) {
            return;
        }
        int stripe = stripe(t.key);
        cache.asMap().compute(t.key, (k, old) -> {
            if (stamps.get(stripe) != t.stamp || generation.get() != t.generation) {
                return old;
            }
            if (old != null && old.generation == t.generation && old.entry.version() > e.version()) {
                return old;
            }
            return new Cached(e, t.generation);
        });
    }

    /** Forgets {@code key} (a change this client made or heard of); voids the tickets of its stripe. */
    void invalidate(Key key) {
        stamps.incrementAndGet(stripe(key));
        cache.invalidate(key);
    }

    /**
     * An event of {@code key}'s entry at {@code version}: forgets the cached entry unless the
     * cached one is newer; voids the tickets of its stripe either way.
     */
    void onEvent(Key key, long version) {
        stamps.incrementAndGet(stripe(key));
        cache.asMap().computeIfPresent(key, (k, old) -> old.generation == generation.get() && old.entry.version() > version ? old : null);
    }

    /** Forgets everything and voids every ticket (events may have been missed). */
    void clear() {
        generation.incrementAndGet();
        cache.invalidateAll();
    }

    /** How many entries are held (some may be of an old generation until Caffeine drops them). */
    long size() {
        return cache.estimatedSize();
    }

    private static int stripe(Key k) {
        int h = k.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }
}

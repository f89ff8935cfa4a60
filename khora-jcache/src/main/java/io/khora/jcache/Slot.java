package io.khora.jcache;

import static io.khora.jcache.ExpiryLeases.isZero;
import static io.khora.jcache.ExpiryLeases.lease;

import io.khora.Lease;
import io.khora.MutableEntry;

import java.util.ArrayList;
import java.util.List;

import javax.cache.expiry.Duration;

/**
 * One key's entry inside the space's invoke (the partition is locked), and the cache's decisions on
 * it: {@link #create}, {@link #update}, {@link #removeExisting}, {@link #accessed},
 * {@link #deleteAbsent} and the rest. A decision changes the space entry at once; the events it
 * raises and the statistics it counts are collected here, and {@link AtomicStep} hands them on once
 * the space applied the change.
 */
final class Slot<K, V> {
    private final CacheParts<K, V> parts;
    final K key;
    private final MutableEntry<CacheEntryRecord> entry;
    final CacheEntryRecord current;
    private V value;
    private boolean decoded;
    final List<KhoraCacheEntryEvent<K, V>> events = new ArrayList<>(2);
    long hits;
    long misses;
    long puts;
    long removals;

    Slot(CacheParts<K, V> parts, K key, MutableEntry<CacheEntryRecord> entry) {
        this.parts = parts;
        this.key = key;
        this.entry = entry;
        this.current = entry.get();
    }

    boolean exists() {
        return current != null;
    }

    /** The current value (decoded once), or null. */
    V value() {
        if (!decoded) {
            value = current == null ? null : parts.decode(current.value());
            decoded = true;
        }
        return value;
    }

    /** Counts a hit if the entry exists, else a miss; returns whether it exists. */
    boolean hitOrMiss() {
        if (exists()) {
            hits++;
        } else {
            misses++;
        }
        return exists();
    }

    /** The current value if some listener may want it as an old value, else null. */
    private V oldForEvent() {
        return parts.dispatcher.isEmpty() ? null : value();
    }

    /** Stores a value (in its stored form) under the key, with {@code lease} (null keeps the current lease). */
    private void store(Object encoded, Lease lease) {
        Object storedKey = current != null ? current.key() : parts.codec.storedKey(key);
        CacheEntryRecord r = new CacheEntryRecord(storedKey, encoded, null);
        if (lease == null) {
            entry.set(r);
        } else {
            entry.set(r, lease);
        }
    }

    /** Gives the current entry a new lease; not a cache mutation, so not written through. */
    void renew(Lease lease) {
        silent();
        entry.set(new CacheEntryRecord(current.key(), current.value(), null), lease);
    }

    /** The space change this step makes is not to reach the CacheWriter. */
    void silent() {
        parts.context().skipWriter = true;
    }

    /** Removes the entry without writing through and without an event (a loaded entry that expires at once). */
    void discard() {
        silent();
        entry.remove();
    }

    // ---------------------------------------------------------------- decisions

    /** Puts {@code value}: an update if the entry exists, else a create. */
    void put(V value, Object encoded) {
        if (exists()) {
            update(value, encoded);
        } else {
            create(value, encoded);
        }
    }

    /** Creates the entry with the creation expiry; ZERO stores nothing (but still writes through). */
    void create(V value, Object encoded) {
        Duration d = parts.expiry.creation();
        if (isZero(d)) {
            if (parts.integration.hasWriter()) {
                parts.integration.write(key, value);
            }
            return;
        }
        store(encoded, lease(d));
        events.add(KhoraCacheEntryEvent.created(parts.cache, key, value));
        puts++;
    }

    /** Replaces the entry's value with the update expiry (null keeps the lease; ZERO expires it). */
    void update(V value, Object encoded) {
        replaceValue(value, encoded, true);
        puts++;
    }

    private void replaceValue(V value, Object encoded, boolean writeThrough) {
        V old = oldForEvent();
        Duration d = parts.expiry.update();
        if (isZero(d)) {
            if (writeThrough && parts.integration.hasWriter()) {
                parts.integration.write(current.key(), value);
            }
            discard();
            events.add(KhoraCacheEntryEvent.updated(parts.cache, key, value, old));
            events.add(KhoraCacheEntryEvent.expired(parts.cache, key, value));
        } else {
            store(encoded, lease(d));
            events.add(KhoraCacheEntryEvent.updated(parts.cache, key, value, old));
        }
    }

    /**
     * Stores a value the CacheLoader gave: not written through, not counted as a put; created with
     * the creation expiry (ZERO stores nothing), or, if the entry exists and {@code replace}, updated
     * with the update expiry.
     */
    void loaded(V value, Object encoded, boolean replace) {
        silent();
        if (!exists()) {
            Duration d = parts.expiry.creation();
            if (!isZero(d)) {
                store(encoded, lease(d));
                events.add(KhoraCacheEntryEvent.created(parts.cache, key, value));
            }
        } else if (replace) {
            replaceValue(value, encoded, false);
        }
    }

    /** Removes the existing entry (written through as a delete). */
    void removeExisting() {
        V old = oldForEvent();
        entry.remove();
        events.add(KhoraCacheEntryEvent.removed(parts.cache, key, old));
        removals++;
    }

    /** Removes the entry if it exists, else still deletes the key from the store (it may hold it). */
    void remove() {
        if (exists()) {
            removeExisting();
        } else {
            deleteAbsent();
        }
    }

    /** A delete of a key the cache does not hold still reaches the CacheWriter (the store may hold it). */
    void deleteAbsent() {
        if (parts.integration.hasWriter()) {
            parts.integration.delete(key);
        }
    }

    /** The entry was read: applies the access expiry. */
    void accessed() {
        applyAccess(parts.expiry.access());
    }

    /** Applies an access duration: null keeps the lease, ZERO expires the entry (EXPIRED event, no delete). */
    void applyAccess(Duration d) {
        if (d == null) {
            return;
        }
        if (d.isZero()) {
            V old = oldForEvent();
            discard();
            events.add(KhoraCacheEntryEvent.expired(parts.cache, key, old));
        } else {
            renew(lease(d));
        }
    }
}

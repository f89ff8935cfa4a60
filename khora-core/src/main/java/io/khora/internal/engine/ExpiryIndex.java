package io.khora.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entries with a finite lease, ordered by expiry, so the sweeper finds the expired ones in
 * O(expired · log n) and an update removes its predecessor in O(log n). Guarded by the partition
 * lock; {@link #nextExpiry()} may be read without it.
 */
final class ExpiryIndex {
    private final TreeMap<Long, Object> byTime = new TreeMap<>();
    private volatile long nextExpiry = Long.MAX_VALUE;

    void add(SpaceEntry e) {
        if (e.hasFiniteLease()) {
            byTime.compute(e.expiresAt(), (t, slot) -> slot == null ? e : Bucket.add(slot, e));
            refresh();
        }
    }

    void remove(SpaceEntry e) {
        if (e.hasFiniteLease()) {
            byTime.computeIfPresent(e.expiresAt(), (t, slot) -> Bucket.remove(slot, e));
            refresh();
        }
    }

    /** Removes and returns every entry expired at {@code now}. */
    List<SpaceEntry> pollExpired(long now) {
        List<SpaceEntry> out = new ArrayList<>();
        while (!byTime.isEmpty() && byTime.firstKey() <= now) {
            Map.Entry<Long, Object> first = byTime.pollFirstEntry();
            Bucket.forEach(first.getValue(), out::add);
        }
        refresh();
        return out;
    }

    /** The earliest expiry, {@link Long#MAX_VALUE} if none; readable without the lock. */
    long nextExpiry() {
        return nextExpiry;
    }

    int size() {
        int n = 0;
        for (Object slot : byTime.values()) {
            n += Bucket.size(slot);
        }
        return n;
    }

    void clear() {
        byTime.clear();
        refresh();
    }

    private void refresh() {
        nextExpiry = byTime.isEmpty() ? Long.MAX_VALUE : byTime.firstKey();
    }
}

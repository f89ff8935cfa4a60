package io.khora.internal.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Least-recently-used bookkeeping for a partition with a bounded number of entries (cache policy
 * LRU). The access order lives in a linked map guarded by the partition's write lock; lock-free
 * reads only drop the entry they read into a small lossy buffer (Caffeine's read buffer idea),
 * which the next writer (or a reader that wins the lock) replays into the order. A full buffer
 * drops reads — recency is approximate under read storms, the bound is exact.
 */
final class LruPolicy {
    private static final int READ_BUFFER = 1024;

    private record Key(String root, Object id) {
    }

    private final int capacity;
    private final LinkedHashMap<Key, Boolean> order = new LinkedHashMap<>(64, 0.75f, true);
    private final ArrayBlockingQueue<SpaceEntry> reads = new ArrayBlockingQueue<>(READ_BUFFER);

    LruPolicy(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return order.size();
    }

    /** Lock-free: remembers that {@code e} was read. */
    void recordRead(SpaceEntry e) {
        reads.offer(e);
    }

    /** Whether readers should try to replay the buffer. */
    boolean drainWanted() {
        return reads.size() > READ_BUFFER / 2;
    }

    /** Replays buffered reads into the access order. Under the write lock. */
    void drainReads() {
        SpaceEntry e;
        while ((e = reads.poll()) != null) {
            order.get(key(e));
        }
    }

    /** {@code e} was inserted or replaced. Under the write lock. */
    void onPut(SpaceEntry e) {
        order.put(key(e), Boolean.TRUE);
    }

    /** {@code e} left the store. Under the write lock. */
    void onRemove(SpaceEntry e) {
        order.remove(key(e));
    }

    /**
     * Removes from the order, and returns, the (root, id) pairs of the least recently used entries
     * beyond the capacity. The caller removes them from the store. Under the write lock.
     */
    List<Map.Entry<String, Object>> overflow() {
        if (order.size() <= capacity) {
            return List.of();
        }
        List<Map.Entry<String, Object>> out = new ArrayList<>(order.size() - capacity);
        Iterator<Key> it = order.keySet().iterator();
        while (order.size() > capacity && it.hasNext()) {
            Key k = it.next();
            it.remove();
            out.add(Map.entry(k.root(), k.id()));
        }
        return out;
    }

    void clear() {
        order.clear();
        reads.clear();
    }

    private static Key key(SpaceEntry e) {
        return new Key(e.type().root().name(), Objects.requireNonNull(e.id()));
    }
}

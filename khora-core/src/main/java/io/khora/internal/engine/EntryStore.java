package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.SpaceEventType;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.persistence.DataSyncOperationType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The committed entries of a partition: its {@link TypeStore}s (one per root type) with the expiry
 * index and the LRU bound kept in step, the change sink that persists a change before memory
 * changes (numbering it), and the event sink every change is published to. Putting, replacing,
 * removing and evicting beyond the LRU bound happen here. Mutators run under the partition's write
 * lock; {@link #stores} is concurrent for the lock-free readers.
 */
final class EntryStore {
    final ConcurrentHashMap<String, TypeStore> stores = new ConcurrentHashMap<>();
    private final ExpiryIndex expiries = new ExpiryIndex();
    private final int partitionId;
    private final EventSink events;
    private final ChangeSink sink;
    private final LruPolicy lru;
    private final TxLocks locks;
    /** The sequence number of the last persisted change. */
    private long sequence;
    private volatile long evictedCount;

    EntryStore(int partitionId, EventSink events, ChangeSink sink, LruPolicy lru, TxLocks locks) {
        this.partitionId = partitionId;
        this.events = events;
        this.sink = sink;
        this.lru = lru;
        this.locks = locks;
    }

    /** The store of {@code type}'s root, created if needed. */
    TypeStore storeFor(TypeDescriptor type) {
        String root = type.root().name();
        TypeStore s = stores.get(root);
        return s != null ? s : stores.computeIfAbsent(root, TypeStore::new);
    }

    /** The store of the root type {@code root}, or null. */
    TypeStore store(String root) {
        return stores.get(root);
    }

    ChangeSink sink() {
        return sink;
    }

    ExpiryIndex expiries() {
        return expiries;
    }

    long sequence() {
        return sequence;
    }

    void sequence(long seq) {
        sequence = seq;
    }

    long evictedCount() {
        return evictedCount;
    }

    /** An unnumbered change of this partition. */
    Change change(DataSyncOperationType type, SpaceEntry e, List<ChangeSet.Operation> ops) {
        return new Change(type, e, ops, partitionId, 0L);
    }

    /**
     * Persists {@code batch} through the sink (numbering the changes), before memory changes;
     * throws what the sink throws. The after-hook is queued to run once the lock is released.
     */
    void persist(AfterUnlock after, List<Change> batch) {
        if (!sink.isActive()) {
            return;
        }
        List<Change> numbered = new ArrayList<>(batch.size());
        long seq = sequence;
        for (Change c : batch) {
            numbered.add(new Change(c.type(), c.entry(), c.operations(), partitionId, ++seq));
        }
        sink.beforeApply(numbered);
        sequence = seq;
        after.afterApply(sink, numbered);
    }

    /** Persists the removal of {@code e}. */
    void persistRemove(AfterUnlock after, SpaceEntry e) {
        persist(after, List.of(change(DataSyncOperationType.REMOVE, e, List.of())));
    }

    /** Puts {@code e} in place of {@code old} (null: none): indexes, expiry and LRU follow. Nothing published. */
    void replace(TypeStore store, SpaceEntry old, SpaceEntry e) {
        store.put(old, e);
        if (old != null) {
            expiries.remove(old);
        }
        expiries.add(e);
        if (lru != null) {
            lru.onPut(e);
        }
    }

    /** Removes {@code e} if it is current, publishing {@code why}. */
    void remove(TypeStore store, SpaceEntry e, SpaceEventType why) {
        if (store.remove(e)) {
            forgetIndexed(e);
            publish(why, e);
        }
    }

    /** Removes {@code current} without publishing anything (recovery). */
    void drop(TypeStore store, SpaceEntry current) {
        store.remove(current);
        forgetIndexed(current);
    }

    private void forgetIndexed(SpaceEntry e) {
        expiries.remove(e);
        if (lru != null) {
            lru.onRemove(e);
        }
    }

    /** Drops the least recently used entries beyond the capacity: no event, nothing persisted. */
    void evictOverflow() {
        if (lru == null) {
            return;
        }
        for (Map.Entry<String, Object> k : lru.overflow()) {
            TypeStore store = stores.get(k.getKey());
            SpaceEntry e = store == null ? null : store.get(k.getValue());
            if (e != null && locks.holder(store, e.id()) != null) {
                lru.onPut(e); // a transaction holds it: keep it (the bound is restored by later evictions)
                continue;
            }
            if (e != null && store.remove(e)) {
                expiries.remove(e);
                evictedCount++;
            }
        }
    }

    void publish(SpaceEventType type, SpaceEntry e) {
        if (events.isActive()) {
            events.publish(type, e);
        }
    }

    /** Drops every entry: used before a failed initial load is retried. */
    void reset() {
        stores.clear();
        expiries.clear();
        if (lru != null) {
            lru.clear();
        }
    }

    /** Root type name → live entries at {@code now}. */
    Map<String, Integer> countsByRootType(long now) {
        Map<String, Integer> m = new TreeMap<>();
        stores.forEach((name, s) -> m.put(name, live(s, now)));
        return m;
    }

    /** Live entries of every type at {@code now}. */
    int size(long now) {
        int n = 0;
        for (TypeStore s : stores.values()) {
            n += live(s, now);
        }
        return n;
    }

    private static int live(TypeStore s, long now) {
        int n = 0;
        for (SpaceEntry e : s.byId.values()) {
            if (!e.isExpiredAt(now)) {
                n++;
            }
        }
        return n;
    }
}

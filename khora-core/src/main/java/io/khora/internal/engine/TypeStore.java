package io.khora.internal.engine;

import io.khora.annotation.SpaceIndexType;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entries of one type hierarchy (ids are unique per root type) in one partition: the primary
 * map by id plus the property indexes. Mutated under the partition lock; read without locks.
 * Index maintenance orders its steps so a lock-free reader that re-checks {@code byId} never misses
 * an entry that exists before and after an update.
 */
final class TypeStore {
    final String rootName;
    final ConcurrentHashMap<Object, SpaceEntry> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PropertyIndex> indexes = new ConcurrentHashMap<>();
    private final Map<TypeDescriptor, int[]> indexedPositions = new IdentityHashMap<>();
    /** Entries locked by transactions: id → the part holding the lock. Under the partition lock only. */
    private final java.util.HashMap<Object, TxPart> locks = new java.util.HashMap<>();

    TypeStore(String rootName) {
        this.rootName = rootName;
    }

    static String indexKey(String property, SpaceIndexType kind) {
        return property + '#' + kind;
    }

    /** The index of {@code property} of kind {@code kind}, or null if no entry has one yet. */
    PropertyIndex index(String property, SpaceIndexType kind) {
        return indexes.get(indexKey(property, kind));
    }

    /** Makes {@code e} the current entry for its id; {@code old} is the entry it replaces or null. */
    void put(SpaceEntry old, SpaceEntry e) {
        addToIndexes(e);
        byId.put(e.id(), e);
        if (old != null) {
            removeFromIndexes(old);
        }
    }

    /** Removes {@code e} if it is current; returns whether it was. */
    boolean remove(SpaceEntry e) {
        if (byId.remove(e.id(), e)) {
            removeFromIndexes(e);
            return true;
        }
        return false;
    }

    /** The current entry for {@code id}, or null. */
    SpaceEntry get(Object id) {
        return byId.get(id);
    }

    boolean isCurrent(SpaceEntry e) {
        return byId.get(e.id()) == e;
    }

    /** The part holding {@code id} locked, or null. Under the partition lock. */
    TxPart lockOwner(Object id) {
        return locks.isEmpty() ? null : locks.get(id);
    }

    /** Locks {@code id} for {@code part}; returns whether it was newly locked. Under the partition lock. */
    boolean lock(Object id, TxPart part) {
        return locks.putIfAbsent(id, part) == null;
    }

    /** Releases {@code part}'s lock of {@code id}; returns whether it held it. Under the partition lock. */
    boolean unlock(Object id, TxPart part) {
        return locks.remove(id, part);
    }

    void clearAll() {
        byId.clear();
        indexes.clear();
    }

    private void addToIndexes(SpaceEntry e) {
        int[] positions = positions(e.type());
        Object[] v = e.values();
        for (int p : positions) {
            PropertyDescriptor pd = e.type().property(p);
            indexes.computeIfAbsent(indexKey(pd.name(), pd.index()), k -> pd.index() == SpaceIndexType.ORDERED
                    ? new PropertyIndex.Ordered(pd.name()) : new PropertyIndex.Equal(pd.name())).add(v[p], e);
        }
    }

    private void removeFromIndexes(SpaceEntry e) {
        int[] positions = positions(e.type());
        Object[] v = e.values();
        for (int p : positions) {
            PropertyDescriptor pd = e.type().property(p);
            PropertyIndex idx = indexes.get(indexKey(pd.name(), pd.index()));
            if (idx != null) {
                idx.remove(v[p], e);
            }
        }
    }

    private int[] positions(TypeDescriptor type) {
        int[] p = indexedPositions.get(type);
        if (p == null) {
            List<Integer> list = new ArrayList<>();
            for (PropertyDescriptor pd : type.properties()) {
                if (pd.isIndexed()) {
                    list.add(pd.position());
                }
            }
            p = list.stream().mapToInt(Integer::intValue).toArray();
            indexedPositions.put(type, p);
        }
        return p;
    }
}

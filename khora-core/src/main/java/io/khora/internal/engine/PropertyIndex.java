package io.khora.internal.engine;

import io.khora.internal.query.Values;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * An index of one property in one type store: a hash index (equality) or an ordered index
 * (equality and ranges, ordered by {@link Values#ORDER}). Null values are not indexed. Written under
 * the partition lock, read without locks.
 */
abstract class PropertyIndex {
    final String property;

    PropertyIndex(String property) {
        this.property = property;
    }

    abstract ConcurrentMap<Object, Object> map();

    final void add(Object key, SpaceEntry e) {
        if (key != null) {
            map().compute(key, (k, slot) -> Bucket.add(slot, e));
        }
    }

    final void remove(Object key, SpaceEntry e) {
        if (key != null) {
            map().computeIfPresent(key, (k, slot) -> Bucket.remove(slot, e));
        }
    }

    /** Calls {@code action} for every entry stored under {@code key}. */
    final void forEqual(Object key, Consumer<SpaceEntry> action) {
        if (key != null) {
            Bucket.forEach(map().get(key), action);
        }
    }

    /** Number of entries under {@code key}. */
    final int sizeOf(Object key) {
        return key == null ? 0 : Bucket.size(map().get(key));
    }

    /** A hash index. */
    static final class Equal extends PropertyIndex {
        private final ConcurrentHashMap<Object, Object> map = new ConcurrentHashMap<>();

        Equal(String property) {
            super(property);
        }

        @Override
        ConcurrentMap<Object, Object> map() {
            return map;
        }
    }

    /** An ordered index. */
    static final class Ordered extends PropertyIndex {
        private final ConcurrentSkipListMap<Object, Object> map = new ConcurrentSkipListMap<>(Values.ORDER);

        Ordered(String property) {
            super(property);
        }

        @Override
        ConcurrentMap<Object, Object> map() {
            return map;
        }

        /** Calls {@code action} for every entry whose key is in the range (null bound = unbounded). */
        void forRange(Object low, boolean lowInclusive, Object high, boolean highInclusive, Consumer<SpaceEntry> action) {
            NavigableMap<Object, Object> view = map;
            if (low != null && high != null) {
                if (Values.compare(low, high) > 0) {
                    return;
                }
                view = map.subMap(low, lowInclusive, high, highInclusive);
            } else if (low != null) {
                view = map.tailMap(low, lowInclusive);
            } else if (high != null) {
                view = map.headMap(high, highInclusive);
            }
            for (Map.Entry<Object, Object> e : view.entrySet()) {
                Bucket.forEach(e.getValue(), action);
            }
        }
    }
}

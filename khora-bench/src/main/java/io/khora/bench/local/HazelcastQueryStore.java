package io.khora.bench.local;

import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import io.khora.bench.model.IndexedTrade;
import io.khora.bench.peer.HazelcastMember;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Embedded Hazelcast's indexed operations on a map with a HASH index on {@code trader} and a
 * SORTED index on {@code price}: {@code values(Predicates.equal(…))} (Hazelcast has no "read any
 * one match"; the data set makes the match unique, so both sides return one entry) and
 * {@code values(Predicates.between(…))} (no limit: the benchmark's ranges hold exactly {@code max}
 * entries, so no {@code PagingPredicate}, which would add a sort, is needed).
 */
final class HazelcastQueryStore implements QueryStore {
    private static final int LOAD_BATCH = 10_000;

    private final IMap<Long, IndexedTrade> map;

    HazelcastQueryStore(InMemoryFormat format) {
        this.map = HazelcastMember.map(IndexedTrade.class, format);
        map.clear();
    }

    @Override
    public Supplier<Object> templateRead(String trader) {
        Predicate<Long, IndexedTrade> p = Predicates.equal("trader", trader);
        return () -> {
            Iterator<IndexedTrade> it = map.values(p).iterator();
            return it.hasNext() ? it.next() : null;
        };
    }

    @Override
    public Supplier<Collection<?>> rangeRead(double low, double high, int max) {
        Predicate<Long, IndexedTrade> p = Predicates.between("price", low, high);
        return () -> map.values(p);
    }

    @Override
    public void update(IndexedTrade t) {
        map.set(t.getId(), t);
    }

    @Override
    public void load(List<IndexedTrade> trades) {
        Map<Long, IndexedTrade> batch = new HashMap<>();
        for (IndexedTrade t : trades) {
            batch.put(t.getId(), t);
            if (batch.size() == LOAD_BATCH) {
                map.putAll(batch);
                batch.clear();
            }
        }
        map.putAll(batch);
    }

    @Override
    public void close() {
        map.destroy();
        HazelcastMember.release();
    }
}

package io.khora.bench.local;

import io.khora.bench.model.IndexedTrade;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * The limit for indexed operations: the objects in a {@code ConcurrentHashMap} by id, plus a
 * {@code ConcurrentHashMap} by trader and a {@code ConcurrentSkipListMap} by price as hand-made
 * indexes (no query language, no copies, no consistency between the three maps).
 */
final class JdkIndexQueryStore implements QueryStore {
    private final ConcurrentHashMap<Long, IndexedTrade> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, IndexedTrade> byTrader = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Double, IndexedTrade> byPrice = new ConcurrentSkipListMap<>();

    @Override
    public Supplier<Object> templateRead(String trader) {
        return () -> byTrader.get(trader);
    }

    @Override
    public Supplier<Collection<?>> rangeRead(double low, double high, int max) {
        return () -> {
            List<IndexedTrade> out = new ArrayList<>(Math.min(max, 128));
            for (IndexedTrade t : byPrice.subMap(low, true, high, true).values()) {
                if (out.size() == max) {
                    break;
                }
                out.add(t);
            }
            return out;
        };
    }

    @Override
    public void update(IndexedTrade t) {
        IndexedTrade old = byId.put(t.getId(), t);
        if (old != null && !old.getTrader().equals(t.getTrader())) {
            byTrader.remove(old.getTrader(), old);
        }
        if (old != null && old.getPrice() != t.getPrice()) {
            byPrice.remove(old.getPrice(), old);
        }
        byTrader.put(t.getTrader(), t);
        byPrice.put(t.getPrice(), t);
    }

    @Override
    public void load(List<IndexedTrade> trades) {
        trades.forEach(this::update);
    }

    @Override
    public void close() {
        byId.clear();
        byTrader.clear();
        byPrice.clear();
    }
}

package io.khora.bench.local;

import io.khora.Query;
import io.khora.Space;
import io.khora.bench.model.IndexedTrade;
import io.khora.bench.peer.KhoraSpaces;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Khora's indexed operations: {@code read(Query.template(…))} on the hash-indexed {@code trader},
 * {@code readMultiple("price BETWEEN ? AND ?", max)} on the ordered {@code price}, {@code write}.
 */
final class KhoraQueryStore implements QueryStore {
    private final Space space = KhoraSpaces.start("bench-query");

    @Override
    public Supplier<Object> templateRead(String trader) {
        IndexedTrade template = new IndexedTrade();
        template.setTrader(trader);
        Query<IndexedTrade> q = Query.template(template);
        return () -> space.read(q);
    }

    @Override
    public Supplier<Collection<?>> rangeRead(double low, double high, int max) {
        Query<IndexedTrade> q = Query.of(IndexedTrade.class, "price BETWEEN ? AND ?", low, high);
        return () -> space.readMultiple(q, max);
    }

    @Override
    public void update(IndexedTrade t) {
        space.write(t);
    }

    @Override
    public void load(List<IndexedTrade> trades) {
        space.writeMultiple(trades);
    }

    @Override
    public void close() {
        space.close();
    }
}

package io.khora.bench.local;

import io.khora.Query;
import io.khora.Space;
import io.khora.bench.model.PlainTrade;
import io.khora.bench.peer.KhoraSpaces;

import java.util.List;

/** Khora's by-id operations: {@code readById}, {@code write}, {@code takeById}. */
final class KhoraByIdStore implements ByIdStore {
    private final Space space = KhoraSpaces.start("bench-by-id");

    @Override
    public Object read(Long id) {
        return space.readById(PlainTrade.class, id);
    }

    @Override
    public void write(PlainTrade t) {
        space.write(t);
    }

    @Override
    public Object take(Long id) {
        return space.takeById(PlainTrade.class, id);
    }

    @Override
    public void load(List<PlainTrade> trades) {
        space.writeMultiple(trades);
    }

    @Override
    public int size() {
        return space.count(Query.all(PlainTrade.class));
    }

    @Override
    public void close() {
        space.close();
    }
}

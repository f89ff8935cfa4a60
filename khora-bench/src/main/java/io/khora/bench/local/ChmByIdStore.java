package io.khora.bench.local;

import io.khora.bench.model.PlainTrade;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The limit: a {@code ConcurrentHashMap<Long, PlainTrade>} holding the objects themselves. */
final class ChmByIdStore implements ByIdStore {
    private final ConcurrentHashMap<Long, PlainTrade> map = new ConcurrentHashMap<>();

    @Override
    public Object read(Long id) {
        return map.get(id);
    }

    @Override
    public void write(PlainTrade t) {
        map.put(t.getId(), t);
    }

    @Override
    public Object take(Long id) {
        return map.remove(id);
    }

    @Override
    public void load(List<PlainTrade> trades) {
        for (PlainTrade t : trades) {
            map.put(t.getId(), t);
        }
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public void close() {
        map.clear();
    }
}

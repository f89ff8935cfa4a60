package io.khora.bench.local;

import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.map.IMap;
import io.khora.bench.model.PlainTrade;
import io.khora.bench.peer.HazelcastMember;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Embedded Hazelcast's by-id operations: {@code get}, {@code set} (which, unlike {@code put}, does
 * not return the old value) and {@code remove} (which returns it, as a take does).
 */
final class HazelcastByIdStore implements ByIdStore {
    private static final int LOAD_BATCH = 10_000;

    private final IMap<Long, PlainTrade> map;

    HazelcastByIdStore(InMemoryFormat format) {
        this.map = HazelcastMember.map(PlainTrade.class, format);
        map.clear();
    }

    @Override
    public Object read(Long id) {
        return map.get(id);
    }

    @Override
    public void write(PlainTrade t) {
        map.set(t.getId(), t);
    }

    @Override
    public Object take(Long id) {
        return map.remove(id);
    }

    @Override
    public void load(List<PlainTrade> trades) {
        Map<Long, PlainTrade> batch = new HashMap<>();
        for (PlainTrade t : trades) {
            batch.put(t.getId(), t);
            if (batch.size() == LOAD_BATCH) {
                map.putAll(batch);
                batch.clear();
            }
        }
        map.putAll(batch);
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public void close() {
        map.destroy();
        HazelcastMember.release();
    }
}

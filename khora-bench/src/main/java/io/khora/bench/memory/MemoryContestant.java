package io.khora.bench.memory;

import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.map.IMap;
import io.khora.Query;
import io.khora.Space;
import io.khora.bench.model.IndexedTrade;
import io.khora.bench.model.PlainTrade;
import io.khora.bench.model.TradeData;
import io.khora.bench.peer.HazelcastMember;
import io.khora.bench.peer.KhoraSpaces;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/** A store whose heap footprint the memory probe measures, filled with trades by id. */
abstract class MemoryContestant implements AutoCloseable {
    static final int BATCH = 10_000;

    /** Adds the trades with ids {@code 0..n-1}. */
    abstract void fill(int n);

    /** Number of entries held. */
    abstract int size();

    @Override
    public void close() {
    }

    /** The contestant with {@code key} (started and empty). */
    static MemoryContestant open(String key) {
        return switch (key) {
            case "hashmap" -> new OfHashMap();
            case "khora-plain" -> new OfKhora<>(PlainTrade.class, TradeData::plain);
            case "khora-indexed" -> new OfKhora<>(IndexedTrade.class, TradeData::indexed);
            case "hz-binary-plain" -> new OfHazelcast<>(PlainTrade.class, InMemoryFormat.BINARY, TradeData::plain);
            case "hz-object-plain" -> new OfHazelcast<>(PlainTrade.class, InMemoryFormat.OBJECT, TradeData::plain);
            case "hz-binary-indexed" -> new OfHazelcast<>(IndexedTrade.class, InMemoryFormat.BINARY, TradeData::indexed);
            case "hz-object-indexed" -> new OfHazelcast<>(IndexedTrade.class, InMemoryFormat.OBJECT, TradeData::indexed);
            default -> throw new IllegalArgumentException("unknown memory contestant '" + key + "'");
        };
    }

    /** The limit: a {@code HashMap<Long, PlainTrade>} of the objects themselves. */
    static final class OfHashMap extends MemoryContestant {
        private final Map<Long, PlainTrade> map = new HashMap<>();

        @Override
        void fill(int n) {
            for (long id = 0; id < n; id++) {
                map.put(id, TradeData.plain(id));
            }
        }

        @Override
        int size() {
            return map.size();
        }
    }

    /** An embedded Khora space. */
    static final class OfKhora<T> extends MemoryContestant {
        private final Space space = KhoraSpaces.start("bench-memory");
        private final Class<T> type;
        private final LongFunction<T> make;

        OfKhora(Class<T> type, LongFunction<T> make) {
            this.type = type;
            this.make = make;
        }

        @Override
        void fill(int n) {
            List<T> batch = new ArrayList<>(BATCH);
            for (long id = 0; id < n; id++) {
                batch.add(make.apply(id));
                if (batch.size() == BATCH || id == n - 1) {
                    space.writeMultiple(batch);
                    batch.clear();
                }
            }
        }

        @Override
        int size() {
            return space.count(Query.all(type));
        }

        @Override
        public void close() {
            space.close();
        }
    }

    /** An embedded Hazelcast map. */
    static final class OfHazelcast<T> extends MemoryContestant {
        private final IMap<Long, T> map;
        private final LongFunction<T> make;

        OfHazelcast(Class<T> type, InMemoryFormat format, LongFunction<T> make) {
            this.map = HazelcastMember.map(type, format);
            this.make = make;
        }

        @Override
        void fill(int n) {
            Map<Long, T> batch = new HashMap<>();
            for (long id = 0; id < n; id++) {
                batch.put(id, make.apply(id));
                if (batch.size() == BATCH || id == n - 1) {
                    map.putAll(batch);
                    batch.clear();
                }
            }
        }

        @Override
        int size() {
            return map.size();
        }

        @Override
        public void close() {
            HazelcastMember.shutdown();
        }
    }
}

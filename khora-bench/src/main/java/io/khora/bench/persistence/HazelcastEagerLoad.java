package io.khora.bench.persistence;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.khora.bench.peer.HazelcastMember;

/**
 * The peer: an embedded Hazelcast member (configured quietly as {@link HazelcastMember#config()}:
 * alone, loopback, no multicast, logging through SLF4J) whose {@code IMap} has a
 * {@link BenchTradeLoader} with {@code InitialLoadMode.EAGER}, BINARY in-memory format, Compact
 * serialization and backup count 0. Timed from {@code getMap} (which, EAGER, starts the load and
 * waits for it) until the map answers {@code size()}.
 */
final class HazelcastEagerLoad implements Mechanism {
    private static final String MAP_PREFIX = "bench-trades-";

    private final long expected;
    private final BenchTradeLoader loader;
    private final HazelcastInstance member;

    HazelcastEagerLoad(Database db, long expected) {
        this.expected = expected;
        this.loader = new BenchTradeLoader(db);
        Config c = HazelcastMember.config();
        c.getSerializationConfig().getCompactSerializationConfig().addSerializer(new BenchTradeSerializer());
        c.addMapConfig(new MapConfig(MAP_PREFIX + "*").setInMemoryFormat(InMemoryFormat.BINARY).setBackupCount(0)
                .setMapStoreConfig(new MapStoreConfig().setEnabled(true).setImplementation(loader)
                        .setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER)));
        this.member = Hazelcast.newHazelcastInstance(c);
    }

    @Override
    public Round round(int round, CpuMeter cpu) throws InterruptedException {
        Stopwatch sw = Stopwatch.start(cpu);
        IMap<Long, BenchTrade> map = member.getMap(MAP_PREFIX + round);
        int size = map.size();
        Round r = sw.stop(expected);
        Rounds.check("Hazelcast's EAGER MapLoader load", size, expected);
        map.destroy();
        return r;
    }

    @Override
    public void close() {
        member.shutdown();
        loader.close();
    }
}

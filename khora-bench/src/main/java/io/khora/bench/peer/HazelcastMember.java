package io.khora.bench.peer;

import com.hazelcast.config.Config;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.khora.bench.model.IndexedTrade;
import io.khora.bench.model.PlainTrade;

import java.util.UUID;

/**
 * The embedded Hazelcast peer: one member per JVM, alone in its cluster (multicast, TCP/IP and
 * auto-detection joins off, bound to loopback), phone-home off, logging through SLF4J at WARN.
 * Values use Compact serialization ({@link TradeSerializer}); maps have backup count 0 (there is
 * no second member to hold a backup). Maps of {@link IndexedTrade} carry the same indexes Khora's
 * class declares: HASH on {@code trader}, SORTED on {@code price}.
 *
 * <p>A JMH fork releases the member at the end of its trial; a smoke run in one JVM shares it
 * across trials (system property {@value #SHARED}) and the suite shuts it down at the end.
 */
public final class HazelcastMember {
    /** System property: keep the member across trials (for non-forked runs). */
    public static final String SHARED = "khora.bench.sharedHazelcast";

    private static HazelcastInstance instance;

    static {
        // before Hazelcast's first class loads, so even its start-up warnings go through SLF4J
        if (System.getProperty("hazelcast.logging.type") == null) {
            System.setProperty("hazelcast.logging.type", "slf4j");
        }
    }

    private HazelcastMember() {
    }

    /** The member of this JVM, started on first use. */
    public static synchronized HazelcastInstance get() {
        if (instance == null) {
            instance = Hazelcast.newHazelcastInstance(config());
        }
        return instance;
    }

    /** The map of {@code type} values in {@code format}. */
    public static <T> IMap<Long, T> map(Class<T> type, InMemoryFormat format) {
        return get().getMap(mapName(type, format));
    }

    /** Called at the end of a trial: shuts the member down unless it is shared. */
    public static synchronized void release() {
        if (!Boolean.getBoolean(SHARED)) {
            shutdown();
        }
    }

    /** Shuts down every member of this JVM ({@link Hazelcast#shutdownAll()}). */
    public static synchronized void shutdown() {
        Hazelcast.shutdownAll();
        instance = null;
    }

    static String mapName(Class<?> type, InMemoryFormat format) {
        return type.getSimpleName() + "-" + format;
    }

    /** The member's configuration. */
    public static Config config() {
        Config c = new Config();
        c.setClusterName("khora-bench-" + UUID.randomUUID());
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        NetworkConfig network = c.getNetworkConfig();
        network.setPortAutoIncrement(true);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        c.getJetConfig().setEnabled(false);
        c.getSerializationConfig().getCompactSerializationConfig()
                .addSerializer(new TradeSerializer.Plain())
                .addSerializer(new TradeSerializer.Indexed());
        for (InMemoryFormat f : new InMemoryFormat[] {InMemoryFormat.BINARY, InMemoryFormat.OBJECT}) {
            c.addMapConfig(new MapConfig(mapName(PlainTrade.class, f)).setInMemoryFormat(f).setBackupCount(0));
            c.addMapConfig(new MapConfig(mapName(IndexedTrade.class, f)).setInMemoryFormat(f).setBackupCount(0)
                    .addIndexConfig(new IndexConfig(IndexType.HASH, "trader"))
                    .addIndexConfig(new IndexConfig(IndexType.SORTED, "price")));
        }
        return c;
    }
}

package io.khora.bench.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.RoutingMode;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import java.util.List;

/**
 * Hazelcast's Java client ({@code HazelcastClient}, routing mode ALL_MEMBERS, formerly "smart routing": it connects to every member and
 * sends each key's operation to the member that owns the key's partition — what Khora's client does
 * with partition leaders): {@code set} (no old value returned; acknowledged once the owner and its
 * one synchronous backup have it), {@code get} and {@code remove(key)} (which returns the value, as
 * a take does), on the map {@value HazelcastClusterMember#MAP}.
 */
final class HazelcastRemoteStore implements RemoteStore {
    private final HazelcastInstance client;
    private final IMap<Long, Payload> map;

    private HazelcastRemoteStore(HazelcastInstance client) {
        this.client = client;
        this.map = client.getMap(HazelcastClusterMember.MAP);
    }

    /** Connects to the members at {@code addresses} (host:port) of cluster {@code clusterName}. */
    static HazelcastRemoteStore connect(List<String> addresses, String clusterName) {
        return connect(addresses, clusterName, new ClientConfig());
    }

    /**
     * Connects with a client near cache on the map: at most {@code entries} entries (LRU), BINARY (each {@code get} deserializes a
     * fresh object, as Khora's near cache maps a fresh one), invalidated on change by the members (Hazelcast's defaults).
     */
    static HazelcastRemoteStore connectNearCached(List<String> addresses, String clusterName, int entries) {
        ClientConfig c = new ClientConfig();
        com.hazelcast.config.NearCacheConfig near = new com.hazelcast.config.NearCacheConfig(HazelcastClusterMember.MAP)
                .setInMemoryFormat(com.hazelcast.config.InMemoryFormat.BINARY).setInvalidateOnChange(true);
        near.getEvictionConfig().setEvictionPolicy(com.hazelcast.config.EvictionPolicy.LRU)
                .setMaxSizePolicy(com.hazelcast.config.MaxSizePolicy.ENTRY_COUNT).setSize(entries);
        c.addNearCacheConfig(near);
        return connect(addresses, clusterName, c);
    }

    private static HazelcastRemoteStore connect(List<String> addresses, String clusterName, ClientConfig c) {
        c.setClusterName(clusterName);
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.client.statistics.enabled", "false");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.client.shutdownhook.enabled", "false");
        c.getNetworkConfig().setAddresses(addresses).getClusterRoutingConfig().setRoutingMode(RoutingMode.ALL_MEMBERS);
        c.getSerializationConfig().getCompactSerializationConfig().addSerializer(new PayloadSerializer());
        HazelcastInstance client = HazelcastClient.newHazelcastClient(c);
        int members = client.getCluster().getMembers().size();
        if (members != addresses.size()) {
            client.shutdown();
            throw new IllegalStateException("the Hazelcast client sees " + members + " members, expected " + addresses.size());
        }
        return new HazelcastRemoteStore(client);
    }

    @Override
    public void write(Payload p) {
        map.set(p.id(), p);
    }

    @Override
    public boolean read(long id) {
        return map.get(id) != null;
    }

    @Override
    public boolean take(long id) {
        return map.remove(id) != null;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}

package io.khora.bench.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM main: one member of the Hazelcast peer cluster. It binds only to 127.0.0.1 at its own
 * port (no auto-increment), joins the others over TCP/IP with the members' addresses (multicast
 * and auto-detection off), phone-home and Jet off, logging through SLF4J at ERROR; the map
 * {@value #MAP} keeps BINARY values with one synchronous backup (backup-count 1, no asynchronous
 * backups): a {@code set} is acknowledged once the key's owner and one other member have it, as a
 * Khora write is once two of its three replicas have it. Prints {@value #READY} once it sees every
 * member, every partition has an owner, and the cluster is safe (every backup in place); runs until
 * the process is terminated (SIGTERM terminates the member at once: no graceful migration).
 *
 * <p>Arguments: cluster name, this member's index (0-based), the members' ports on 127.0.0.1.
 */
public final class HazelcastClusterMember {
    /** The map the benchmark uses. */
    public static final String MAP = "bench";
    /** The line printed once the cluster is formed and safe. */
    static final String READY = "HAZELCAST MEMBER READY";

    private HazelcastClusterMember() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("hazelcast.logging.type", "slf4j");
        String clusterName = args[0];
        int self = Integer.parseInt(args[1]);
        List<Integer> ports = Arrays.stream(args).skip(2).map(Integer::parseInt).toList();
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(config(clusterName, ports, ports.get(self)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (hz.getCluster().getMembers().size() < ports.size()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("only " + hz.getCluster().getMembers().size() + " of " + ports.size() + " members joined");
            }
            Thread.sleep(50);
        }
        for (Partition p : hz.getPartitionService().getPartitions()) {
            p.getOwner(); // assigns the partitions now, not on the first operation
        }
        while (!hz.getPartitionService().isClusterSafe()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the cluster did not become safe");
            }
            Thread.sleep(50);
        }
        System.out.println(READY + " " + hz.getCluster().getMembers().size() + " members");
        System.out.flush();
        Thread.currentThread().join(); // until terminated
    }

    /** The member's configuration. */
    static Config config(String clusterName, List<Integer> ports, int port) {
        Config c = new Config();
        c.setClusterName(clusterName);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.shutdownhook.policy", "TERMINATE");
        c.setProperty("hazelcast.socket.bind.any", "false");
        NetworkConfig network = c.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(ports.stream().map(p -> "127.0.0.1:" + p).toList());
        c.getJetConfig().setEnabled(false);
        c.addMapConfig(new MapConfig(MAP).setInMemoryFormat(InMemoryFormat.BINARY).setBackupCount(1).setAsyncBackupCount(0));
        return c;
    }
}

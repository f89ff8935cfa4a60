package io.khora.bench.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The peer: three Hazelcast members on 127.0.0.1, each a child JVM running
 * {@link HazelcastClusterMember}, under a fresh cluster name; ready once every member has printed
 * that it sees all three and the cluster is safe.
 */
final class HazelcastCluster implements NodeCluster {
    private static final int MEMBERS = 3;

    private final String clusterName = "khora-bench-cluster-" + UUID.randomUUID();
    private final List<ServerProcess> members = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private HazelcastCluster() {
    }

    /** Starts the members (JVM options {@code jvmArgs}), logs under {@code dir}; returns once the cluster is formed and safe. */
    static HazelcastCluster start(String classpath, List<String> jvmArgs, Path dir) throws IOException, InterruptedException {
        HazelcastCluster c = new HazelcastCluster();
        try {
            int base = Ports.freeBlock(MEMBERS);
            for (int i = 0; i < MEMBERS; i++) {
                c.ports.add(base + i);
            }
            for (int i = 0; i < MEMBERS; i++) {
                List<String> args = new ArrayList<>(List.of(c.clusterName, String.valueOf(i)));
                c.ports.forEach(p -> args.add(String.valueOf(p)));
                c.members.add(ServerProcess.start("hazelcast member " + (i + 1), classpath, jvmArgs,
                        HazelcastClusterMember.class.getName(), args, dir.resolve("logs").resolve("hazelcast-" + (i + 1) + ".log")));
            }
            for (ServerProcess m : c.members) {
                m.awaitLine(HazelcastClusterMember.READY, 180);
            }
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public String contestant() {
        return ClusterFamily.HAZELCAST;
    }

    /** The cluster's name. */
    @Override
    public String clientOptions() {
        return clusterName;
    }

    @Override
    public List<String> addresses() {
        return ports.stream().map(p -> "127.0.0.1:" + p).toList();
    }

    @Override
    public List<Long> pids() {
        return members.stream().map(ServerProcess::pid).toList();
    }

    @Override
    public void checkAlive() throws IOException {
        for (ServerProcess m : members) {
            m.checkAlive();
        }
    }

    @Override
    public void close() {
        members.forEach(ServerProcess::close);
    }
}

package io.khora.bench.cluster;

import io.khora.SpaceState;
import io.khora.cluster.client.StatusClient;
import io.khora.cluster.protocol.NodeStatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Three Khora server nodes on 127.0.0.1, each a child JVM running {@code io.khora.server.Khora node}
 * (khora-server's main, as {@code bin/khora node} runs it) with the node defaults (fsync off,
 * failure detection 3 s, heartbeat 500 ms) and the space {@value #SPACE} of {@value #PARTITIONS}
 * partitions × 3 replicas (min-seeders 2), secured or not ({@link KhoraSecurity}: the two Khora
 * contestants differ only in that). Ready once every node answers a status request and every
 * replica is READY with the leader its peers agree on.
 */
final class KhoraCluster implements NodeCluster {
    /** The space the benchmark uses. */
    static final String SPACE = "bench";
    /** Partitions of the space. */
    static final int PARTITIONS = 4;
    private static final int NODES = 3;
    /** Ports per node: client port, then the raft ports from +2 (membership, 2 per partition, failure detection). */
    private static final int BLOCK = 16;

    private final List<ServerProcess> nodes = new ArrayList<>();
    private final List<InetSocketAddress> clientAddresses = new ArrayList<>();
    private final KhoraSecurity security;
    private final Path data;

    private KhoraCluster(KhoraSecurity security, Path data) {
        this.security = security;
        this.data = data;
    }

    /**
     * Starts the nodes (JVM options {@code jvmArgs}) with data, logs and (with {@code tls}) a security directory of their own under
     * {@code dir}; returns once the space is READY.
     *
     * @param tls true: secured as a user runs by default ({@link KhoraSecurity#secured}); false: {@code --security none}
     */
    static KhoraCluster start(String classpath, List<String> jvmArgs, Path dir, boolean tls) throws IOException, InterruptedException {
        String contestant = tls ? ClusterFamily.KHORA_TLS : ClusterFamily.KHORA_PLAIN;
        Path logs = dir.resolve("logs");
        KhoraSecurity security = tls ? KhoraSecurity.secured(classpath, dir.resolve(contestant + "-certs"), nodeIds(),
                logs.resolve(contestant + "-certs.log")) : KhoraSecurity.none();
        KhoraCluster c = new KhoraCluster(security, dir.resolve(contestant + "-data"));
        try {
            int base = Ports.freeBlock(NODES * BLOCK);
            List<String> specs = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                int client = base + i * BLOCK;
                specs.add("n" + (i + 1) + "@127.0.0.1:" + client + ":" + (client + 2));
                c.clientAddresses.add(new InetSocketAddress("127.0.0.1", client));
            }
            for (int i = 0; i < NODES; i++) {
                String id = "n" + (i + 1);
                List<String> args = new ArrayList<>(List.of("node", "--id", id, "--nodes", String.join(",", specs), "--space",
                        SPACE + ":" + PARTITIONS + ":3:2", "--data", c.data.resolve(id).toString()));
                args.addAll(security.nodeFlags());
                c.nodes.add(ServerProcess.start(contestant + " node " + id, classpath, jvmArgs, "io.khora.server.Khora", args,
                        logs.resolve(contestant + "-" + id + ".log")));
            }
            for (ServerProcess n : c.nodes) {
                n.awaitLine("serving clients on", 120);
            }
            c.awaitReady(Duration.ofSeconds(120));
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static List<String> nodeIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            ids.add("n" + i);
        }
        return ids;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (leaders().size() < PARTITIONS || !allReady()) {
            checkAlive();
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the Khora nodes did not become READY within " + timeout + "; leaders " + leaders());
            }
            Thread.sleep(200);
        }
    }

    private boolean allReady() {
        List<StatusClient.Answer> answers = StatusClient.ask(clientAddresses, Duration.ofSeconds(2), security.clientSecurity());
        for (StatusClient.Answer a : answers) {
            if (a.status() == null) {
                return false;
            }
            for (NodeStatus.ReplicaStatus r : a.status().replicas()) {
                if (r.space().equals(SPACE) && (r.state() != SpaceState.READY || r.leader() == null)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Partition → leader node id, as the leaders themselves report. */
    Map<Integer, String> leaders() {
        Map<Integer, String> out = new TreeMap<>();
        for (StatusClient.Answer a : StatusClient.ask(clientAddresses, Duration.ofSeconds(2), security.clientSecurity())) {
            if (a.status() == null) {
                continue;
            }
            for (NodeStatus.ReplicaStatus r : a.status().replicas()) {
                if (r.space().equals(SPACE) && a.status().nodeId().equals(r.leader()) && r.state() == SpaceState.READY) {
                    out.put(r.partition(), a.status().nodeId());
                }
            }
        }
        return out;
    }

    /** How many partitions each node leads, e.g. "n1 2, n2 1, n3 1". */
    String leaderSpread() {
        Map<String, Long> per = new TreeMap<>(leaders().values().stream().collect(Collectors.groupingBy(s -> s, Collectors.counting())));
        for (int i = 1; i <= NODES; i++) {
            per.putIfAbsent("n" + i, 0L);
        }
        return per.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    @Override
    public String contestant() {
        return security.contestant();
    }

    /** The {@code khora://} URI options of {@link KhoraSecurity#uriOptions()}. */
    @Override
    public String clientOptions() {
        return security.uriOptions();
    }

    @Override
    public List<String> addresses() {
        return clientAddresses.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList();
    }

    @Override
    public List<Long> pids() {
        return nodes.stream().map(ServerProcess::pid).toList();
    }

    @Override
    public void checkAlive() throws IOException {
        for (ServerProcess n : nodes) {
            n.checkAlive();
        }
    }

    /** Stops the nodes, then deletes their data and the security directory. */
    @Override
    public void close() {
        nodes.forEach(ServerProcess::close);
        for (Path p : security.tls() ? List.of(data, security.dir()) : List.of(data)) {
            try {
                deleteTree(p);
            } catch (IOException e) {
                System.out.println("[cluster] could not delete " + p + ": " + e);
            }
        }
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}

package io.khora.cluster.server;

import io.khora.cluster.server.security.TestSecurity;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Server nodes in this JVM on 127.0.0.1, for tests: free port blocks, short failure detection, a
 * data directory per test under target/; nodes can be stopped and started again on the same data.
 * Security is on, as a node's default: a throwaway CA, node certificates and users per cluster
 * ({@link TestCertificates}) for the client port and for mutual TLS between the nodes; {@link #uri}
 * connects as {@code admin}.
 */
public final class LocalCluster implements AutoCloseable {
    /** Seeded per JVM: engineers' test JVMs run at once on one machine, and a fixed seed gave them all the same ports. */
    private static final Random PORTS = new Random();
    /** Ports handed out in this JVM (a block is checked free when chosen, before its nodes bind it). */
    private static final java.util.Set<Integer> USED_PORTS = new java.util.HashSet<>();

    final ClusterSpec spec;
    final Path dataRoot;
    final Map<String, KhoraNode> running = new LinkedHashMap<>();
    private final TestCertificates certificates;
    private java.util.function.UnaryOperator<NodeConfig.Builder> settings = b -> b;

    private LocalCluster(ClusterSpec spec, Path dataRoot, TestCertificates certificates) {
        this.spec = spec;
        this.dataRoot = dataRoot;
        this.certificates = certificates;
    }

    /** A spec of {@code nodes} nodes on loopback with one space; nothing started. */
    public static LocalCluster configure(String name, int nodes, String space, int partitions, int replicas, int minSeeders) throws IOException {
        return configure(name, nodes, List.of(new ClusterSpec.SpaceSpec(space, partitions, replicas, minSeeders)));
    }

    /** A spec of {@code nodes} nodes on loopback with {@code spaces}; nothing started. */
    public static LocalCluster configure(String name, int nodes, List<ClusterSpec.SpaceSpec> spaces) throws IOException {
        int width = 4 + 2 * spaces.stream().mapToInt(ClusterSpec.SpaceSpec::partitions).sum();
        ClusterSpec.Builder b = ClusterSpec.builder();
        synchronized (PORTS) {
            for (int i = 1; i <= nodes; i++) {
                int base = freeBlock(width);
                b.node("n" + i, "127.0.0.1", base, base + 2);
            }
        }
        for (ClusterSpec.SpaceSpec s : spaces) {
            b.space(s.name(), s.partitions(), s.replicas(), s.minSeeders(), s.writeBehind());
        }
        Path root = Path.of("target", "cluster-tests", name + "-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(root);
        ClusterSpec spec = b.build();
        try {
            return new LocalCluster(spec, root, TestCertificates.create(root.resolve("certs"), spec.nodes().stream().map(ClusterSpec.NodeSpec::id).toList()));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot make the test certificates", e);
        }
    }

    private static int freeBlock(int width) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int base = 10_000 + PORTS.nextInt(9_000); // below the ephemeral range (32768+), which outgoing connections use, and TestGroup's 20000+
            boolean free = true;
            for (int p = base; p < base + width && free; p++) {
                free = !USED_PORTS.contains(p) && isFree(p);
            }
            if (free) {
                for (int p = base; p < base + width; p++) {
                    USED_PORTS.add(p);
                }
                return base;
            }
        }
        throw new IllegalStateException("no free port block on loopback");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Applies {@code s} to every node's configuration from now on (call before starting nodes). */
    public LocalCluster withNodeSettings(java.util.function.UnaryOperator<NodeConfig.Builder> s) {
        this.settings = s;
        return this;
    }

    NodeConfig config(String id) {
        return settings.apply(NodeConfig.builder(spec, id)
                .securityDirectory(certificates.dir())
                .dataDirectory(dataRoot.resolve(id))
                .operationTimeout(Duration.ofSeconds(3))
                .failureDetection(Duration.ofMillis(1500), Duration.ofMillis(300))
                .allReplicasTimeout(Duration.ofSeconds(1))
                .tls(TestSecurity.files(id)))
                .build();
    }

    public KhoraNode start(String id) throws Exception {
        KhoraNode n = KhoraNode.start(config(id));
        synchronized (running) {
            running.put(id, n);
        }
        return n;
    }

    /** Starts every node concurrently (as a cluster would be launched) and waits until all see their spaces READY. */
    public LocalCluster startAll(Duration timeout) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(spec.nodes().size());
        try {
            List<Future<KhoraNode>> fs = new ArrayList<>();
            for (ClusterSpec.NodeSpec n : spec.nodes()) {
                fs.add(pool.submit(() -> start(n.id())));
            }
            for (Future<KhoraNode> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        awaitReady(timeout);
        return this;
    }

    /**
     * Waits until every partition of {@code space} is led by its preferred leader, so the nodes'
     * {@link LeaderBalancer} moves no leader afterwards (while no node fails): for tests that need
     * the leader to stay where it is.
     */
    public LocalCluster awaitBalanced(String space, Duration timeout) throws InterruptedException {
        Placement placement = new Placement(spec);
        int partitions = spec.space(space).orElseThrow().partitions();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> off = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                String preferred = placement.replicas(space, p).get(0);
                String leader = leaderOf(space, p);
                if (!preferred.equals(leader)) {
                    off.add("partition " + p + " led by " + leader + ", preferred " + preferred);
                }
            }
            if (off.isEmpty()) {
                return this;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("space " + space + " not balanced within " + timeout + ": " + off);
            }
            Thread.sleep(100);
        }
    }

    public void awaitReady(Duration timeout) throws InterruptedException {
        for (KhoraNode n : List.copyOf(running.values())) {
            if (!n.awaitReady(timeout)) {
                throw new AssertionError("node " + n.id() + " not READY within " + timeout + ": " + n.status());
            }
        }
    }

    public void stop(String id) {
        KhoraNode n;
        synchronized (running) {
            n = running.remove(id);
        }
        if (n != null) {
            n.close();
        }
    }

    /** The node leading {@code partition} of {@code space}, as the running nodes report it. */
    public String leaderOf(String space, int partition) {
        for (KhoraNode n : running.values()) {
            HostedSpace s = n.hostedSpace(space);
            if (s != null && s.replica(partition) != null && s.replica(partition).isLeader()) {
                return n.id();
            }
        }
        return null;
    }

    /** The replica leading {@code partition} of {@code space} among the running nodes, or null. */
    public io.khora.cluster.replica.ReplicatedPartition leaderReplica(String space, int partition) {
        for (KhoraNode n : running.values()) {
            HostedSpace s = n.hostedSpace(space);
            if (s != null && s.replica(partition) != null && s.replica(partition).isLeader()) {
                return s.replica(partition);
            }
        }
        return null;
    }

    /** The client URI of the running nodes, as user {@code admin}. */
    public String uri(String space) {
        return nodes() + "/" + space + "?timeout=20s&attempt-timeout=3s&connect-timeout=1s" + security("admin");
    }

    /** The URI options ({@code &tls-ca=…&user=…&password-file=…}) of a client connecting as {@code user}. */
    public String security(String user) {
        return "&tls-ca=" + certificates.ca() + "&user=" + user + "&password-file=" + certificates.passwordFile(user);
    }

    /** The cluster's CA, certificates and users. */
    public TestCertificates certificates() {
        return certificates;
    }

    /** A TLS socket to node {@code n}'s client port presenting certificate {@code name} (a node id: every role after AUTH EXTERNAL). */
    public java.net.Socket rawSocket(ClusterSpec.NodeSpec n, String name) throws Exception {
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) certificates.sslContext(name).getSocketFactory().createSocket(n.host(), n.clientPort());
        s.startHandshake();
        return s;
    }

    /** {@code khora://host:port,…} of every node, without a space. */
    String nodes() {
        return "khora://" + spec.nodes().stream().map(n -> n.host() + ":" + n.clientPort()).collect(Collectors.joining(","));
    }

    /** Polls {@code condition} every few milliseconds until it holds or {@code timeout} passes (then fails with {@code what}). */
    public static void await(Duration timeout, java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        for (String id : List.copyOf(running.keySet())) {
            stop(id);
        }
    }
}

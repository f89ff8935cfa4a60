package io.khora.server;

import io.khora.cluster.client.StatusClient;
import io.khora.cluster.protocol.NodeStatus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Khora server nodes as real child JVMs on 127.0.0.1, for the multi-process tests: each node is
 * {@code java … io.khora.server.Khora node --id … --nodes … --space …} on the test JVM's class
 * path, its output in a file under {@code target/process-cluster/}. Nodes can be killed (SIGKILL),
 * paused (SIGSTOP), resumed (SIGCONT) and started again on the same data directory. Other child
 * processes on the same class path ({@code khora mirror}) are started with {@link #startMirror} and
 * killed like nodes.
 *
 * <p>Security is on unless {@link #withoutSecurity()} is called before the first start: the cluster
 * gets its own security directory, {@code <root>/certs}, made by {@code khora certs} (the cluster CA,
 * a certificate per node, a client certificate {@code mirror}, {@code users.yaml} with the generated
 * {@code admin} password in {@code admin.password}), and every node runs with {@code --security-dir}
 * it; without it, {@code --security none}.
 */
final class ProcessCluster implements AutoCloseable {
    /** Port blocks: client port at the base, raft ports from base + 2 (membership 2, groups 2 each, +1 failure-detection port). */
    private static final int BLOCK = 16;
    /** Seeded per JVM: test JVMs of other worktrees on the same machine must not try the same blocks in the same order. */
    private static final Random PORTS = new Random(ProcessHandle.current().pid() * 0x9E37_79B9L ^ System.nanoTime());

    record Node(String id, int clientPort, int raftPort) {
        InetSocketAddress client() {
            return new InetSocketAddress("127.0.0.1", clientPort);
        }

        String address() {
            return "127.0.0.1:" + clientPort;
        }
    }

    final String name;
    final String space;
    final int partitions;
    final int replicas;
    final Path root;
    final List<Node> nodes = new ArrayList<>();
    private final String spaceFlag;
    /** Flags every node is started with beside the cluster's own ({@code --max-frame-size 1MiB}, say). */
    private final List<String> nodeFlags = new ArrayList<>();
    /** Flags one node is started with, after {@link #nodeFlags} ({@code --metrics-port 9401}, say). */
    private final Map<String, List<String>> flagsOf = new LinkedHashMap<>();
    private final Map<String, Process> running = new LinkedHashMap<>();
    private final Map<String, Integer> starts = new LinkedHashMap<>();
    /** Ids of the child processes that are not nodes (mirrors), in the order first started. */
    private final List<String> others = new ArrayList<>();
    private final Thread reaper;
    private volatile boolean passed;
    /** The security directory every node starts with, or null for {@code --security none}. */
    private Path securityDir;

    private ProcessCluster(String name, String space, int partitions, int replicas, int minSeeders, int nodeCount, boolean writeBehind)
            throws IOException {
        this.name = name;
        this.space = space;
        this.partitions = partitions;
        this.replicas = replicas;
        this.spaceFlag = space + ":" + partitions + ":" + replicas + ":" + minSeeders + (writeBehind ? ":write-behind" : "");
        this.root = Path.of("target", "process-cluster", name + "-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(root);
        synchronized (PORTS) {
            List<Integer> taken = new ArrayList<>();
            for (int i = 1; i <= nodeCount; i++) {
                int base = freeBlock(taken);
                taken.add(base);
                nodes.add(new Node("n" + i, base, base + 2));
            }
        }
        this.securityDir = root.resolve("certs");
        writeSecurityDirectory(securityDir, nodes.stream().map(Node::id).toList());
        // children must not outlive the test JVM, whatever ends it
        this.reaper = new Thread(this::destroyAll, "process-cluster-reaper-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** A cluster of {@code nodeCount} nodes with one space; nothing started. */
    static ProcessCluster configure(String name, int nodeCount, String space, int partitions, int replicas, int minSeeders)
            throws IOException {
        return new ProcessCluster(name, space, partitions, replicas, minSeeders, nodeCount, false);
    }

    /** Like {@link #configure(String, int, String, int, int, int)}; {@code writeBehind}: the space has write-behind (a replicated outbox). */
    static ProcessCluster configure(String name, int nodeCount, String space, int partitions, int replicas, int minSeeders,
                                    boolean writeBehind) throws IOException {
        return new ProcessCluster(name, space, partitions, replicas, minSeeders, nodeCount, writeBehind);
    }

    /**
     * Starts every node with {@code flags} too (after the cluster's own, e.g. {@code --max-frame-size 1MiB});
     * call before the nodes start. Returns this cluster.
     */
    synchronized ProcessCluster withNodeFlags(List<String> flags) {
        if (!starts.isEmpty()) {
            throw new IllegalStateException("node flags must be given before a node starts");
        }
        nodeFlags.addAll(flags);
        return this;
    }

    /** Starts node {@code id} with {@code flags} too, after every node's; call before it starts. Returns this cluster. */
    synchronized ProcessCluster withNodeFlags(String id, List<String> flags) {
        node(id);
        flagsOf.computeIfAbsent(id, k -> new ArrayList<>()).addAll(flags);
        return this;
    }

    private static int freeBlock(List<Integer> taken) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            // below the ephemeral range (32768+, where outgoing connections could take a port between this check and the
            // node's bind) and apart from the in-JVM tests' ranges (LocalCluster 10000+, TestGroup 20000+)
            int base = 4_000 + PORTS.nextInt(5_500);
            boolean free = taken.stream().noneMatch(t -> Math.abs(t - base) < BLOCK);
            for (int p = base; p < base + BLOCK && free; p++) {
                free = isFree(p);
            }
            if (free) {
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

    /** Makes {@code dir} with {@code khora certs}: the cluster CA, the nodes' certificates, a client certificate "mirror", users.yaml. */
    private static void writeSecurityDirectory(Path dir, List<String> nodeIds) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            int code = CertsCommand.run(Map.of("dir", dir.toString(), "nodes", String.join(",", nodeIds), "client-certs", "mirror"),
                    new PrintStream(out, true, StandardCharsets.UTF_8), java.time.Clock.systemUTC());
            if (code != 0) {
                throw new IllegalStateException("khora certs exited with " + code + ": " + out.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("khora certs failed: " + e.getMessage(), e);
        }
    }

    /** Nodes started from now on run with {@code --security none} (plain TCP between nodes, no authentication). */
    synchronized ProcessCluster withoutSecurity() {
        this.securityDir = null;
        return this;
    }

    /** The security directory the nodes run with ({@code ca.pem}, {@code admin.password}, {@code mirror.pem}, …), or empty without security. */
    java.util.Optional<Path> securityDir() {
        return java.util.Optional.ofNullable(securityDir);
    }

    Node node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    private String nodesFlag() {
        return nodes.stream().map(n -> n.id() + "@127.0.0.1:" + n.clientPort() + ":" + n.raftPort()).collect(Collectors.joining(","));
    }

    /** The test JVM's class path (surefire: the real one, not its manifest-only booter jar). */
    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        return cp;
    }

    Path log(String id) {
        return root.resolve(id + ".log");
    }

    /** Starts node {@code id} (again, on the same data directory, if it ran before). */
    synchronized void start(String id) throws IOException {
        if (running.containsKey(id)) {
            throw new IllegalStateException("node " + id + " is running");
        }
        Node n = node(id);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin,
                "-Djava.net.preferIPv4Stack=true",
                // the heap touched at start (AlwaysPreTouch): on this machine a young GC that first touches survivor and old
                // pages took 0.3-2.7 s of wall time for < 0.1 s of CPU, longer than failure detection (a leader deposed by
                // its own GC); pre-touched, every pause took 10-110 ms. Each node's GC log: <id>-gc-<pid>.log
                "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-Dorg.slf4j.simpleLogger.showThreadName=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.io.khora=info",
                "-Dorg.slf4j.simpleLogger.log.org.jgroups.protocols.pbcast.GMS=" + System.getProperty("gmsLog", "warn"),
                "-Dorg.slf4j.simpleLogger.log.org.jgroups.protocols.MERGE3=" + System.getProperty("gmsLog", "warn"),
                "-Xlog:gc,gc+cpu:file=" + root.resolve(id + "-gc-%p.log") + ":time,uptime",
                "-cp", classPath(),
                "io.khora.server.Khora", "node",
                "--id", id,
                "--nodes", nodesFlag(),
                "--space", spaceFlag,
                "--data", root.resolve(id).toString(),
                "--failure-detection-timeout", "1500ms",
                "--heartbeat-interval", "300ms",
                "--operation-timeout", "3s"));
        if (securityDir == null) {
            cmd.addAll(List.of("--security", "none"));
        } else {
            cmd.addAll(List.of("--security-dir", securityDir.toString()));
        }
        cmd.addAll(nodeFlags);
        cmd.addAll(flagsOf.getOrDefault(id, List.of()));
        int k = starts.merge(id, 1, Integer::sum);
        Files.writeString(log(id), "=== " + LocalTime.now() + " start #" + k + " of " + id + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile()))
                .start();
        running.put(id, p);
        trace("started " + id + " (pid " + p.pid() + ", client port " + n.clientPort() + ", raft port " + n.raftPort() + ")");
    }

    void startAll() throws IOException {
        for (Node n : nodes) {
            start(n.id());
        }
    }

    /**
     * Starts {@code khora mirror <args>} as child process {@code id} (again, if it ran before: its
     * output is appended to the same log), on the test's class path, its output in {@link #log}.
     */
    synchronized void startMirror(String id, List<String> args) throws IOException {
        List<String> main = new ArrayList<>(List.of("-Dorg.jboss.logging.provider=slf4j", "io.khora.server.Khora", "mirror"));
        main.addAll(args);
        spawn(id, main, "khora mirror " + String.join(" ", args));
    }

    /**
     * Starts {@code mainClass args} (a client of the cluster, e.g.) as child process {@code id} on the
     * test's class path, its output in {@link #log}; killed like a node, reaped with the cluster.
     */
    synchronized void startClient(String id, String mainClass, List<String> args) throws IOException {
        List<String> main = new ArrayList<>(List.of(mainClass));
        main.addAll(args);
        spawn(id, main, mainClass + " " + String.join(" ", args));
    }

    /** Starts a child JVM that is not a node: {@code main} is its main class with its arguments, after any -D options. */
    private void spawn(String id, List<String> main, String what) throws IOException {
        if (running.containsKey(id)) {
            throw new IllegalStateException("process " + id + " is running");
        }
        if (nodes.stream().anyMatch(n -> n.id().equals(id))) {
            throw new IllegalArgumentException(id + " is a node id");
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin,
                "-Djava.net.preferIPv4Stack=true",
                "-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-Dorg.slf4j.simpleLogger.showThreadName=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.io.khora=info",
                "-cp", classPath()));
        cmd.addAll(main);
        int k = starts.merge(id, 1, Integer::sum);
        if (!others.contains(id)) {
            others.add(id);
        }
        Files.writeString(log(id), "=== " + LocalTime.now() + " start #" + k + " of " + id + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile()))
                .start();
        running.put(id, p);
        trace("started " + id + " (pid " + p.pid() + "): " + what);
    }

    synchronized long pid(String id) {
        Process p = running.get(id);
        if (p == null) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        return p.pid();
    }

    /** SIGKILL: the node dies at once, nothing flushed, no shutdown hook (Process.destroyForcibly is SIGKILL on Linux). */
    void kill(String id) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = running.remove(id);
        }
        if (p == null) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        p.destroyForcibly();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + id + " (pid " + p.pid() + ") did not die on SIGKILL");
        }
        trace("killed " + id + " (pid " + p.pid() + ", exit " + p.exitValue() + ")");
    }

    /**
     * Waits up to {@code timeout} for child process {@code id} to end by itself; returns its exit code
     * (from then on it is not running, and can be started again).
     */
    int awaitExit(String id, Duration timeout) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = running.get(id);
        }
        if (p == null) {
            throw new IllegalStateException("process " + id + " is not running");
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(id + " (pid " + p.pid() + ") did not end within " + timeout + "\n" + tail(log(id), 40));
        }
        synchronized (this) {
            running.remove(id, p);
        }
        trace(id + " (pid " + p.pid() + ") ended with exit " + p.exitValue());
        return p.exitValue();
    }

    /**
     * SIGTERM: the node stops gracefully (its shutdown hook closes it); waits up to {@code timeout}
     * for it to exit, then SIGKILLs it. Returns how long it took to exit, or -1 if it had to be killed.
     */
    long terminate(String id, Duration timeout) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = running.remove(id);
        }
        if (p == null) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        long t0 = System.nanoTime();
        p.destroy(); // SIGTERM on Linux
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            trace("SIGTERM " + id + " (pid " + p.pid() + "): not ended within " + timeout + "; killed");
            return -1;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        trace("SIGTERM " + id + " (pid " + p.pid() + "): exit " + p.exitValue() + " after " + ms + " ms");
        return ms;
    }

    /** SIGSTOP: the node freezes, sockets stay open, nothing is answered (a node cut off the network, as its peers see it). */
    void pause(String id) throws IOException, InterruptedException {
        signal(id, "STOP");
    }

    /** SIGCONT: a paused node runs on, from where it stopped. */
    void resume(String id) throws IOException, InterruptedException {
        signal(id, "CONT");
    }

    private void signal(String id, String signal) throws IOException, InterruptedException {
        long pid = pid(id);
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + out);
        }
        trace("SIG" + signal + " " + id + " (pid " + pid + ")");
    }

    /** SIGQUIT to every running node: each prints a thread dump into its log (for a post-mortem of a run that went wrong). */
    void threadDumps() {
        for (String id : running()) {
            try {
                signal(id, "QUIT");
            } catch (IOException | RuntimeException e) {
                trace("no thread dump of " + id + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    synchronized boolean isRunning(String id) {
        Process p = running.get(id);
        return p != null && p.isAlive();
    }

    /** {@code khora://…/space?…} over {@code ids} (all nodes if none given). */
    String uri(String options, String... ids) {
        List<Node> of = ids.length == 0 ? nodes : java.util.Arrays.stream(ids).map(this::node).toList();
        return "khora://" + of.stream().map(Node::address).collect(Collectors.joining(",")) + "/" + space + "?" + securityOptions()
                + (options.isEmpty() ? "" : "&" + options);
    }

    /** The URI options a client of this cluster connects with: the cluster CA and the {@code admin} user, or {@code tls=off}. */
    String securityOptions() {
        Path dir = securityDir;
        return dir == null ? "tls=off"
                : "tls-ca=" + dir.resolve("ca.pem") + "&user=admin&password-file=" + dir.resolve("admin.password");
    }

    /** The client security of {@link #securityOptions()}. */
    io.khora.cluster.client.ClientSecurity clientSecurity() {
        Path dir = securityDir;
        io.khora.cluster.client.ClientSecurity s = io.khora.cluster.client.ClientSecurity.defaults();
        return dir == null ? s.withoutTls() : s.withTls(dir.resolve("ca.pem")).withCredentials("admin", dir.resolve("admin.password"));
    }

    /** The flags {@code khora status} and {@code khora mirror} connect to this cluster with. */
    List<String> clientFlags() {
        Path dir = securityDir;
        return dir == null ? List.of("--tls", "off") : List.of("--security-dir", dir.toString());
    }

    /** Every node's answer to a status request. */
    List<StatusClient.Answer> status() {
        return StatusClient.ask(nodes.stream().map(Node::client).toList(), Duration.ofSeconds(2), clientSecurity());
    }

    /** What {@code khora status --nodes …} prints for this cluster (and its exit code in the first line). */
    String statusReport() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("status"));
        args.addAll(clientFlags());
        args.addAll(List.of("--nodes", nodes.stream().map(Node::address).collect(Collectors.joining(","))));
        int code = Khora.run(args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return "khora status exit " + code + "\n" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    /** The node that the replicas of {@code partition} that answer agree leads it (its own replica says it leads), or null. */
    String leaderOf(int partition) {
        for (StatusClient.Answer a : status()) {
            if (a.status() == null) {
                continue;
            }
            for (NodeStatus.ReplicaStatus r : a.status().replicas()) {
                if (r.space().equals(space) && r.partition() == partition && a.status().nodeId().equals(r.leader())
                        && r.state() == io.khora.SpaceState.READY) {
                    return a.status().nodeId();
                }
            }
        }
        return null;
    }

    /** Partition → leader node id, as the leaders themselves report. */
    Map<Integer, String> leaders() {
        Map<Integer, String> out = new TreeMap<>();
        for (StatusClient.Answer a : status()) {
            if (a.status() == null) {
                continue;
            }
            for (NodeStatus.ReplicaStatus r : a.status().replicas()) {
                if (r.space().equals(space) && a.status().nodeId().equals(r.leader()) && r.state() == io.khora.SpaceState.READY) {
                    out.put(r.partition(), a.status().nodeId());
                }
            }
        }
        return out;
    }

    /** The term of each partition's leader, as the leader reports it (partitions with a READY leader only). */
    Map<Integer, Long> leaderTerms() {
        Map<Integer, Long> out = new TreeMap<>();
        for (StatusClient.Answer a : status()) {
            if (a.status() == null) {
                continue;
            }
            for (NodeStatus.ReplicaStatus r : a.status().replicas()) {
                if (r.space().equals(space) && a.status().nodeId().equals(r.leader()) && r.state() == io.khora.SpaceState.READY) {
                    out.put(r.partition(), r.term());
                }
            }
        }
        return out;
    }

    /** Waits until {@code test} holds for the answers of the nodes; fails with the last status report and the logs' tails. */
    void await(String what, Duration timeout, Predicate<List<StatusClient.Answer>> test) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (true) {
            List<StatusClient.Answer> answers = status();
            if (test.test(answers)) {
                trace(what + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("not " + what + " within " + timeout + ":\n" + StatusReport.format(answers) + details(answers) + "\n"
                        + tails());
            }
            Thread.sleep(200);
        }
    }

    /** Every replica's own report, one line each. */
    static String details(List<StatusClient.Answer> answers) {
        StringBuilder sb = new StringBuilder("REPLICAS\n");
        for (StatusClient.Answer a : answers) {
            if (a.status() == null) {
                continue;
            }
            for (NodeStatus.ReplicaStatus r : a.status().replicas()) {
                sb.append(String.format("  %s %s/%d %-8s leader %-4s term %d commit %d appended %d entries %d match %s%n", a.status().nodeId(),
                        r.space(), r.partition(), r.state(), r.leader(), r.term(), r.commitIndex(), r.lastAppended(), r.entries(),
                        r.followerMatch()));
            }
        }
        return sb.toString();
    }

    /** Every running node answers and, on each of them, every partition has a leader (the space serves everywhere). */
    void awaitReady(Duration timeout) throws InterruptedException {
        await("READY", timeout, answers -> ready(answers, running()));
    }

    /**
     * READY, and every partition's replicas on the running nodes agree: one leader, every running
     * follower's log matched to the leader's last index (lag 0), equal commit indexes and equal entry
     * counts on every replica — a restarted node has caught up.
     */
    void awaitConverged(Duration timeout) throws InterruptedException {
        await("converged (READY, lag 0, equal commit indexes and entry counts)", timeout, answers -> converged(answers, running()));
    }

    /** The running nodes (not other child processes). */
    synchronized List<String> running() {
        return running.keySet().stream().filter(id -> !others.contains(id)).filter(this::isRunning).toList();
    }

    boolean ready(List<StatusClient.Answer> answers, List<String> expected) {
        Map<String, NodeStatus> byNode = byNode(answers);
        if (!byNode.keySet().containsAll(expected)) {
            return false;
        }
        for (String id : expected) {
            NodeStatus s = byNode.get(id);
            int hosted = 0;
            for (NodeStatus.ReplicaStatus r : s.replicas()) {
                if (!r.space().equals(space)) {
                    continue;
                }
                hosted++;
                if (r.state() != io.khora.SpaceState.READY || r.leader() == null) {
                    return false;
                }
            }
            if (hosted == 0) {
                return false;
            }
        }
        return leadersAgree(byNode, expected);
    }

    private boolean leadersAgree(Map<String, NodeStatus> byNode, List<String> expected) {
        for (int p = 0; p < partitions; p++) {
            String leader = null;
            for (String id : expected) {
                for (NodeStatus.ReplicaStatus r : byNode.get(id).replicas()) {
                    if (r.space().equals(space) && r.partition() == p) {
                        if (leader != null && !leader.equals(r.leader())) {
                            return false;
                        }
                        leader = r.leader();
                    }
                }
            }
            if (leader == null || !expected.contains(leader)) {
                return false;
            }
        }
        return true;
    }

    boolean converged(List<StatusClient.Answer> answers, List<String> expected) {
        if (!ready(answers, expected)) {
            return false;
        }
        Map<String, NodeStatus> byNode = byNode(answers);
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            List<NodeStatus.ReplicaStatus> rs = new ArrayList<>();
            for (String id : expected) {
                for (NodeStatus.ReplicaStatus r : byNode.get(id).replicas()) {
                    if (r.space().equals(space) && r.partition() == p) {
                        rs.add(r);
                    }
                }
            }
            if (rs.isEmpty()) {
                return false;
            }
            NodeStatus.ReplicaStatus leader = null;
            for (String id : expected) {
                for (NodeStatus.ReplicaStatus r : byNode.get(id).replicas()) {
                    if (r.space().equals(space) && r.partition() == p && id.equals(r.leader())) {
                        leader = r;
                    }
                }
            }
            if (leader == null) {
                return false;
            }
            for (String id : expected) { // every running follower: lag 0
                boolean hosts = byNode.get(id).replicas().stream().anyMatch(r -> r.space().equals(space) && r.partition() == partition);
                Long match = leader.followerMatch().get(id);
                if (hosts && !id.equals(leader.leader()) && (match == null || match != leader.lastAppended())) {
                    return false;
                }
            }
            for (NodeStatus.ReplicaStatus r : rs) {
                if (r.commitIndex() != leader.commitIndex() || r.lastAppended() != leader.lastAppended() || r.entries() != leader.entries()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Map<String, NodeStatus> byNode(List<StatusClient.Answer> answers) {
        Map<String, NodeStatus> out = new TreeMap<>();
        for (StatusClient.Answer a : answers) {
            if (a.status() != null) {
                out.put(a.status().nodeId(), a.status());
            }
        }
        return out;
    }

    /**
     * The partitions that have no leader: none of their replicas that answered claims to lead while
     * READY and is named leader by a majority of the partition's replicas (itself included).
     */
    Set<Integer> partitionsWithoutLeader(List<StatusClient.Answer> answers) {
        Map<String, NodeStatus> byNode = byNode(answers);
        Set<Integer> out = new TreeSet<>();
        for (int p = 0; p < partitions; p++) {
            Map<String, Integer> votes = new TreeMap<>();
            Set<String> claimants = new TreeSet<>();
            for (NodeStatus s : byNode.values()) {
                for (NodeStatus.ReplicaStatus r : s.replicas()) {
                    if (!r.space().equals(space) || r.partition() != p || r.leader() == null) {
                        continue;
                    }
                    votes.merge(r.leader(), 1, Integer::sum);
                    if (r.leader().equals(s.nodeId()) && r.state() == io.khora.SpaceState.READY) {
                        claimants.add(s.nodeId());
                    }
                }
            }
            int partition = p;
            if (claimants.stream().noneMatch(c -> votes.getOrDefault(c, 0) > replicas / 2)) {
                out.add(partition);
            }
        }
        return out;
    }

    /**
     * Node {@code id} has caught up while the load goes on: on every partition it hosts, its commit
     * index has reached {@code targets} (the leaders' commit indexes when it came back) and the
     * leader's match index for it lags the leader's last entry by at most {@code maxLag}.
     */
    boolean caughtUp(List<StatusClient.Answer> answers, String id, Map<Integer, Long> targets, long maxLag) {
        Map<String, NodeStatus> byNode = byNode(answers);
        NodeStatus mine = byNode.get(id);
        if (mine == null) {
            return false;
        }
        for (NodeStatus.ReplicaStatus r : mine.replicas()) {
            if (!r.space().equals(space)) {
                continue;
            }
            if (r.commitIndex() < targets.getOrDefault(r.partition(), 0L)) { // a partition without a leader then: only the lag counts
                return false;
            }
            NodeStatus.ReplicaStatus leader = leaderReplica(byNode, r.partition());
            if (leader == null) {
                return false;
            }
            if (!leader.leader().equals(id)) {
                Long match = leader.followerMatch().get(id);
                if (match == null || leader.lastAppended() - match > maxLag) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Partition → the commit index its leader reports now (partitions without an answering leader left out). */
    Map<Integer, Long> leaderCommitIndexes(List<StatusClient.Answer> answers) {
        Map<String, NodeStatus> byNode = byNode(answers);
        Map<Integer, Long> out = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            NodeStatus.ReplicaStatus l = leaderReplica(byNode, p);
            if (l != null) {
                out.put(p, l.commitIndex());
            }
        }
        return out;
    }

    private NodeStatus.ReplicaStatus leaderReplica(Map<String, NodeStatus> byNode, int partition) {
        for (NodeStatus s : byNode.values()) {
            for (NodeStatus.ReplicaStatus r : s.replicas()) {
                if (r.space().equals(space) && r.partition() == partition && s.nodeId().equals(r.leader())
                        && r.state() == io.khora.SpaceState.READY) {
                    return r;
                }
            }
        }
        return null;
    }

    /** The live entries each partition's leader reports (sum = the space's size). */
    long leaderEntries(List<StatusClient.Answer> answers) {
        long sum = 0;
        for (StatusClient.Answer a : answers) {
            if (a.status() == null) {
                continue;
            }
            for (NodeStatus.ReplicaStatus r : a.status().replicas()) {
                if (r.space().equals(space) && a.status().nodeId().equals(r.leader())) {
                    sum += r.entries();
                }
            }
        }
        return sum;
    }

    /** The last lines of every node's and other child process's output. */
    String tails() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append("----- ").append(log(n.id())).append(" (last 60 lines)\n").append(tail(log(n.id()), 60));
        }
        List<String> more;
        synchronized (this) {
            more = List.copyOf(others);
        }
        for (String id : more) {
            sb.append("----- ").append(log(id)).append(" (last 60 lines)\n").append(tail(log(id), 60));
        }
        return sb.toString();
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no output)\n";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - 16_384);
            byte[] b = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(b);
            String[] all = new String(b, StandardCharsets.UTF_8).split("\n");
            StringBuilder sb = new StringBuilder();
            for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
                sb.append(all[i]).append('\n');
            }
            return sb.toString();
        } catch (IOException e) {
            return "(cannot read: " + e + ")\n";
        }
    }

    static void trace(String msg) {
        System.out.println(LocalTime.now() + " [cluster] " + msg);
    }

    private void destroyAll() {
        List<Process> ps;
        synchronized (this) {
            ps = new ArrayList<>(running.values());
            running.clear();
        }
        for (Process p : ps) {
            p.destroyForcibly(); // SIGKILL also ends a stopped process
        }
        for (Process p : ps) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Marks the test passed: its data directories and logs are deleted on close (a failed test's stay
     * for a post-mortem; {@code -Dchaos.keepLogs=true} keeps a passed one's too, for measurements).
     */
    void passed() {
        passed = true;
    }

    @Override
    public void close() {
        destroyAll();
        if (passed && !Boolean.getBoolean("chaos.keepLogs")) {
            try (var paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                trace("could not delete " + root + ": " + e);
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}

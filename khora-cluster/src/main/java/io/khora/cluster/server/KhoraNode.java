package io.khora.cluster.server;

import io.khora.SpaceState;
import io.khora.cluster.replica.ReplicatedPartition;
import io.khora.cluster.protocol.NodeStatus;
import io.khora.cluster.protocol.SpaceLayout;
import io.khora.internal.lifecycle.DaemonThreads;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A Khora server node: hosts the replicas the placement gives it, joins the membership channel,
 * starts a space's replicas once the space has its minimum number of seeders, and serves clients.
 *
 * <pre>{@code
 * ClusterSpec spec = ClusterSpec.builder()
 *         .node("n1", "127.0.0.1", 7701, 7801).node("n2", "127.0.0.1", 7702, 7901).node("n3", "127.0.0.1", 7703, 8001)
 *         .space("orders", 4, 3, 2)
 *         .build();
 * KhoraNode node = KhoraNode.start(NodeConfig.builder(spec, "n1").dataDirectory(Path.of("data/n1")).build());
 * }</pre>
 */
public final class KhoraNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KhoraNode.class);

    private final NodeConfig config;
    private final Placement placement;
    private final Map<String, HostedSpace> spaces = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService starter;
    private volatile Membership membership;
    private volatile NodeServer server;
    private volatile boolean closed;

    private KhoraNode(NodeConfig config) {
        this.config = config;
        this.placement = new Placement(config.spec());
        for (var s : config.spec().spaces()) {
            boolean[] hosted = new boolean[s.partitions()];
            for (int p = 0; p < s.partitions(); p++) {
                hosted[p] = placement.replicas(s.name(), p).contains(config.nodeId());
            }
            spaces.put(s.name(), new HostedSpace(s, hosted));
        }
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("khora-" + config.nodeId() + "-timer"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        this.starter = Executors.newFixedThreadPool(4, DaemonThreads.named("khora-" + config.nodeId() + "-start"));
    }

    /**
     * Starts a node: serves clients at once (spaces answer UNAVAILABLE while INITIAL), joins the
     * membership channel, and starts each space's replicas once min-seeders nodes are up.
     */
    public static KhoraNode start(NodeConfig config) throws Exception {
        KhoraNode node = new KhoraNode(config);
        try {
            ClusterSpec.NodeSpec self = config.self();
            io.khora.cluster.server.security.NodeSecurity.Loaded security = config.security().load();
            String warning = securityWarning(config);
            if (warning != null) {
                LOG.warn(warning);
            }
            Authenticator authenticator = Authenticator.of(config.nodeId(), config.security().enabled(),
                    config.spec().nodes().stream().map(ClusterSpec.NodeSpec::id).collect(java.util.stream.Collectors.toSet()), security.users());
            node.server = NodeServer.start(config.nodeId(), new InetSocketAddress(self.host(), self.clientPort()),
                    new NodeRequests(node, node.timer, authenticator), security.serverTls());
            node.membership = Membership.join(config, node::membershipChanged);
            node.membershipChanged();
            long every = config.leaderBalanceInterval().toMillis();
            if (every > 0) {
                node.timer.scheduleWithFixedDelay(new LeaderBalancer(config.nodeId(), node.spaces, node.placement,
                        () -> node.membership == null ? List.of() : node.membership.members(), System::nanoTime), every, every,
                        TimeUnit.MILLISECONDS);
            }
            long check = SPLIT_VIEW_CHECK_MILLIS;
            node.timer.scheduleWithFixedDelay(new SplitViewWatchdog(config.nodeId(),
                    () -> node.membership == null ? List.of() : node.membership.members(), node::watchedReplicas,
                    config.splitViewGrace(), System::nanoTime), check, check, TimeUnit.MILLISECONDS);
            node.timer.scheduleWithFixedDelay(new HealthWatch(config.nodeId(), node::healthSamples, LOG::warn, LOG::info),
                    HEALTH_CHECK_INTERVAL_MILLIS, HEALTH_CHECK_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** What a node logs as a WARN at start about its security, or null (security on). */
    static String securityWarning(NodeConfig config) {
        return config.security().enabled() ? null : "node " + config.nodeId() + " runs with security: none — plain TCP on client port "
                + config.self().clientPort() + ", no authentication: anyone who can reach it can read, write and clear every space"
                + " and acknowledge the write-behind outbox";
    }

    private synchronized void membershipChanged() {
        Membership m = membership;
        if (m == null || closed) {
            return;
        }
        int up = m.members().size();
        for (HostedSpace s : spaces.values()) {
            if (!s.isStarted() && up >= s.spec().minSeeders()) {
                s.markStarted();
                LOG.info("node {}: space '{}' has {} of min-seeders {} nodes up; starting its replicas", id(), s.spec().name(), up,
                        s.spec().minSeeders());
                startReplicas(s);
            }
        }
    }

    /**
     * Starts the space's replicas here. Leadership follows the JGroups coordinator of a group, its
     * first member, so the replicas this node should lead (it is first in their placement) start at
     * once, and the others wait {@link #LEADER_HEAD_START_MILLIS} when their preferred leader's node
     * is up, giving it time to found the group. This spreads leaders when nodes start together.
     */
    private void startReplicas(HostedSpace s) {
        String name = s.spec().name();
        List<String> up = membership == null ? List.of() : membership.members();
        for (int p = 0; p < s.spec().partitions(); p++) {
            if (!s.hosts(p)) {
                continue;
            }
            int partition = p;
            String preferred = placement.replicas(name, p).get(0);
            if (preferred.equals(id()) || !up.contains(preferred)) {
                starter.execute(() -> startReplica(s, partition, 1));
            } else {
                timer.schedule(() -> starter.execute(() -> startReplica(s, partition, 1)), LEADER_HEAD_START_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** How often a node looks for a replica whose group view stays split ({@link SplitViewWatchdog}). */
    static final long SPLIT_VIEW_CHECK_MILLIS = 500;

    /** The running replicas here, as {@link SplitViewWatchdog} sees them. */
    private List<SplitViewWatchdog.Watched> watchedReplicas() {
        List<SplitViewWatchdog.Watched> out = new ArrayList<>();
        for (HostedSpace s : spaces.values()) {
            for (int p = 0; p < s.spec().partitions(); p++) {
                ReplicatedPartition r = s.replica(p);
                if (r != null) {
                    out.add(watched(s, p, r));
                }
            }
        }
        return out;
    }

    private SplitViewWatchdog.Watched watched(HostedSpace s, int p, ReplicatedPartition r) {
        List<String> nodes = placement.replicas(s.spec().name(), p);
        return new SplitViewWatchdog.Watched() {
            @Override
            public String key() {
                return "space '" + s.spec().name() + "' partition " + p;
            }

            @Override
            public List<String> replicaNodes() {
                return nodes;
            }

            @Override
            public List<String> groupView() {
                return r.groupView();
            }

            @Override
            public boolean knowsLeader() {
                return r.leader().isPresent();
            }

            @Override
            public void rejoin() {
                rejoinReplica(s, p, r);
            }
        };
    }

    /**
     * Closes replica {@code r} of partition {@code p} and starts it again from its log, as a restart
     * of this node would (the group sees it leave and join). Requests meanwhile find no replica here.
     */
    private void rejoinReplica(HostedSpace s, int p, ReplicatedPartition r) {
        synchronized (this) { // close() marks the node closed under this lock before it shuts the starter down
            if (closed || !s.remove(p, r)) {
                return;
            }
            starter.execute(() -> {
                r.close();
                startReplica(s, p, 1);
            });
        }
    }

    /** How often a node checks its replicas for trouble to log ({@link HealthWatch}). */
    static final long HEALTH_CHECK_INTERVAL_MILLIS = 5_000;

    /** The replicas started here, as {@link HealthWatch} sees them. */
    private List<HealthWatch.Sample> healthSamples() {
        List<HealthWatch.Sample> out = new ArrayList<>();
        for (HostedSpace s : spaces.values()) {
            for (int p = 0; p < s.spec().partitions(); p++) {
                ReplicatedPartition r = s.replica(p);
                if (r != null) {
                    io.khora.cluster.raft.ReplicatedOutbox o = r.isLeader() ? r.outbox() : null;
                    out.add(new HealthWatch.Sample(s.spec().name(), p, r.state(), r.isLeader(), r.groupView().size(), s.spec().replicas(),
                            o == null ? 0 : o.size(), o == null ? 0 : o.capacity()));
                }
            }
        }
        return out;
    }

    /** How long a replica waits for its partition's preferred leader to found the group first. */
    static final long LEADER_HEAD_START_MILLIS = 1_000;

    /** Starts one replica; a failure (a port still held by a previous process, say) is logged and retried every 2 s. */
    private void startReplica(HostedSpace s, int p, int attempt) {
        if (closed) {
            return;
        }
        String name = s.spec().name();
        try {
            ClusterSpec.WriteBehindSpec wb = s.spec().writeBehind();
            io.khora.cluster.replica.PartitionOptions options = io.khora.cluster.replica.PartitionOptions.DEFAULTS
                    .withJavaDeserialization(config.javaDeserialization());
            if (wb != null) {
                options = options.withWriteBehind(wb.maxPending(), wb.backlogWait());
            }
            ReplicatedPartition r = ReplicatedPartition.start(config.replicaConfig(name, p, placement.replicas(name, p), placement),
                    options);
            r.resolveTransactionsWith((home, txId) -> resolveTransaction(s, home, txId));
            synchronized (this) {
                if (closed) {
                    r.close();
                    return;
                }
                s.started(p, r);
            }
        } catch (Exception | LinkageError e) {
            LOG.error("node {}: could not start the replica of space '{}' partition {} (attempt {}); retrying in 2 s", id(), name, p, attempt, e);
            if (!closed) {
                timer.schedule(() -> starter.execute(() -> startReplica(s, p, attempt + 1)), 2, TimeUnit.SECONDS);
            }
        }
    }

    /** For tests: answers to the requests {@code which} accepts are dropped after they ran, as if lost on the way (null: none). */
    void dropAnswers(java.util.function.Predicate<io.khora.cluster.protocol.Request> which) {
        server.dropAnswers(which);
    }

    /** For tests: the client endpoint (its connection count and the memory of incomplete frames). */
    NodeServer server() {
        return server;
    }

    /** This node's id. */
    public String id() {
        return config.nodeId();
    }

    /** This node's configuration. */
    public NodeConfig config() {
        return config;
    }

    Placement placement() {
        return placement;
    }

    HostedSpace hostedSpace(String name) {
        return spaces.get(name);
    }

    List<String> spaceNames() {
        return List.copyOf(spaces.keySet());
    }

    /** The state of a space as this node sees it (the worst of the replicas it hosts). */
    public SpaceState state(String space) {
        HostedSpace s = spaces.get(space);
        if (s == null) {
            throw new IllegalArgumentException("no space '" + space + "' in this cluster");
        }
        return s.state();
    }

    /** Waits until every space this node hosts is READY here; false on timeout. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (spaces.values().stream().anyMatch(s -> s.state() != SpaceState.READY)) {
            if (closed || System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * This node's meters, to bind to a metrics library (see {@link NodeMeters} for the list):
     * {@code new KhoraMeterBinder(node.meters()).bindTo(registry)} with {@code khora-micrometer}.
     */
    public io.khora.metrics.MeterSource meters() {
        return new NodeMeters(id(), spaces.values(), () -> membership == null ? 0 : membership.members().size());
    }

    /** This node's report: members in view and every hosted replica. */
    public NodeStatus status() {
        Membership m = membership;
        List<NodeStatus.ReplicaStatus> replicas = new ArrayList<>();
        for (HostedSpace s : spaces.values()) {
            for (int p = 0; p < s.spec().partitions(); p++) {
                if (!s.hosts(p)) {
                    continue;
                }
                ReplicatedPartition r = s.replica(p);
                if (r == null) {
                    replicas.add(new NodeStatus.ReplicaStatus(s.spec().name(), p, SpaceState.INITIAL, null, 0, 0, 0, 0, Map.of()));
                } else {
                    replicas.add(new NodeStatus.ReplicaStatus(s.spec().name(), p, r.state(), r.leader().orElse(null), r.term(),
                            r.commitIndex(), r.lastAppended(), r.stateMachine().engine().size(), r.followerMatchIndexes()));
                }
            }
        }
        List<SpaceLayout> layouts = new ArrayList<>();
        for (HostedSpace s : spaces.values()) {
            layouts.add(layout(s));
        }
        return new NodeStatus(id(), m == null ? List.of() : m.members(), replicas, layouts);
    }

    /** A space as this node sees it: every node's client address, every partition's replicas and the leader known here. */
    SpaceLayout layout(HostedSpace s) {
        String name = s.spec().name();
        List<SpaceLayout.PartitionPlacement> placement = new ArrayList<>();
        for (int p = 0; p < s.spec().partitions(); p++) {
            placement.add(new SpaceLayout.PartitionPlacement(this.placement.replicas(name, p), s.leaderOf(p)));
        }
        List<SpaceLayout.NodeAddress> nodes = config.spec().nodes().stream()
                .map(n -> new SpaceLayout.NodeAddress(n.id(), n.host(), n.clientPort())).toList();
        return new SpaceLayout(name, s.spec().partitions(), s.state(), nodes, placement);
    }

    /** Clients this node uses to reach other partitions' leaders (transaction recovery), per space. */
    private final Map<String, io.khora.cluster.client.PartitionClient> internalClients = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Asks the home partition of {@code txId} for the transaction's outcome (aborting it unless it
     * committed): through the local replica if it leads here, else through the cluster like a client.
     */
    private java.util.concurrent.CompletableFuture<Integer> resolveTransaction(HostedSpace s, int home, String txId) {
        ReplicatedPartition local = s.replica(home);
        if (local != null && local.isLeader()) {
            return local.transact(List.of(), new io.khora.cluster.raft.Command.TxAbort(txId), null).thenApply(o -> (Integer) o);
        }
        if (closed) {
            return java.util.concurrent.CompletableFuture.failedFuture(new io.khora.SpaceClosedException(s.spec().name()));
        }
        io.khora.cluster.client.PartitionClient c = internalClients.computeIfAbsent(s.spec().name(), this::internalClient);
        return c.resolveTransaction(home, txId);
    }

    /**
     * A client of space {@code name} for this node's own use: over TLS with the node's certificate as
     * the client certificate (it authenticates as this node: every role), or plain with security off.
     */
    private io.khora.cluster.client.PartitionClient internalClient(String name) {
        io.khora.cluster.client.KhoraUri uri = io.khora.cluster.client.KhoraUri.parse("khora://" + config.spec().nodes().stream()
                .map(n -> n.host() + ":" + n.clientPort()).collect(java.util.stream.Collectors.joining(",")) + "/" + name);
        io.khora.cluster.server.security.NodeSecurity sec = config.security();
        io.khora.cluster.client.ClientOptions o = sec.enabled() ? uri.options().withTls(sec.ca(), sec.cert(), sec.key())
                : uri.options().withoutTls();
        return io.khora.cluster.client.PartitionClient.connect(new io.khora.cluster.client.KhoraUri(uri.seeds(), uri.space(), o),
                config.javaDeserialization().from("an answer from another node"));
    }

    /**
     * The first step of a graceful stop: every replica this node leads leaves its group at once, all
     * in parallel, while the node still serves its other replicas and answers clients (a request for
     * a partition whose leader left gets NOT_LEADER naming no one, and the client tries the other
     * replicas). Each group sees its leader leave (a view change, not a failure detection timeout)
     * and elects a new one in one vote round. jgroups-raft 1.1 has no leadership transfer; leaving
     * the group is the lever it offers.
     */
    private void handOffLeadership() {
        List<ReplicatedPartition> leading = new ArrayList<>();
        for (HostedSpace s : spaces.values()) {
            leading.addAll(s.removeLeaders());
        }
        if (leading.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        List<Thread> closers = new ArrayList<>();
        for (ReplicatedPartition r : leading) {
            closers.add(DaemonThreads.start("khora-" + id() + "-hand-off-" + r.config().spaceName() + "-p" + r.config().partitionId(),
                    r::close));
        }
        for (Thread t : closers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.info("node {}: handed off the leadership of {} partitions in {} ms", id(), leading.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /**
     * Stops gracefully: first hands off the leadership of every partition this node leads (see
     * {@link #handOffLeadership()}), then stops serving clients, leaves every other group (logs stay
     * for a restart) and the membership channel.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        starter.shutdownNow();
        try {
            starter.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handOffLeadership();
        NodeServer srv = server;
        if (srv != null) {
            srv.close();
        }
        internalClients.values().forEach(io.khora.cluster.client.PartitionClient::close);
        for (HostedSpace s : spaces.values()) {
            s.close();
        }
        Membership m = membership;
        if (m != null) {
            m.close();
        }
        timer.shutdownNow();
        LOG.info("node {} stopped", id());
    }
}

package io.khora.cluster.server;

import io.khora.cluster.node.ReplicaConfig;
import io.khora.cluster.server.security.NodeSecurity;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.cluster.server.security.PeerTls;
import io.khora.cluster.server.security.TlsFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How one node runs: the cluster spec every node shares, which node this is, where its data lives,
 * and the timings of its replicas. Immutable; {@link #builder} validates early.
 *
 * <p>Security between nodes: with {@link Builder#tls TLS files} every Raft group's and the
 * membership channel's transport is mutual TLS, trusting the cluster CA and only certificates that
 * name a node of the spec ({@link PeerTls}, loaded and checked when the configuration is built);
 * without them the node talks plain TCP to its peers.
 */
public final class NodeConfig {
    private final ClusterSpec spec;
    private final String nodeId;
    private final Path dataDirectory;
    private final boolean fsync;
    private final Duration operationTimeout;
    private final Duration failureDetectionTimeout;
    private final Duration heartbeatInterval;
    private final Duration allReplicasTimeout;
    private final Duration leaderBalanceInterval;
    private final io.khora.cluster.protocol.SizeLimits sizeLimits;
    private final NodeSecurity security;
    private final ClientPortLimits clientPortLimits;
    private final JavaDeserialization javaDeserialization;
    private final TlsFiles tlsFiles;
    private final PeerTls peerTls;
    private final io.khora.metrics.MetricsListener metrics;

    private NodeConfig(Builder b) {
        this.spec = b.spec;
        this.nodeId = b.nodeId;
        this.dataDirectory = Objects.requireNonNull(b.dataDirectory, "dataDirectory").toAbsolutePath();
        this.fsync = b.fsync;
        this.operationTimeout = b.operationTimeout;
        this.failureDetectionTimeout = b.failureDetectionTimeout;
        this.heartbeatInterval = b.heartbeatInterval;
        this.allReplicasTimeout = b.allReplicasTimeout;
        this.leaderBalanceInterval = b.leaderBalanceInterval;
        this.sizeLimits = new io.khora.cluster.protocol.SizeLimits(b.maxFrameBytes, b.maxEntryBytes);
        this.clientPortLimits = b.clientPortLimits;
        this.javaDeserialization = JavaDeserialization.network(b.javaSerializationAllow);
        if (clientPortLimits.maxIncompleteFramesMemory() < sizeLimits.maxFrameBytes()) {
            throw new IllegalArgumentException("max-incomplete-frames-memory "
                    + io.khora.cluster.ByteSizes.describe(clientPortLimits.maxIncompleteFramesMemory()) + " is below max-frame-size "
                    + io.khora.cluster.ByteSizes.describe(sizeLimits.maxFrameBytes()) + ": a frame of the largest size could never arrive");
        }
        if (heartbeatInterval.compareTo(failureDetectionTimeout) >= 0) {
            throw new IllegalArgumentException("heartbeat interval " + heartbeatInterval + " must be shorter than the failure detection timeout "
                    + failureDetectionTimeout);
        }
        if (b.security == null) {
            throw new IllegalArgumentException("node " + nodeId + " has no security settings, and a node does not start without:"
                    + " make a CA, node certificates and users with `khora certs --dir certs --nodes "
                    + String.join(",", spec.nodes().stream().map(ClusterSpec.NodeSpec::id).toList())
                    + "` and give the directory (NodeConfig.Builder.securityDirectory, or --security-dir certs), or turn security"
                    + " off explicitly (NodeSecurity.none(), or --security none: plain TCP, anyone can read, write and clear)");
        }
        this.security = b.security;
        this.metrics = b.metrics;
        // peer TLS: the files given for it, else the client port's (one CA and one node certificate for both)
        this.tlsFiles = b.tlsFiles != null ? b.tlsFiles
                : security.enabled() ? new TlsFiles(security.ca(), security.cert(), security.key()) : null;
        try {
            this.peerTls = tlsFiles == null ? null
                    : PeerTls.load(tlsFiles, nodeId, spec.nodes().stream().map(ClusterSpec.NodeSpec::id).toList(), Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TLS files " + tlsFiles + ": " + e.getMessage(), e);
        }
    }

    /** A builder for node {@code nodeId} of {@code spec}. */
    public static Builder builder(ClusterSpec spec, String nodeId) {
        return new Builder(spec, nodeId);
    }

    /** The cluster spec. */
    public ClusterSpec spec() {
        return spec;
    }

    /** This node's id. */
    public String nodeId() {
        return nodeId;
    }

    /** This node's entry in the spec. */
    public ClusterSpec.NodeSpec self() {
        return spec.node(nodeId).orElseThrow();
    }

    /** The data directory (Raft logs and snapshots under it). */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** How long a mutation may take to commit before the client is told its outcome is unknown. */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /** How long a write asked to reach every replica may wait for the slowest. */
    public Duration allReplicasTimeout() {
        return allReplicasTimeout;
    }

    /** The largest frame this node reads or writes, and the largest entry it accepts (max-frame-size, max-entry-size). */
    public io.khora.cluster.protocol.SizeLimits sizeLimits() {
        return sizeLimits;
    }

    /** This node's client-port security: TLS files and users, or none. */
    public NodeSecurity security() {
        return security;
    }

    /** The limits of this node's client port (connections, idle and frame timeouts, buffers). */
    public ClientPortLimits clientPortLimits() {
        return clientPortLimits;
    }

    /**
     * What Java-serialized values from the network (clients' requests, peers' log entries, snapshots and
     * answers) get: refused, unless {@code java-serialization-allow} lists their classes.
     */
    public JavaDeserialization javaDeserialization() {
        return javaDeserialization;
    }

    /** Where the node reports the requests it served ({@link io.khora.metrics.MetricsListener#NONE} by default). */
    public io.khora.metrics.MetricsListener metrics() {
        return metrics;
    }

    /** The TLS files (the cluster CA, this node's certificate and key), or empty if the node runs without security. */
    public Optional<TlsFiles> tlsFiles() {
        return Optional.ofNullable(tlsFiles);
    }

    /** The TLS between this node and its peers (Raft groups, membership), or empty for plain TCP. */
    public Optional<PeerTls> peerTls() {
        return Optional.ofNullable(peerTls);
    }

    /** The configuration of this node's replica of a partition whose replicas are on {@code replicaNodes}. */
    ReplicaConfig replicaConfig(String space, int partition, List<String> replicaNodes, Placement placement) {
        Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        for (String id : replicaNodes) {
            ClusterSpec.NodeSpec n = spec.node(id).orElseThrow();
            members.put(id, new InetSocketAddress(n.host(), placement.replicaPort(id, space, partition)));
        }
        return tune(ReplicaConfig.builder(space, partition, nodeId).members(members)).build();
    }

    /** The configuration of this node's membership channel (all nodes, at their raft ports). */
    ReplicaConfig membershipConfig() {
        Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        for (ClusterSpec.NodeSpec n : spec.nodes()) {
            members.put(n.id(), new InetSocketAddress(n.host(), n.raftPort()));
        }
        ReplicaConfig.Builder b = tune(ReplicaConfig.builder("_members", 0, nodeId).members(members));
        return (peerTls == null ? b : b.joinTimeout(MEMBERSHIP_TLS_JOIN_TIMEOUT)).build();
    }

    /** How often leaders are handed back to their preferred nodes; zero: never ({@link Builder#leaderBalanceInterval}). */
    public Duration leaderBalanceInterval() {
        return leaderBalanceInterval;
    }

    /**
     * How long a replica's group view may lack a replica whose node is up, with no leader known,
     * before the replica re-joins its group ({@link SplitViewWatchdog}): two of MERGE3's longest
     * intervals (1.5 × the failure detection timeout each), so MERGE3 had two chances first.
     */
    Duration splitViewGrace() {
        return failureDetectionTimeout.multipliedBy(3);
    }

    private ReplicaConfig.Builder tune(ReplicaConfig.Builder b) {
        Duration fd = failureDetectionTimeout;
        return b.dataDirectory(dataDirectory)
                .fsync(fsync)
                .operationTimeout(operationTimeout)
                .failureDetection(fd, heartbeatInterval)
                .verifySuspectTimeout(fd.dividedBy(3))
                .mergeInterval(fd.dividedBy(2), fd.multipliedBy(3).dividedBy(2))
                .joinTimeout(Duration.ofMillis(Math.min(1000, Math.max(200, fd.toMillis() / 4))))
                .resendInterval(Duration.ofMillis(100))
                .fdPorts(1, 0)
                .tls(peerTls == null ? null : peerTls.context());
    }

    /**
     * How long the membership channel looks for its peers before it founds a view of its own, with
     * TLS: each peer is found only after a TLS handshake (about 11 ms of CPU for both ends, far longer
     * in wall time on a busy machine), and a search of the usual 200 ms to 1 s left nodes started
     * together in separate views until a merge. (A replica's channel keeps the short search: the
     * replica that should lead founds its group while the others wait their head start.)
     */
    static final Duration MEMBERSHIP_TLS_JOIN_TIMEOUT = Duration.ofSeconds(2);

    /** Builds a {@link NodeConfig}. */
    public static final class Builder {
        private final ClusterSpec spec;
        private final String nodeId;
        private Path dataDirectory;
        private boolean fsync;
        private Duration operationTimeout = Duration.ofSeconds(5);
        private Duration failureDetectionTimeout = Duration.ofSeconds(3);
        private Duration heartbeatInterval = Duration.ofMillis(500);
        private Duration allReplicasTimeout = Duration.ofSeconds(5);
        private Duration leaderBalanceInterval = Duration.ofSeconds(5);
        private int maxFrameBytes = io.khora.cluster.protocol.SizeLimits.DEFAULT_MAX_FRAME;
        private int maxEntryBytes = io.khora.cluster.protocol.SizeLimits.DEFAULT_MAX_ENTRY;
        private NodeSecurity security;
        private ClientPortLimits clientPortLimits = ClientPortLimits.DEFAULTS;
        private String javaSerializationAllow;
        private TlsFiles tlsFiles;
        private io.khora.metrics.MetricsListener metrics = io.khora.metrics.MetricsListener.NONE;

        private Builder(ClusterSpec spec, String nodeId) {
            this.spec = Objects.requireNonNull(spec, "spec");
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
            if (spec.node(nodeId).isEmpty()) {
                throw new IllegalArgumentException("node '" + nodeId + "' is not in the cluster spec (nodes: "
                        + spec.nodes().stream().map(ClusterSpec.NodeSpec::id).toList() + ")");
            }
        }

        /** The data directory (required). */
        public Builder dataDirectory(Path dir) {
            this.dataDirectory = Objects.requireNonNull(dir, "dataDirectory");
            return this;
        }

        /** Whether log appends are forced to disk (off by default; see ReplicaConfig). */
        public Builder fsync(boolean on) {
            this.fsync = on;
            return this;
        }

        /** How long a mutation may take to commit (default 5 s). */
        public Builder operationTimeout(Duration d) {
            this.operationTimeout = positive(d, "operationTimeout");
            return this;
        }

        /** How long a silent node is suspected after (default 3 s), and the heartbeat interval (default 500 ms). */
        public Builder failureDetection(Duration timeout, Duration heartbeat) {
            this.failureDetectionTimeout = positive(timeout, "failure detection timeout");
            this.heartbeatInterval = positive(heartbeat, "heartbeat interval");
            return this;
        }

        /**
         * How often the node looks for a partition it leads to hand back to its preferred leader
         * ({@link LeaderBalancer}; default 5 s); zero turns balancing off (leaders stay where elections put them).
         */
        public Builder leaderBalanceInterval(Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("leader balance interval must be zero (off) or positive: " + d);
            }
            this.leaderBalanceInterval = d;
            return this;
        }

        /** How long a write asked to reach every replica may wait for the slowest (default 5 s). */
        public Builder allReplicasTimeout(Duration d) {
            this.allReplicasTimeout = positive(d, "allReplicasTimeout");
            return this;
        }

        /**
         * The largest frame (request or answer part) this node reads or writes, in bytes (default 64
         * MiB, 128 KiB to 1 GiB); checked with {@link #maxEntrySize} at {@link #build}.
         */
        public Builder maxFrameSize(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        /**
         * The largest encoded entry (its values) this node accepts in a write, in bytes (default 16
         * MiB; at most the frame size minus 64 KiB); a larger one is refused with an error naming both.
         */
        public Builder maxEntrySize(int bytes) {
            this.maxEntryBytes = bytes;
            return this;
        }

        /**
         * The client port's security (required: a node without security settings does not start;
         * {@link NodeSecurity#none()} turns it off explicitly).
         */
        public Builder security(NodeSecurity s) {
            this.security = Objects.requireNonNull(s, "security");
            return this;
        }

        /** Security from a directory {@code khora certs} wrote: {@code ca.pem}, {@code <id>.pem}, {@code <id>-key.pem}, {@code users.yaml}. */
        public Builder securityDirectory(Path dir) {
            return security(NodeSecurity.directory(dir, nodeId));
        }

        /** The limits of the client port (default {@link ClientPortLimits#DEFAULTS}). */
        public Builder clientPortLimits(ClientPortLimits limits) {
            this.clientPortLimits = Objects.requireNonNull(limits, "clientPortLimits");
            return this;
        }

        /**
         * The classes whose Java-serialized values this node deserializes from the network, as an
         * {@link java.io.ObjectInputFilter} pattern ({@code com.acme.model.*;java.lang.*;java.util.*}); null
         * (the default) refuses them all. Every node of the cluster must have the same (a replica refusing an
         * entry another applied would differ from it). Checked at once.
         */
        public Builder javaSerializationAllow(String pattern) {
            if (pattern != null) {
                JavaDeserialization.allowList(pattern, "a check");
            }
            this.javaSerializationAllow = pattern;
            return this;
        }

        /**
         * Mutual TLS between this node and its peers with {@code files}; by default the security's own
         * CA, certificate and key ({@link #security}), none with security none. Read and checked by {@link #build}.
         */
        public Builder tls(TlsFiles files) {
            this.tlsFiles = files;
            return this;
        }

        /**
         * Where the node reports every client request it served (space, operation, outcome, time);
         * default {@link io.khora.metrics.MetricsListener#NONE}. {@code khora-micrometer}'s binder is one.
         */
        public Builder metrics(io.khora.metrics.MetricsListener listener) {
            this.metrics = Objects.requireNonNull(listener, "metrics");
            return this;
        }

        /** The validated configuration. */
        public NodeConfig build() {
            return new NodeConfig(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }
    }
}

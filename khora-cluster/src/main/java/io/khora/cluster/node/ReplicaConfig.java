package io.khora.cluster.node;

import io.khora.Ticker;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;

/**
 * How one replica of one partition runs: the group (space, partition, members with their
 * addresses), this replica's id, where its log lives, and the timings. Immutable; built with
 * {@link #builder}.
 *
 * <p>Every member's address is a host and port of that replica's JGroups channel (one channel, so
 * one port, per partition replica). Every socket of the channel binds to this replica's host —
 * the transport, its client sockets and the socket failure detector; the diagnostics socket is
 * off — so a node bound to loopback never listens elsewhere. The socket failure detector listens
 * on a port in {@code [port + fdPortOffset, port + fdPortOffset + fdPortRange]}.
 *
 * <p><b>fsync</b> (off by default): with it off, an appended log entry is in the operating
 * system's page cache when the leader counts it, so it survives the crash of the JVM (SIGKILL) but
 * not a power loss or kernel crash of the machine; a majority of replicas on distinct machines
 * losing power at once could then lose acknowledged writes or, worse, forget a vote. With it on,
 * every append (and every term/vote change) is forced to disk before it counts — about one disk
 * flush per batch of appended entries — which is what Raft's proofs assume. Choose it on for data
 * that must survive a data-centre power cut and accept the lower throughput.
 *
 * <p><b>TLS</b> (off unless a context is given): the transport's every connection is TLS 1.3 with
 * client authentication required, over the given context (its key managers present this node's
 * certificate, its trust managers decide which peers are accepted); see {@link RaftStack}.
 */
public final class ReplicaConfig {
    private final String spaceName;
    private final int partitionId;
    private final String raftId;
    private final Map<String, InetSocketAddress> members;
    private final Path dataDirectory;
    private final boolean fsync;
    private final long snapshotThresholdBytes;
    private final Duration operationTimeout;
    private final Duration resendInterval;
    private final Duration failureDetectionTimeout;
    private final Duration heartbeatInterval;
    private final Duration verifySuspectTimeout;
    private final Duration mergeMinInterval;
    private final Duration mergeMaxInterval;
    private final Duration joinTimeout;
    private final Duration sweepInterval;
    private final int fdPortOffset;
    private final int fdPortRange;
    private final Ticker monotonicClock;
    private final LongSupplier wallClock;
    private final SSLContext tls;

    private ReplicaConfig(Builder b) {
        this.spaceName = Objects.requireNonNull(b.spaceName, "spaceName");
        this.partitionId = b.partitionId;
        this.raftId = Objects.requireNonNull(b.raftId, "raftId");
        this.members = Collections.unmodifiableMap(new LinkedHashMap<>(b.members));
        this.dataDirectory = Objects.requireNonNull(b.dataDirectory, "dataDirectory");
        this.fsync = b.fsync;
        this.snapshotThresholdBytes = b.snapshotThresholdBytes;
        this.operationTimeout = b.operationTimeout;
        this.resendInterval = b.resendInterval;
        this.failureDetectionTimeout = b.failureDetectionTimeout;
        this.heartbeatInterval = b.heartbeatInterval;
        this.verifySuspectTimeout = b.verifySuspectTimeout;
        this.mergeMinInterval = b.mergeMinInterval;
        this.mergeMaxInterval = b.mergeMaxInterval;
        this.joinTimeout = b.joinTimeout;
        this.sweepInterval = b.sweepInterval;
        this.fdPortOffset = b.fdPortOffset;
        this.fdPortRange = b.fdPortRange;
        this.monotonicClock = b.monotonicClock;
        this.wallClock = b.wallClock;
        this.tls = b.tls;
        if (partitionId < 0) {
            throw new IllegalArgumentException("partitionId must not be negative: " + partitionId);
        }
        if (!members.containsKey(raftId)) {
            throw new IllegalArgumentException("raftId '" + raftId + "' is not one of the members " + members.keySet());
        }
        if (members.size() < 1) {
            throw new IllegalArgumentException("a group needs members");
        }
        if (snapshotThresholdBytes < 1024) {
            throw new IllegalArgumentException("snapshotThresholdBytes must be at least 1 KiB: " + snapshotThresholdBytes);
        }
        if (mergeMaxInterval.compareTo(mergeMinInterval) <= 0) {
            throw new IllegalArgumentException("mergeMaxInterval must exceed mergeMinInterval");
        }
    }

    /** A builder for replica {@code raftId} of partition {@code partitionId} of space {@code spaceName}. */
    public static Builder builder(String spaceName, int partitionId, String raftId) {
        return new Builder(spaceName, partitionId, raftId);
    }

    /** A builder holding this configuration, to change some of it (e.g. another replica of the same group). */
    public Builder toBuilder() {
        Builder b = new Builder(spaceName, partitionId, raftId);
        b.members.putAll(members);
        b.dataDirectory = dataDirectory;
        b.fsync = fsync;
        b.snapshotThresholdBytes = snapshotThresholdBytes;
        b.operationTimeout = operationTimeout;
        b.resendInterval = resendInterval;
        b.failureDetectionTimeout = failureDetectionTimeout;
        b.heartbeatInterval = heartbeatInterval;
        b.verifySuspectTimeout = verifySuspectTimeout;
        b.mergeMinInterval = mergeMinInterval;
        b.mergeMaxInterval = mergeMaxInterval;
        b.joinTimeout = joinTimeout;
        b.sweepInterval = sweepInterval;
        b.fdPortOffset = fdPortOffset;
        b.fdPortRange = fdPortRange;
        b.monotonicClock = monotonicClock;
        b.wallClock = wallClock;
        b.tls = tls;
        return b;
    }

    /** The space's name. */
    public String spaceName() {
        return spaceName;
    }

    /** The 0-based partition id. */
    public int partitionId() {
        return partitionId;
    }

    /** This replica's Raft id (unique in the group; also the JGroups logical name). */
    public String raftId() {
        return raftId;
    }

    /** Every replica's id and channel address, this one's included. */
    public Map<String, InetSocketAddress> members() {
        return members;
    }

    /** This replica's channel address. */
    public InetSocketAddress address() {
        return members.get(raftId);
    }

    /** The node's data directory; the log lives in {@link #logDirectory()} under it. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** {@code dataDirectory/raft/<space>/partition-<id>}: the Raft log, its metadata and snapshot. */
    public Path logDirectory() {
        return dataDirectory.resolve("raft").resolve(spaceName).resolve("partition-" + partitionId);
    }

    /** The JGroups cluster name of the group: one per space partition. */
    public String clusterName() {
        return "khora." + spaceName + ".p" + partitionId;
    }

    /** Whether log appends are forced to disk (see the class comment). */
    public boolean fsync() {
        return fsync;
    }

    /** Log bytes after which a snapshot is taken and the log truncated. */
    public long snapshotThresholdBytes() {
        return snapshotThresholdBytes;
    }

    /** How long a proposal may take to commit before it fails with an unknown outcome. */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /** How often the leader resends missing entries (and commit indexes) to followers when idle. */
    public Duration resendInterval() {
        return resendInterval;
    }

    /** A member silent this long is suspected (heartbeat failure detection; a closed socket is noticed at once). */
    public Duration failureDetectionTimeout() {
        return failureDetectionTimeout;
    }

    /** Heartbeat interval. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How long a suspicion is verified before the member is excluded. */
    public Duration verifySuspectTimeout() {
        return verifySuspectTimeout;
    }

    /** Shortest interval between checks for split views (after a network partition heals). */
    public Duration mergeMinInterval() {
        return mergeMinInterval;
    }

    /** Longest interval between checks for split views. */
    public Duration mergeMaxInterval() {
        return mergeMaxInterval;
    }

    /** How long a joining replica looks for the others before it starts a group of its own. */
    public Duration joinTimeout() {
        return joinTimeout;
    }

    /** How often the leader checks for expired leases (and proposes a sweep when one is due), and a new leader retries its no-op. */
    public Duration sweepInterval() {
        return sweepInterval;
    }

    /** Offset of the socket failure detector's port from the channel port. */
    public int fdPortOffset() {
        return fdPortOffset;
    }

    /** How many ports above the offset the socket failure detector may try. */
    public int fdPortRange() {
        return fdPortRange;
    }

    /** The monotonic clock the leader measures elapsed time with. */
    public Ticker monotonicClock() {
        return monotonicClock;
    }

    /** The wall clock, read once to start log time in a new group. */
    public LongSupplier wallClock() {
        return wallClock;
    }

    /** The TLS context of the transport's connections (mutual TLS between nodes), or empty for plain TCP. */
    public Optional<SSLContext> tls() {
        return Optional.ofNullable(tls);
    }

    /** Builds a {@link ReplicaConfig}. */
    public static final class Builder {
        private final String spaceName;
        private final int partitionId;
        private final String raftId;
        private final Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        private Path dataDirectory;
        private boolean fsync;
        private long snapshotThresholdBytes = 8L << 20;
        private Duration operationTimeout = Duration.ofSeconds(5);
        private Duration resendInterval = Duration.ofMillis(500);
        private Duration failureDetectionTimeout = Duration.ofSeconds(6);
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private Duration verifySuspectTimeout = Duration.ofSeconds(1);
        private Duration mergeMinInterval = Duration.ofSeconds(2);
        private Duration mergeMaxInterval = Duration.ofSeconds(8);
        private Duration joinTimeout = Duration.ofSeconds(1);
        private Duration sweepInterval = Duration.ofMillis(100);
        private int fdPortOffset = 100;
        private int fdPortRange = 3;
        private Ticker monotonicClock = Ticker.system();
        private LongSupplier wallClock = System::currentTimeMillis;
        private SSLContext tls;

        private Builder(String spaceName, int partitionId, String raftId) {
            this.spaceName = spaceName;
            this.partitionId = partitionId;
            this.raftId = raftId;
        }

        /** Adds a member of the group (this replica included), in order. */
        public Builder member(String id, InetSocketAddress address) {
            members.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(address, "address"));
            return this;
        }

        /** Replaces the members. */
        public Builder members(Map<String, InetSocketAddress> all) {
            members.clear();
            members.putAll(all);
            return this;
        }

        /** The node's data directory (required). */
        public Builder dataDirectory(Path dir) {
            this.dataDirectory = dir;
            return this;
        }

        /** Force log appends to disk (default off; see {@link ReplicaConfig}). */
        public Builder fsync(boolean on) {
            this.fsync = on;
            return this;
        }

        /** Log bytes after which to snapshot (default 8 MiB). */
        public Builder snapshotThresholdBytes(long bytes) {
            this.snapshotThresholdBytes = bytes;
            return this;
        }

        /** Proposal timeout (default 5 s). */
        public Builder operationTimeout(Duration d) {
            this.operationTimeout = positive(d);
            return this;
        }

        /** Leader resend interval (default 500 ms). */
        public Builder resendInterval(Duration d) {
            this.resendInterval = positive(d);
            return this;
        }

        /** Heartbeat failure detection: timeout (default 6 s) and heartbeat interval (default 1 s). */
        public Builder failureDetection(Duration timeout, Duration interval) {
            this.failureDetectionTimeout = positive(timeout);
            this.heartbeatInterval = positive(interval);
            return this;
        }

        /** Suspicion verification (default 1 s). */
        public Builder verifySuspectTimeout(Duration d) {
            this.verifySuspectTimeout = positive(d);
            return this;
        }

        /** Split-view checks (default 2–8 s). */
        public Builder mergeInterval(Duration min, Duration max) {
            this.mergeMinInterval = positive(min);
            this.mergeMaxInterval = positive(max);
            return this;
        }

        /** Join timeout (default 1 s). */
        public Builder joinTimeout(Duration d) {
            this.joinTimeout = positive(d);
            return this;
        }

        /** Lease sweep interval at the leader (default 100 ms). */
        public Builder sweepInterval(Duration d) {
            this.sweepInterval = positive(d);
            return this;
        }

        /** Socket failure detector port: channel port + offset, up to + range (default 100, 3). */
        public Builder fdPorts(int offset, int range) {
            if (offset < 1 || range < 0) {
                throw new IllegalArgumentException("fd port offset must be positive and range not negative");
            }
            this.fdPortOffset = offset;
            this.fdPortRange = range;
            return this;
        }

        /** Clocks (tests): the monotonic clock for elapsed time and the wall clock read for a new group. */
        public Builder clocks(Ticker monotonic, LongSupplier wall) {
            this.monotonicClock = Objects.requireNonNull(monotonic, "monotonic");
            this.wallClock = Objects.requireNonNull(wall, "wall");
            return this;
        }

        /** Mutual TLS on the transport over {@code context} (null: plain TCP, the default); see {@link ReplicaConfig}. */
        public Builder tls(SSLContext context) {
            this.tls = context;
            return this;
        }

        /** The configuration. */
        public ReplicaConfig build() {
            return new ReplicaConfig(this);
        }

        private static Duration positive(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive: " + d);
            }
            return d;
        }
    }
}

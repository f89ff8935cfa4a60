package io.khora.cluster.mirror;

import io.khora.SpaceException;
import io.khora.SpaceTypeException;
import io.khora.cluster.client.PartitionClient;
import io.khora.document.SpaceDocumentType;
import io.khora.internal.lifecycle.DaemonThreads;
import io.khora.internal.local.EntryMapper;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.writebehind.MirrorGroup;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.MirrorFencedException;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The mirror of a cluster space with write-behind (seed 000's "mirror service"): a separate process
 * that reads every partition's replicated outbox at the partition's leader, delivers the changes
 * to a {@link SpaceSynchronizationEndpoint}, and acknowledges them through the partition's log.
 *
 * <p>Delivery is the embedded space's mirror, unchanged: batches by size and interval,
 * consolidation per entry, sequence order per partition, partitions in parallel, poison isolation
 * into a dead-letter store, exponential backoff with jitter while the store is down. Every
 * operation carries its partition's outbox sequence and log id, so the Hibernate endpoint's
 * checkpoint makes delivery exactly-once: after a fail-over of a leader (the new leader holds the
 * same records under the same numbers) or a restart of the mirror (it resumes from the last
 * acknowledgement the log holds, and the checkpoint skips what was delivered but not yet
 * acknowledged), nothing is lost and nothing is applied twice.
 *
 * <p><b>One mirror per space.</b> The mirror holds every partition's mirror lease, granted through
 * the partition's log ({@link MirrorLeaseKeeper}): a second mirror of the space is refused at
 * {@link #start} with {@link MirrorFencedException} naming the holder and when its lease lapses (or
 * waits for it, up to {@link Builder#leaseWait}); one that could not renew in time stops delivering,
 * and one whose lease was taken over stops for good ({@link #failure()}). {@link #close} releases the
 * leases, so the next mirror can start at once; after a crash it waits until they lapse
 * ({@link Builder#leaseDuration}).
 *
 * <pre>{@code
 * try (ClusterMirror mirror = ClusterMirror.builder("khora://h1:7701,h2:7701/orders")
 *         .endpoint(new DefaultHibernateSpaceSynchronizationEndpoint(sessionFactory))
 *         .dataDirectory(Path.of("mirror-data"))
 *         .build()) {
 *     mirror.start();
 *     ...
 * }
 * }</pre>
 *
 * Entry classes must be on the mirror's class path (the endpoint receives user objects); document
 * types are registered with {@link Builder#documentType}.
 */
public final class ClusterMirror implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMirror.class);

    private final String uri;
    private final io.khora.cluster.client.ClientSecurity security;
    private final SpaceSynchronizationEndpoint endpoint;
    private final Path dataDirectory;
    private final WriteBehindSettings settings;
    private final Duration connectTimeout;
    private final Duration leaseDuration;
    private final Duration leaseWait;
    private final String holder;
    private final EntryMapper mapper = new EntryMapper();
    private PartitionClient client;
    private MirrorLeaseKeeper leases;
    private java.util.concurrent.ScheduledExecutorService renewer;
    private List<RemoteOutboxSource> sources = List.of();
    private MirrorGroup group;

    private ClusterMirror(Builder b) {
        this.uri = b.uri;
        this.security = b.security;
        this.endpoint = b.endpoint;
        this.dataDirectory = b.dataDirectory;
        this.connectTimeout = b.connectTimeout;
        this.leaseDuration = b.leaseDuration;
        this.leaseWait = b.leaseWait;
        this.holder = java.util.UUID.randomUUID() + "@" + hostName() + "/pid " + ProcessHandle.current().pid();
        this.settings = WriteBehindSettings.builder(b.dataDirectory).batchSize(b.batchSize).batchInterval(b.batchInterval)
                .retryBackoff(b.retryInitial, b.retryMax).build();
        for (SpaceDocumentType t : b.documentTypes) {
            mapper.registerType(t);
        }
    }

    /** A builder for the mirror of the space {@code uri} names ({@code khora://host:port,…/space}). */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    /**
     * Connects to the cluster, acquires every partition's mirror lease, finds where every partition's
     * outbox stands (waiting up to the connect timeout for leaders), and starts delivering.
     *
     * @throws MirrorFencedException if another mirror holds a partition's lease (after the lease wait);
     *     the message names it and when its lease lapses
     * @throws SpaceException if the space cannot be reached or a partition's outbox cannot be read in time
     */
    public synchronized ClusterMirror start() throws InterruptedException {
        if (group != null) {
            throw new IllegalStateException("the mirror is started already");
        }
        io.khora.cluster.client.KhoraUri parsed = io.khora.cluster.client.KhoraUri.parse(uri);
        client = PartitionClient.connect(security == null ? parsed
                : new io.khora.cluster.client.KhoraUri(parsed.seeds(), parsed.space(), parsed.options().withSecurity(security)),
                JavaDeserialization.TRUSTED); // a client of the nodes: trusts their answers
        try {
            connectSources();
            group = new MirrorGroup(client.space(), sources, endpoint, mapper, this::resolveType,
                    dataDirectory.resolve(client.space()).resolve("dead-letters"), settings);
        } catch (RuntimeException | InterruptedException e) {
            stopLeases(); // releases what it acquired
            client.close();
            client = null;
            throw e;
        }
        group.start();
        LOG.info("mirror of space '{}' started: {} partitions, delivering to {}", client.space(), sources.size(),
                endpoint.getClass().getName());
        return this;
    }

    /** Acquires the leases (renewing them from the first grant on), then connects every partition's source. */
    private void connectSources() throws InterruptedException {
        long now = System.nanoTime() / 1_000_000L;
        leases = new MirrorLeaseKeeper(client.space(), client.partitions(), holder, leaseDuration.toMillis(), client::mirrorLease,
                io.khora.Ticker.system());
        renewer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("khora-" + client.space() + "-mirror-lease"));
        MirrorLeaseKeeper keeper = leases;
        leases.acquireAll(now + leaseWait.toMillis(), now + Math.max(connectTimeout.toMillis(), leaseWait.toMillis()),
                () -> renewer.scheduleWithFixedDelay(keeper::renewAll, keeper.renewIntervalMillis(), keeper.renewIntervalMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS));
        List<RemoteOutboxSource> list = new ArrayList<>(client.partitions());
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        for (int p = 0; p < client.partitions(); p++) {
            RemoteOutboxSource s = new RemoteOutboxSource(client, leases, p, settings.batchSize());
            if (!s.connect(deadline)) {
                throw new SpaceException("space '" + client.space() + "' partition " + (p + 1) + ": its outbox could not be read within "
                        + connectTimeout.toMillis() + " ms (no leader, or the space has no write-behind: declare it with write-behind in"
                        + " the cluster's spaces)");
            }
            list.add(s);
        }
        sources = List.copyOf(list);
    }

    /** Stops renewing the leases and releases them. */
    private void stopLeases() {
        if (renewer != null) {
            renewer.shutdownNow();
            renewer = null;
        }
        if (leases != null) {
            leases.releaseAll();
            leases = null;
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown-host";
        }
    }

    /** This mirror's id in the partitions' mirror leases: a random UUID, the host name and the process id. */
    public String holder() {
        return holder;
    }

    private TypeDescriptor resolveType(String typeName, String className) {
        if (className == null) {
            return mapper.documentType(typeName);
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try {
            return mapper.describe(Class.forName(className, false, cl != null ? cl : ClusterMirror.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            throw new SpaceTypeException("the outbox holds changes of " + className + ", which is not on the mirror's class path", e);
        }
    }

    /** Where each partition stands. */
    public List<PartitionProgress> progress() {
        List<PartitionProgress> out = new ArrayList<>(sources.size());
        for (RemoteOutboxSource s : sources) {
            out.add(new PartitionProgress(s.partitionId(), s.logId(), s.lastSequence(), s.delivered(), s.acknowledgedRemotely()));
        }
        return out;
    }

    /**
     * One partition's progress.
     *
     * @param partition the 0-based partition
     * @param logId its outbox's log id
     * @param lastSequence the last sequence the mirror has seen appended
     * @param delivered the last sequence delivered to the endpoint (or set aside)
     * @param acknowledged the last sequence the partition's log confirmed as acknowledged
     */
    public record PartitionProgress(int partition, String logId, long lastSequence, long delivered, long acknowledged) {
        /** Changes not yet delivered. */
        public long backlog() {
            return Math.max(0, lastSequence - delivered);
        }
    }

    /**
     * The mirror's meters, once started (tags {@code space}, and {@code partition} where per partition):
     * {@code khora.mirror.lag} — changes the partition's outbox holds that the mirror has not
     * delivered yet; {@code khora.mirror.delivered} — the last sequence delivered;
     * {@code khora.mirror.dead.letters} — changes the endpoint refused as bad data;
     * {@code khora.mirror.delivering} — 1 while the mirror holds every lease and may deliver.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public synchronized io.khora.metrics.MeterSource meters() {
        if (group == null) {
            throw new IllegalStateException("the mirror of " + uri + " has not started: its partitions are not known yet");
        }
        String space = client.space();
        List<RemoteOutboxSource> partitions = sources;
        MirrorGroup g = group;
        return r -> {
            for (RemoteOutboxSource s : partitions) {
                Map<String, String> tags = Map.of("space", space, "partition", Integer.toString(s.partitionId()));
                r.gauge("khora.mirror.lag", "changes in the partition's outbox the mirror has not delivered yet", tags,
                        () -> Math.max(0, s.lastSequence() - s.delivered()));
                r.gauge("khora.mirror.delivered", "the last sequence the mirror delivered", tags, s::delivered);
            }
            r.counter("khora.mirror.dead.letters", "changes the endpoint refused as bad data", Map.of("space", space),
                    g::deadLetterCount);
            r.gauge("khora.mirror.delivering", "1 while the mirror holds every lease and may deliver", Map.of("space", space),
                    () -> delivering() ? 1 : 0);
        };
    }

    /** The changes the endpoint refused as bad data, oldest first. */
    public List<DeadLetter> deadLetters() {
        return group == null ? List.of() : group.deadLetters();
    }

    /**
     * Why the mirror cannot go on (a partition's outbox was replaced, or another mirror took a
     * partition's lease over: restart it), or null.
     */
    public String failure() {
        MirrorLeaseKeeper keeper = leases;
        String fenced = keeper == null ? null : keeper.failure();
        if (fenced != null) {
            return fenced;
        }
        for (RemoteOutboxSource s : sources) {
            if (s.failure() != null) {
                return s.failure();
            }
        }
        return null;
    }

    /** Whether another mirror took a partition's lease over (see {@link #failure()}): this one must be restarted. */
    public boolean fenced() {
        MirrorLeaseKeeper keeper = leases;
        return keeper != null && keeper.failure() != null;
    }

    /** Whether the mirror may deliver every partition now: it holds every lease, renewed in time. */
    public boolean delivering() {
        MirrorLeaseKeeper keeper = leases;
        if (keeper == null || group == null) {
            return false;
        }
        for (int p = 0; p < sources.size(); p++) {
            if (!keeper.mayDeliver(p)) {
                return false;
            }
        }
        return true;
    }

    /** For tests: whether the mirror may deliver some partition now (each partition's lease lapses on its own). */
    boolean deliveringAny() {
        MirrorLeaseKeeper keeper = leases;
        if (keeper == null || group == null) {
            return false;
        }
        for (int p = 0; p < sources.size(); p++) {
            if (keeper.mayDeliver(p)) {
                return true;
            }
        }
        return false;
    }

    /** Test hook: stops ({@code false}) or resumes renewing the leases, as a mirror cut off from the cluster would. */
    void renewing(boolean on) {
        leases.renewing(on);
    }

    /** Test hook: ends as a killed process would — stops delivering and renewing, disconnects, releases nothing. */
    synchronized void crash() {
        renewer.shutdownNow();
        leases.renewing(false);
        group.close();
        group = null;
        client.close();
        client = null;
        leases = null;
    }

    /** Stops delivering (acknowledging what was delivered), releases the mirror leases and disconnects. */
    @Override
    public synchronized void close() {
        if (group != null) {
            group.close();
            for (RemoteOutboxSource s : sources) {
                s.flushMarker();
            }
            group = null;
        }
        if (client != null) {
            try {
                Thread.sleep(100); // let the last acknowledgements go out (a lost one only means a replay the checkpoint absorbs)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopLeases();
            client.close();
            client = null;
        }
    }

    /** Builds a {@link ClusterMirror}. */
    public static final class Builder {
        private final String uri;
        private SpaceSynchronizationEndpoint endpoint;
        private Path dataDirectory = Path.of("khora-mirror");
        private int batchSize = 500;
        private Duration batchInterval = Duration.ofMillis(50);
        private Duration retryInitial = Duration.ofMillis(100);
        private Duration retryMax = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(60);
        private Duration leaseDuration = Duration.ofSeconds(10);
        private Duration leaseWait = Duration.ZERO;
        private final List<SpaceDocumentType> documentTypes = new ArrayList<>();
        private io.khora.cluster.client.ClientSecurity security;

        private Builder(String uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        /** Where changes are delivered (required). */
        public Builder endpoint(SpaceSynchronizationEndpoint e) {
            this.endpoint = Objects.requireNonNull(e, "endpoint");
            return this;
        }

        /**
         * How the mirror connects and authenticates (instead of the URI's {@code tls-*}, {@code user}
         * and {@code password-file} options): typically its client certificate (a user of the {@code
         * mirror} role with {@code certificate: true}), or a user and password file.
         */
        public Builder security(io.khora.cluster.client.ClientSecurity s) {
            this.security = Objects.requireNonNull(s, "security");
            return this;
        }

        /** Where the dead letters are kept; default {@code khora-mirror}. */
        public Builder dataDirectory(Path dir) {
            this.dataDirectory = Objects.requireNonNull(dir, "dataDirectory");
            return this;
        }

        /** The most changes delivered per batch (and pulled per request); default 500. */
        public Builder batchSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("batchSize must be positive, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        /** How long a batch gathers changes; default 50 ms. */
        public Builder batchInterval(Duration d) {
            this.batchInterval = Objects.requireNonNull(d, "batchInterval");
            return this;
        }

        /** The retry backoff while the store refuses everything; default 100 ms to 30 s. */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitial = Objects.requireNonNull(initial, "initial");
            this.retryMax = Objects.requireNonNull(max, "max");
            return this;
        }

        /** How long {@link #start} waits for every partition's outbox; default 60 s. */
        public Builder connectTimeout(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive, got " + d);
            }
            this.connectTimeout = d;
            return this;
        }

        /**
         * How long a partition's mirror lease lasts from each renewal, in the partition's log time;
         * default 10 s. The mirror renews it five times per duration and stops delivering 3/4 of it
         * after its last successful renewal was sent; after a crash, the next mirror can take over once
         * the duration has passed. At most 10 minutes.
         */
        public Builder leaseDuration(Duration d) {
            if (d == null || d.toMillis() < 100 || d.toMillis() > io.khora.cluster.raft.MirrorLeaseState.MAX_DURATION_MILLIS) {
                throw new IllegalArgumentException("leaseDuration must be 100 ms to "
                        + io.khora.cluster.raft.MirrorLeaseState.MAX_DURATION_MILLIS + " ms, got " + d);
            }
            this.leaseDuration = d;
            return this;
        }

        /**
         * How long {@link #start} waits for a partition's lease that another mirror holds (a standby
         * mirror); default 0: refused at once with {@link MirrorFencedException}.
         */
        public Builder leaseWait(Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("leaseWait must be zero or positive, got " + d);
            }
            this.leaseWait = d;
            return this;
        }

        /** Registers a document type whose changes the mirror delivers. */
        public Builder documentType(SpaceDocumentType t) {
            documentTypes.add(Objects.requireNonNull(t, "type"));
            return this;
        }

        /** The mirror (not started). */
        public ClusterMirror build() {
            if (endpoint == null) {
                throw new IllegalStateException("a mirror needs an endpoint: builder.endpoint(...)");
            }
            return new ClusterMirror(this);
        }
    }
}

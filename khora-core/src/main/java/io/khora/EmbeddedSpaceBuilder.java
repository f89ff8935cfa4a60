package io.khora;

import io.khora.document.SpaceDocumentType;
import io.khora.internal.local.LocalSpace;
import io.khora.internal.local.LocalSpaceConfig;
import io.khora.persistence.SpaceDataSource;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Configures and starts an embedded space. Every setter validates its argument at once and says
 * what was wrong; {@link #start()} returns a READY space.
 */
public final class EmbeddedSpaceBuilder {
    private final String name;
    private int partitions = 1;
    private Duration spaceWait = Duration.ofSeconds(30);
    private Duration leaseSweepInterval = Duration.ofMillis(100);
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler;
    private ExecutorService eventExecutor;
    private int eventQueueCapacity = 100_000;
    private final List<SpaceDocumentType> documentTypes = new ArrayList<>();
    private SpaceDataSource dataSource;
    private SpaceSynchronizationEndpoint endpoint;
    private CachePolicy cachePolicy = CachePolicy.ALL_IN_CACHE;
    private int maxEntries;
    private int initialLoadAttempts = 1;
    private Duration initialLoadProgressInterval = Duration.ofSeconds(2);
    private boolean persistLeaseExpiry;
    private SynchronizationMode synchronizationMode = SynchronizationMode.WRITE_THROUGH;
    private WriteBehindSettings writeBehind;
    private Duration transactionTimeout = LocalSpaceConfig.Transactions.DEFAULTS.timeout();
    private Duration lockWait = LocalSpaceConfig.Transactions.DEFAULTS.lockWait();
    private io.khora.metrics.MetricsListener metrics = io.khora.metrics.MetricsListener.NONE;

    EmbeddedSpaceBuilder(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("space name must not be null or blank");
        }
        this.name = name;
    }

    /**
     * Where the space reports each partition's initial load (rows, time); default
     * {@link io.khora.metrics.MetricsListener#NONE}. {@code khora-micrometer}'s {@code KhoraMeterBinder} is one.
     */
    public EmbeddedSpaceBuilder metrics(io.khora.metrics.MetricsListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("space '" + name + "': metrics must not be null (MetricsListener.NONE reports nothing)");
        }
        this.metrics = listener;
        return this;
    }

    /** Number of partitions (default 1); entries are spread by routing value. */
    public EmbeddedSpaceBuilder partitions(int n) {
        if (n < 1 || n > 4096) {
            throw new IllegalArgumentException("partitions must be in 1..4096, got " + n);
        }
        this.partitions = n;
        return this;
    }

    /** How long an operation waits for the space to be READY before failing (default 30 s; zero = fail at once). */
    public EmbeddedSpaceBuilder spaceWait(Duration wait) {
        Objects.requireNonNull(wait, "space wait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("space wait must not be negative, got " + wait);
        }
        this.spaceWait = wait;
        return this;
    }

    /** How often expired entries are swept in the background (default 100 ms). */
    public EmbeddedSpaceBuilder leaseSweepInterval(Duration interval) {
        Objects.requireNonNull(interval, "lease sweep interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("lease sweep interval must be positive, got " + interval);
        }
        this.leaseSweepInterval = interval;
        return this;
    }

    /** The time source for leases (default: monotonic system time). */
    public EmbeddedSpaceBuilder ticker(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        return this;
    }

    /** The timer for waits and sweeps (default: one daemon thread owned by the space). */
    public EmbeddedSpaceBuilder scheduler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /** The executor for event and state-listener delivery (default: daemon threads owned by the space). */
    public EmbeddedSpaceBuilder eventExecutor(ExecutorService executor) {
        this.eventExecutor = Objects.requireNonNull(executor, "event executor");
        return this;
    }

    /** Events a subscription may have pending before it is terminated (default 100,000). */
    public EmbeddedSpaceBuilder eventQueueCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("event queue capacity must be at least 1, got " + capacity);
        }
        this.eventQueueCapacity = capacity;
        return this;
    }

    /** Registers a document type at start. */
    public EmbeddedSpaceBuilder registerType(SpaceDocumentType type) {
        documentTypes.add(Objects.requireNonNull(type, "document type"));
        return this;
    }

    /**
     * The data source (seeds 000–002): the space loads it at start (state LOADING, then READY) and
     * reads through it on misses. Alone it makes the space read-only towards the store; with a
     * {@link #synchronizationEndpoint} read-write.
     */
    public EmbeddedSpaceBuilder dataSource(SpaceDataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        return this;
    }

    /**
     * The synchronization endpoint: every write, change and take is persisted through it before it
     * is applied (write-through); a refusal fails the operation and leaves the space unchanged.
     */
    public EmbeddedSpaceBuilder synchronizationEndpoint(SpaceSynchronizationEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "synchronization endpoint");
        return this;
    }

    /** {@link CachePolicy#ALL_IN_CACHE} (the default) or {@link CachePolicy#LRU}, which needs {@link #maxEntries}. */
    public EmbeddedSpaceBuilder cachePolicy(CachePolicy policy) {
        this.cachePolicy = Objects.requireNonNull(policy, "cache policy");
        return this;
    }

    /** The most entries an LRU space holds; beyond it the least recently used are evicted (and read back on a miss). */
    public EmbeddedSpaceBuilder maxEntries(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + max);
        }
        this.maxEntries = max;
        return this;
    }

    /** How many times a partition's initial load is tried before the space goes INVALID (default 1). */
    public EmbeddedSpaceBuilder initialLoadAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("initial load attempts must be at least 1, got " + attempts);
        }
        this.initialLoadAttempts = attempts;
        return this;
    }

    /** How often initial-load progress is logged (default 2 s). */
    public EmbeddedSpaceBuilder initialLoadProgressInterval(Duration interval) {
        Objects.requireNonNull(interval, "progress interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("progress interval must be positive, got " + interval);
        }
        this.initialLoadProgressInterval = interval;
        return this;
    }

    /** Whether a lease expiry is persisted as a REMOVE (default false: expiry only evicts from memory). */
    public EmbeddedSpaceBuilder persistLeaseExpiry(boolean persist) {
        this.persistLeaseExpiry = persist;
        return this;
    }

    /** WRITE_THROUGH (default) or WRITE_BEHIND (which needs {@link #writeBehind(WriteBehindSettings)}). */
    public EmbeddedSpaceBuilder synchronizationMode(SynchronizationMode mode) {
        this.synchronizationMode = Objects.requireNonNull(mode, "synchronization mode");
        return this;
    }

    /**
     * Write-behind: operations return once their changes are in a durable per-partition outbox; a
     * mirror delivers them to the synchronization endpoint in order, in consolidated batches. Sets
     * the synchronization mode to WRITE_BEHIND.
     */
    public EmbeddedSpaceBuilder writeBehind(WriteBehindSettings settings) {
        this.writeBehind = Objects.requireNonNull(settings, "write-behind settings");
        this.synchronizationMode = SynchronizationMode.WRITE_BEHIND;
        return this;
    }

    /**
     * The default timeout of a {@link Transaction} (default 60 s; {@link TransactionOptions#withTimeout}
     * overrides it per transaction): one not committed within it is rolled back by the space.
     */
    public EmbeddedSpaceBuilder transactionTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "transaction timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("transaction timeout must be positive, got " + timeout);
        }
        this.transactionTimeout = timeout;
        return this;
    }

    /**
     * How long an operation that needs an entry a transaction holds locked (an update, a change, a
     * clear, an entry processor, a lease renewal — takes skip locked entries instead) waits for the
     * lock before failing with {@link TransactionConflictException} (default 10 s; zero fails at once).
     * Also the default lock wait of transactions' own operations ({@link TransactionOptions#withLockWait}).
     */
    public EmbeddedSpaceBuilder lockWait(Duration wait) {
        Objects.requireNonNull(wait, "lock wait");
        if (wait.isNegative()) {
            throw new IllegalArgumentException("lock wait must not be negative, got " + wait);
        }
        this.lockWait = wait;
        return this;
    }

    private LocalSpaceConfig.Persistence persistence() {
        if (cachePolicy == CachePolicy.LRU) {
            if (dataSource == null) {
                throw new IllegalStateException("space '" + name + "': LRU evicts entries and reads them back through the"
                        + " data source; set dataSource(...) or use ALL_IN_CACHE");
            }
            if (maxEntries == 0) {
                throw new IllegalStateException("space '" + name + "': LRU needs maxEntries(n)");
            }
            if (maxEntries < partitions) {
                throw new IllegalStateException("space '" + name + "': maxEntries (" + maxEntries + ") must be at least the number of"
                        + " partitions (" + partitions + ")");
            }
        } else if (maxEntries != 0) {
            throw new IllegalStateException("space '" + name + "': maxEntries applies to cachePolicy(LRU) only");
        }
        if (synchronizationMode == SynchronizationMode.WRITE_BEHIND) {
            if (endpoint == null) {
                throw new IllegalStateException("space '" + name + "': write-behind needs a synchronizationEndpoint to deliver to");
            }
            if (writeBehind == null) {
                throw new IllegalStateException("space '" + name + "': WRITE_BEHIND needs writeBehind(WriteBehindSettings.builder(dir)…)");
            }
        }
        if (persistLeaseExpiry && endpoint == null) {
            throw new IllegalStateException("space '" + name + "': persistLeaseExpiry needs a synchronizationEndpoint");
        }
        if (dataSource == null && endpoint == null) {
            return LocalSpaceConfig.Persistence.NONE;
        }
        return new LocalSpaceConfig.Persistence(dataSource, endpoint, cachePolicy, cachePolicy == CachePolicy.LRU ? maxEntries : 0,
                initialLoadAttempts, initialLoadProgressInterval, persistLeaseExpiry, synchronizationMode,
                synchronizationMode == SynchronizationMode.WRITE_BEHIND ? writeBehind : null, metrics);
    }

    /**
     * Starts the space. Without a data source it is READY when this returns; with one it is LOADING
     * until the initial load finishes (operations wait up to the space wait; see
     * {@link Space#waitForReady} and {@link Space#initialLoadProgress}).
     *
     * @throws IllegalStateException if the settings do not fit together (e.g. LRU without a data source)
     */
    public Space start() {
        LocalSpaceConfig.Persistence persistence = persistence();
        boolean ownsScheduler = scheduler == null;
        Scheduler s = ownsScheduler ? Scheduler.daemon("khora-" + name + "-timer") : scheduler;
        boolean ownsExecutor = eventExecutor == null;
        ExecutorService ex = ownsExecutor ? Executors.newCachedThreadPool(io.khora.internal.lifecycle.DaemonThreads.numbered("khora-" + name + "-events-")) : eventExecutor;
        LocalSpaceConfig config = new LocalSpaceConfig(name, partitions, spaceWait, leaseSweepInterval, ticker, s, ownsScheduler,
                ex, ownsExecutor, eventQueueCapacity, List.copyOf(documentTypes), persistence,
                new LocalSpaceConfig.Transactions(transactionTimeout, lockWait));
        return new LocalSpace(config).start();
    }

}

package io.khora.internal.local;

import io.khora.CachePolicy;
import io.khora.Scheduler;
import io.khora.SynchronizationMode;
import io.khora.Ticker;
import io.khora.document.SpaceDocumentType;
import io.khora.persistence.SpaceDataSource;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The validated settings of an embedded space, as the builder hands them over.
 *
 * @param name space name
 * @param partitions number of partitions (≥ 1)
 * @param spaceWait how long operations wait for READY
 * @param leaseSweepInterval how often expired entries are swept
 * @param ticker time source
 * @param scheduler timer for waits and sweeps
 * @param ownsScheduler whether closing the space closes the scheduler
 * @param eventExecutor runs event and state-listener deliveries
 * @param ownsEventExecutor whether closing the space shuts the executor down
 * @param eventQueueCapacity pending events per subscription before it is terminated
 * @param documentTypes document types to register at start
 * @param persistence the persistence settings
 * @param transactions the transaction settings
 */
public record LocalSpaceConfig(String name, int partitions, Duration spaceWait, Duration leaseSweepInterval,
                               Ticker ticker, Scheduler scheduler, boolean ownsScheduler,
                               ExecutorService eventExecutor, boolean ownsEventExecutor, int eventQueueCapacity,
                               List<SpaceDocumentType> documentTypes, Persistence persistence, Transactions transactions) {

    /** With the default transaction settings. */
    public LocalSpaceConfig(String name, int partitions, Duration spaceWait, Duration leaseSweepInterval,
                            Ticker ticker, Scheduler scheduler, boolean ownsScheduler,
                            ExecutorService eventExecutor, boolean ownsEventExecutor, int eventQueueCapacity,
                            List<SpaceDocumentType> documentTypes, Persistence persistence) {
        this(name, partitions, spaceWait, leaseSweepInterval, ticker, scheduler, ownsScheduler, eventExecutor, ownsEventExecutor,
                eventQueueCapacity, documentTypes, persistence, Transactions.DEFAULTS);
    }

    /**
     * Transaction settings.
     *
     * @param timeout the default timeout of a transaction
     * @param lockWait how long an operation waits for an entry a transaction holds (default of
     *     transactions' own operations too)
     */
    public record Transactions(Duration timeout, Duration lockWait) {
        /** 60 s timeout, 10 s lock wait. */
        public static final Transactions DEFAULTS = new Transactions(Duration.ofSeconds(60), Duration.ofSeconds(10));
    }

    /**
     * Persistence settings.
     *
     * @param dataSource the data source, or null
     * @param endpoint the synchronization endpoint, or null
     * @param cachePolicy ALL_IN_CACHE or LRU
     * @param maxEntries the LRU bound for the whole space (0 with ALL_IN_CACHE)
     * @param initialLoadAttempts tries per partition before the load fails
     * @param progressInterval how often load progress is logged
     * @param persistLeaseExpiry whether lease expiries are persisted as REMOVE
     * @param mode write-through or write-behind
     * @param writeBehind write-behind settings (with WRITE_BEHIND), else null
     * @param metrics where each partition's initial load is reported
     */
    public record Persistence(SpaceDataSource dataSource, SpaceSynchronizationEndpoint endpoint, CachePolicy cachePolicy,
                              int maxEntries, int initialLoadAttempts, Duration progressInterval, boolean persistLeaseExpiry,
                              SynchronizationMode mode, WriteBehindSettings writeBehind, io.khora.metrics.MetricsListener metrics) {
        /** No persistence. */
        public static final Persistence NONE = new Persistence(null, null, CachePolicy.ALL_IN_CACHE, 0, 1, Duration.ofSeconds(2), false,
                SynchronizationMode.WRITE_THROUGH, null, io.khora.metrics.MetricsListener.NONE);
    }
}

package io.khora.internal.local;

import io.khora.InitialLoadProgress;
import io.khora.Scheduler;
import io.khora.SpaceException;
import io.khora.SpaceState;
import io.khora.SpaceTypeException;
import io.khora.SynchronizationMode;
import io.khora.internal.engine.Change;
import io.khora.internal.engine.ChangeSink;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.events.EventBus;
import io.khora.internal.lifecycle.LifeCycle;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.persistence.InitialLoader;
import io.khora.internal.persistence.PendingChanges;
import io.khora.internal.persistence.ReadThrough;
import io.khora.internal.persistence.TransactionSink;
import io.khora.internal.persistence.WriteThroughSink;
import io.khora.internal.router.LocalRouter;
import io.khora.internal.writebehind.WriteBehindSink;
import io.khora.persistence.SpaceDataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * What an embedded space stands on, built from its {@link LocalSpaceConfig} and run through its
 * life: the life cycle, the event bus, the persistence sink (none, write-through or write-behind),
 * the partitions and their router, read-through and the initial load, and the two background tasks
 * (lease sweeping, load progress lines). {@link LocalSpace} is the API over it; this class is the
 * wiring, so the API class holds no construction or start-up logic.
 *
 * <p>Start: INITIAL → LOADING, the sweeper and write-behind start, the initial load runs in the
 * background, write-behind changes the store does not have yet are applied over the loaded data,
 * then READY (INVALID if the load fails). Shutdown releases everything in the reverse order.
 */
final class SpaceWiring {
    private static final Logger LOG = LoggerFactory.getLogger(SpaceWiring.class);

    final LocalSpaceConfig config;
    final EntryMapper mapper;
    final LifeCycle lifeCycle;
    final EventBus events;
    final LocalRouter router;
    /** Null without a data source. */
    final ReadThrough readThrough;
    /** Null without a data source. */
    final InitialLoader loader;
    /** Null unless the endpoint is written behind. */
    final WriteBehindSink writeBehind;
    final TransactionSink transactionSink;
    private volatile Future<?> progressTask;
    private volatile Future<?> sweeperTask;

    SpaceWiring(LocalSpaceConfig config, EntryMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.lifeCycle = new LifeCycle(config.name(), config.spaceWait(), config.eventExecutor());
        this.events = new EventBus(config.name(), config.eventExecutor(), config.eventQueueCapacity());
        LocalSpaceConfig.Persistence persistence = config.persistence();
        int n = config.partitions();
        ChangeSink sink;
        if (persistence.endpoint() == null) {
            sink = ChangeSink.NONE;
            this.writeBehind = null;
            this.transactionSink = TransactionSink.NONE;
        } else if (persistence.mode() == SynchronizationMode.WRITE_BEHIND) {
            this.writeBehind = new WriteBehindSink(config.name(), n, persistence.endpoint(), persistence.writeBehind(), mapper,
                    this::resolveType, persistence.persistLeaseExpiry());
            sink = writeBehind;
            this.transactionSink = writeBehind;
        } else {
            WriteThroughSink wt = new WriteThroughSink(config.name(), persistence.endpoint(), mapper, persistence.persistLeaseExpiry());
            sink = wt;
            this.transactionSink = wt;
            this.writeBehind = null;
        }
        PartitionEngine[] parts = new PartitionEngine[n];
        for (int i = 0; i < n; i++) {
            int bound = persistence.maxEntries() == 0 ? 0 : persistence.maxEntries() / n + (i < persistence.maxEntries() % n ? 1 : 0);
            parts[i] = new PartitionEngine(config.name(), i, config.ticker(), events, sink, bound);
        }
        this.router = new LocalRouter(parts);
        config.documentTypes().forEach(mapper::registerType);
        SpaceDataSource ds = persistence.dataSource();
        this.readThrough = ds == null ? null
                : new ReadThrough(config.name(), ds, router, mapper, persistence.cachePolicy(), persistence.endpoint() != null,
                        writeBehind == null ? PendingChanges.NONE : writeBehind);
        this.loader = ds == null ? null : new InitialLoader(config.name(), ds, router, mapper, persistence.initialLoadAttempts(),
                persistence.metrics());
    }

    /** INITIAL → LOADING, then READY at once without a data source, else when the background load ends. */
    void start() {
        lifeCycle.moveTo(SpaceState.LOADING, null);
        scheduleSweep();
        List<List<Change>> undelivered = writeBehind == null ? List.of() : writeBehind.recoverUndelivered();
        if (writeBehind != null) {
            writeBehind.start();
        }
        if (loader == null) {
            restore(undelivered);
            lifeCycle.moveTo(SpaceState.READY, null);
            return;
        }
        scheduleProgressLog(config.persistence().progressInterval().toMillis());
        loader.start().whenComplete((ok, failure) -> {
            Future<?> t = progressTask;
            if (t != null) {
                t.cancel(false);
            }
            if (lifeCycle.isClosed()) {
                return;
            }
            if (failure == null) {
                LOG.info("space '{}': initial load finished: {}", config.name(), loader.progress());
                restore(undelivered);
                lifeCycle.moveTo(SpaceState.READY, null);
            } else {
                LOG.error("space '{}': initial load failed; the space is INVALID", config.name(), failure);
                lifeCycle.moveTo(SpaceState.INVALID, "initial load failed: " + failure.getMessage());
            }
        });
    }

    /** How far the initial load has got ({@link InitialLoadProgress#NONE} without a data source). */
    InitialLoadProgress initialLoadProgress() {
        return loader == null ? InitialLoadProgress.NONE : loader.progress();
    }

    /** Applies changes the store does not have yet (write-behind, after a restart) over the loaded data. */
    private void restore(List<List<Change>> undelivered) {
        for (int p = 0; p < undelivered.size(); p++) {
            for (Change c : undelivered.get(p)) {
                router.partition(p).restore(c);
            }
        }
    }

    /** Finds a type from an outbox record: a registered document type, or a class by name. */
    private TypeDescriptor resolveType(String typeName, String className) {
        if (className == null) {
            return mapper.documentType(typeName);
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try {
            return mapper.describe(Class.forName(className, false, cl != null ? cl : SpaceWiring.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            throw new SpaceTypeException("write-behind outbox holds changes of " + className + ", which is not on the class path", e);
        }
    }

    private void scheduleProgressLog(long everyMillis) {
        try {
            progressTask = config.scheduler().schedule(() -> {
                InitialLoadProgress p = loader.progress();
                if (!p.finished() && !lifeCycle.isClosed()) {
                    LOG.info("space '{}' initial load: {}", config.name(), p);
                    scheduleProgressLog(everyMillis);
                }
            }, everyMillis);
        } catch (RejectedExecutionException closing) {
            LOG.debug("space '{}': scheduler closed, no more progress lines", config.name());
        }
    }

    private void scheduleSweep() {
        if (lifeCycle.isClosed()) {
            return;
        }
        try {
            sweeperTask = config.scheduler().schedule(() -> {
                try {
                    router.sweep();
                } catch (SpaceException closed) {
                    return;
                } catch (RuntimeException e) {
                    LOG.error("space '{}': lease sweep failed", config.name(), e);
                }
                scheduleSweep();
            }, config.leaseSweepInterval().toMillis());
        } catch (RejectedExecutionException closing) {
            LOG.debug("space '{}': scheduler closed, lease sweeping stops", config.name());
        }
    }

    /** Closes the life cycle first (callers then get SpaceClosedException), then the tasks, sinks, partitions and executors. */
    void shutdown() {
        lifeCycle.close();
        lifeCycle.moveTo(SpaceState.INVALID, "closed");
        for (Future<?> task : new Future<?>[] {sweeperTask, progressTask}) {
            if (task != null) {
                task.cancel(false);
            }
        }
        if (writeBehind != null) {
            writeBehind.close();
        }
        router.close();
        events.close();
        if (config.ownsScheduler()) {
            Scheduler.close(config.scheduler());
        }
        if (config.ownsEventExecutor()) {
            config.eventExecutor().shutdown();
        }
        LOG.info("space '{}' closed", config.name());
    }
}

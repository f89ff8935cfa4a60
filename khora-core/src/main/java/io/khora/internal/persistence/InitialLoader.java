package io.khora.internal.persistence;

import io.khora.ClusterInfo;
import io.khora.InitialLoadProgress;
import io.khora.SpaceException;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.lifecycle.DaemonThreads;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.router.LocalRouter;
import io.khora.persistence.Partitioning;
import io.khora.persistence.DataIterator;
import io.khora.persistence.DataSourceException;
import io.khora.persistence.SpaceDataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The initial load (seed 001): every partition asks the data source for its share
 * ({@link SpaceDataSource#initialDataLoad(ClusterInfo)}), in parallel, one thread per partition,
 * and puts each row into memory. A row whose routing value belongs to another partition is
 * discarded and counted (the data source could not filter it, e.g. non-integral routing). A failure
 * is retried, after clearing the partition, up to the configured attempts; then the whole load
 * fails — never a READY space with part of the data.
 */
public final class InitialLoader {
    private static final Logger LOG = LoggerFactory.getLogger(InitialLoader.class);

    private final io.khora.metrics.MetricsListener metrics;
    private final String spaceName;
    private final SpaceDataSource dataSource;
    private final LocalRouter router;
    private final EntryMapping mapping;
    private final int attempts;
    private final AtomicLong loaded = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile long expected = -1;
    private volatile long startNanos;
    private volatile long endNanos;
    private volatile boolean finished;

    /**
     * @param spaceName for messages
     * @param dataSource where rows come from
     * @param router the partitions
     * @param mapping user objects to values
     * @param attempts how many times one partition's load is tried before the load fails (≥ 1)
     */
    public InitialLoader(String spaceName, SpaceDataSource dataSource, LocalRouter router, EntryMapping mapping, int attempts) {
        this(spaceName, dataSource, router, mapping, attempts, io.khora.metrics.MetricsListener.NONE);
    }

    /** Like the other constructor, reporting each partition's load (rows, time) to {@code metrics}. */
    public InitialLoader(String spaceName, SpaceDataSource dataSource, LocalRouter router, EntryMapping mapping, int attempts,
                         io.khora.metrics.MetricsListener metrics) {
        this.metrics = metrics;
        this.spaceName = spaceName;
        this.dataSource = dataSource;
        this.router = router;
        this.mapping = mapping;
        this.attempts = attempts;
    }

    /**
     * Starts the load on its own threads.
     *
     * @return completes when every partition is loaded, or exceptionally with the first failure
     */
    public CompletableFuture<Void> start() {
        startNanos = System.nanoTime();
        int n = router.size();
        long total = 0;
        for (int p = 0; p < n && total >= 0; p++) {
            long e = estimate(new ClusterInfo(n, p + 1, 0));
            total = e < 0 ? -1 : total + e;
        }
        expected = total;
        List<CompletableFuture<Void>> parts = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            int partition = p;
            CompletableFuture<Void> f = new CompletableFuture<>();
            DaemonThreads.start("khora-" + spaceName + "-load-" + (p + 1), () -> {
                try {
                    loadPartition(partition);
                    f.complete(null);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
            parts.add(f);
        }
        CompletableFuture<Void> all = new CompletableFuture<>();
        for (CompletableFuture<Void> f : parts) {
            f.whenComplete((r, t) -> {
                if (t != null) {
                    Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
                    failure.compareAndSet(null, String.valueOf(cause.getMessage()));
                    finish();
                    all.completeExceptionally(cause);
                }
            });
        }
        CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenRun(() -> {
            finish();
            all.complete(null);
        });
        return all;
    }

    private long estimate(ClusterInfo info) {
        try {
            return dataSource.estimateInitialLoadSize(info);
        } catch (RuntimeException e) {
            LOG.warn("space '{}': the data source could not estimate the initial load size", spaceName, e);
            return -1;
        }
    }

    private void finish() {
        if (!finished) {
            endNanos = System.nanoTime();
            finished = true;
        }
    }

    private void loadPartition(int p) {
        int n = router.size();
        ClusterInfo info = new ClusterInfo(n, p + 1, 0);
        PartitionEngine engine = router.partition(p);
        for (int attempt = 1; ; attempt++) {
            long attemptStarted = System.nanoTime();
            long loadedHere = 0;
            long discardedHere = 0;
            try (DataIterator<Object> it = nonNull(dataSource.initialDataLoad(info))) {
                while (it.hasNext()) {
                    if (failure.get() != null) {
                        return; // another partition failed for good: stop reading
                    }
                    Object row = it.next();
                    if (row == null) {
                        continue;
                    }
                    TypeDescriptor type = mapping.describeEntry(row);
                    Object[] values = mapping.toValues(type, row);
                    Object routing = values[type.routingIndex()];
                    if (routing == null) {
                        throw new DataSourceException("initial load: a row of " + type.name() + " with id=" + values[type.idIndex()]
                                + " has a null routing property '" + type.property(type.routingIndex()).name() + "'", null);
                    }
                    if (Partitioning.partitionOf(routing, n) != p) {
                        discardedHere++;
                        discarded.incrementAndGet();
                        continue;
                    }
                    engine.load(type, values);
                    loadedHere++;
                    loaded.incrementAndGet();
                }
                if (discardedHere > 0) {
                    LOG.info("space '{}' partition {}: discarded {} rows owned by other partitions (the data source did not"
                            + " filter them, e.g. non-integral routing)", spaceName, p + 1, discardedHere);
                }
                metrics.initialLoad(spaceName, p, loadedHere, System.nanoTime() - attemptStarted);
                return;
            } catch (RuntimeException e) {
                loaded.addAndGet(-loadedHere);
                discarded.addAndGet(-discardedHere);
                engine.reset();
                if (attempt >= attempts || failure.get() != null) {
                    throw e instanceof SpaceException ? e : new DataSourceException("initial load of partition " + (p + 1)
                            + " failed after " + attempt + " attempt(s): " + e, e);
                }
                LOG.warn("space '{}' partition {}: initial load attempt {} of {} failed; clearing the partition and retrying",
                        spaceName, p + 1, attempt, attempts, e);
            }
        }
    }

    private static DataIterator<Object> nonNull(DataIterator<Object> it) {
        return it == null ? DataIterator.empty() : it;
    }

    /** The progress so far. */
    public InitialLoadProgress progress() {
        long start = startNanos;
        long end = finished ? endNanos : System.nanoTime();
        return new InitialLoadProgress(loaded.get(), discarded.get(), expected,
                Duration.ofNanos(start == 0 ? 0 : end - start), finished, failure.get());
    }
}

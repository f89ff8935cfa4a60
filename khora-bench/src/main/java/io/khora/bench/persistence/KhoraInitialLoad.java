package io.khora.bench.persistence;

import io.khora.InitialLoadProgress;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.hibernate.DefaultHibernateSpaceDataSource;
import org.hibernate.SessionFactory;

import java.time.Duration;

/**
 * Khora's initial load: an embedded space of 1 or 4 partitions over
 * {@link DefaultHibernateSpaceDataSource} with its defaults (fetch size 10,000, chunks of 100,000
 * ids, {@code min(4, cores)} reading threads per partition, the partition filter pushed into SQL).
 * Timed from {@code start()} until {@code waitForReady} returns, which includes the data source's
 * per-partition row-count estimate that the space runs before it reads.
 */
final class KhoraInitialLoad implements Mechanism {
    private static final Duration READY_WAIT = Duration.ofMinutes(10);

    private final int partitions;
    private final long expected;
    private final DefaultHibernateSpaceDataSource dataSource;

    KhoraInitialLoad(SessionFactory sessionFactory, int partitions, long expected) {
        this.partitions = partitions;
        this.expected = expected;
        this.dataSource = DefaultHibernateSpaceDataSource.builder(sessionFactory).build();
    }

    @Override
    public Round round(int round, CpuMeter cpu) throws InterruptedException {
        Stopwatch sw = Stopwatch.start(cpu);
        try (Space space = Spaces.embedded("bench-load-" + partitions + "p-" + round).partitions(partitions).dataSource(dataSource)
                .start()) {
            if (!space.waitForReady(READY_WAIT)) {
                throw new IllegalStateException("the space did not become READY within " + READY_WAIT + ": "
                        + space.initialLoadProgress());
            }
            Round r = sw.stop(expected);
            InitialLoadProgress progress = space.initialLoadProgress();
            if (progress.failure() != null) {
                throw new IllegalStateException("the initial load failed: " + progress);
            }
            Rounds.check("Khora's initial load into " + partitions + " partition(s)", space.count(Query.all(BenchTrade.class)), expected);
            Rounds.check("Khora's initial load (rows discarded by the wrong partition)", progress.discarded(), 0);
            return r;
        }
    }
}

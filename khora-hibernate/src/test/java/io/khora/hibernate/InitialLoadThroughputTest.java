package io.khora.hibernate;

import io.khora.ClusterInfo;
import io.khora.hibernate.model.PurchaseOrder;
import io.khora.persistence.Partitioning;
import io.khora.persistence.DataIterator;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100,000 rows from a real PostgreSQL into one partition and into four partitions loading in
 * parallel (as a space does), with the rows/s logged. Asserts completeness and placement only;
 * the rates are reported, not asserted (shared 2-core machines vary).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InitialLoadThroughputTest {
    private static final Logger LOG = LoggerFactory.getLogger(InitialLoadThroughputTest.class);
    private static final int ROWS = 100_000;

    @Test
    void loads100kRowsFromPostgres() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            SessionFactory sf = db.sessionFactory(false, PurchaseOrder.class); // no counting proxies in the way
            db.update("insert into purchase_orders (id, customer_id, status, amount) "
                    + "select g, (g * 7919) % 100003 - 50000, case when g % 3 = 0 then 'OPEN' else 'CLOSED' end, g % 1000 "
                    + "from generate_series(1, " + ROWS + ") g");
            db.update("vacuum analyze purchase_orders");
            DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadChunkSize(25_000).build();
            long baseline = 0;
            for (int round = 0; round < 4; round++) {
                long start = System.nanoTime();
                long rows = jdbcBaseline(db);
                baseline = Math.max(baseline, Math.round(rows / ((System.nanoTime() - start) / 1e9)));
            }
            LOG.info("PostgreSQL plain JDBC baseline (one thread, fetch size 10,000, into POJOs): best of 4 rounds {} rows/s", baseline);
            for (int partitions : new int[] {1, 4}) {
                long best = 0;
                for (int round = 0; round < 4; round++) { // the first rounds warm the JIT up; the best is reported
                    long start = System.nanoTime();
                    long rows = loadAll(ds, partitions);
                    double secs = (System.nanoTime() - start) / 1e9;
                    assertThat(rows).isEqualTo(ROWS);
                    best = Math.max(best, Math.round(rows / secs));
                }
                LOG.info("PostgreSQL initial load, {} partition(s) loading in parallel: {} rows, best of 4 rounds {} rows/s",
                        partitions, ROWS, best);
            }
        }
    }

    private static long jdbcBaseline(TestDatabase db) throws java.sql.SQLException {
        long n = 0;
        try (java.sql.Connection c = db.raw().getConnection()) {
            c.setAutoCommit(false);
            try (java.sql.PreparedStatement ps = c.prepareStatement("select id, amount, customer_id, status from purchase_orders")) {
                ps.setFetchSize(10_000);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        PurchaseOrder o = new PurchaseOrder(rs.getLong(1), rs.getInt(3), rs.getString(4), rs.getDouble(2));
                        if (o.getId() > 0) {
                            n++;
                        }
                    }
                }
            }
            c.rollback();
        }
        return n;
    }

    private static long loadAll(DefaultHibernateSpaceDataSource ds, int partitions) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(partitions);
        AtomicLong total = new AtomicLong();
        try {
            Future<?>[] f = new Future<?>[partitions];
            for (int k = 1; k <= partitions; k++) {
                ClusterInfo partition = new ClusterInfo(partitions, k, 0);
                f[k - 1] = pool.submit(() -> {
                    long n = 0;
                    try (DataIterator<Object> it = ds.initialDataLoad(partition)) {
                        while (it.hasNext()) {
                            PurchaseOrder o = (PurchaseOrder) it.next();
                            if (Partitioning.partitionOf(o.getCustomerId(), partitions) != partition.instanceId() - 1) {
                                throw new AssertionError(o + " is not in partition " + partition);
                            }
                            n++;
                        }
                    }
                    total.addAndGet(n);
                    return null;
                });
            }
            for (Future<?> fu : f) {
                fu.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return total.get();
    }
}

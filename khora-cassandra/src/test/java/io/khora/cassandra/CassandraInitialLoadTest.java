package io.khora.cassandra;

import io.khora.InitialLoadProgress;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.cassandra.model.Item;
import io.khora.cassandra.model.Order;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Initial load from a real Cassandra 5.0 into a 4-partition embedded space: every row lands in its
 * router partition (negative routing values and the int extremes included), nothing is discarded,
 * and with the shared scan each row is read from Cassandra exactly once for the whole space.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CassandraInitialLoadTest {
    static final int ORDERS = 3_000;
    static final int ITEMS = 2_000;
    TestKeyspace ks;

    @BeforeAll
    void createData() {
        ks = new TestKeyspace("initial_load");
        ks.insertOrders(ORDERS);
        ks.insertItems(ITEMS);
    }

    @AfterAll
    void dropData() {
        if (ks != null) {
            ks.close();
        }
    }

    @Test
    void fourPartitionsLoadEachRowOnceRoutedByANonKeyIntegralColumnWithNegativeValues() {
        CassandraSpaceDataSource ds = CassandraSpaceDataSource.builder(ks.session).table(ks.orders).build();
        try (Space space = Spaces.embedded("cass-load-orders").partitions(4).dataSource(ds).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(120))).isTrue();
            InitialLoadProgress progress = space.initialLoadProgress();
            assertThat(progress.loaded()).isEqualTo(ORDERS);
            assertThat(progress.discarded()).as("every row went to its own partition").isZero();
            assertThat(ds.rowsRead()).as("each row read once per space, not once per partition").isEqualTo(ORDERS);
            assertThat(space.count(Query.all(Order.class))).isEqualTo(ORDERS);
            assertThat(space.readById(Order.class, 1L).getCustomerId()).isEqualTo(Integer.MIN_VALUE);
            assertThat(space.readById(Order.class, 2L).getCustomerId()).isEqualTo(Integer.MAX_VALUE);
            assertThat(space.readById(Order.class, 10L).getCustomerId()).isEqualTo(-73);
            assertThat(space.count(Query.of(Order.class, "customerId < ?", 0))).isEqualTo(ORDERS / 2);
        }
    }

    @Test
    void fourPartitionsLoadEachRowOnceRoutedByThePartitionKey() {
        CassandraSpaceDataSource ds = CassandraSpaceDataSource.builder(ks.session).table(ks.items).loadThreads(3).build();
        try (Space space = Spaces.embedded("cass-load-items").partitions(4).dataSource(ds).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(120))).isTrue();
            InitialLoadProgress progress = space.initialLoadProgress();
            assertThat(progress.loaded()).isEqualTo(ITEMS);
            assertThat(progress.discarded()).isZero();
            assertThat(ds.rowsRead()).isEqualTo(ITEMS);
            assertThat(space.readById(Item.class, -1_000L).getNote()).isEqualTo("item -1000");
            assertThat(space.count(Query.of(Item.class, "id < ?", 0L))).isEqualTo(ITEMS / 2);
        }
    }

    @Test
    void withoutTheSharedScanEachPartitionReadsTheWholeTableAndKeepsOnlyItsRows() {
        CassandraSpaceDataSource ds = CassandraSpaceDataSource.builder(ks.session).table(ks.orders).sharedLoad(false).build();
        try (Space space = Spaces.embedded("cass-load-unshared").partitions(4).dataSource(ds).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(120))).isTrue();
            assertThat(space.initialLoadProgress().loaded()).isEqualTo(ORDERS);
            assertThat(space.initialLoadProgress().discarded()).isZero();
            assertThat(ds.rowsRead()).as("one full read per partition").isEqualTo(4L * ORDERS);
        }
    }
}

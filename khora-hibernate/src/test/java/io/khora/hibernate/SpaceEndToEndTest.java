package io.khora.hibernate;

import io.khora.CachePolicy;
import io.khora.ChangeSet;
import io.khora.InitialLoadProgress;
import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceState;
import io.khora.Spaces;
import io.khora.hibernate.model.Product;
import io.khora.hibernate.model.PurchaseOrder;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real space over H2 with the Hibernate data source and endpoint: a 4-partition initial load
 * that discards nothing (the partition filter did the work in SQL), write-through of every kind
 * of change, and LRU read-through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpaceEndToEndTest {
    TestDatabase db;
    SessionFactory sf;

    @BeforeAll
    void createData() {
        db = TestDatabase.h2();
        sf = db.sessionFactory(PurchaseOrder.class, Product.class);
        TestData.orders(db);
        TestData.products(db);
    }

    @AfterAll
    void dropData() {
        db.close();
    }

    @Test
    void fourPartitionsLoadWriteThroughAndReadBack() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(PurchaseOrder.class.getName())
                .initialLoadChunkSize(1_000).build();
        try (Space space = Spaces.embedded("e2e").partitions(4).dataSource(ds)
                .synchronizationEndpoint(new DefaultHibernateSpaceSynchronizationEndpoint(sf)).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(30))).isTrue();
            assertThat(space.state()).isEqualTo(SpaceState.READY);
            InitialLoadProgress progress = space.initialLoadProgress();
            assertThat(progress.loaded()).isEqualTo(TestData.ORDERS + TestData.EXTRA_ORDERS);
            assertThat(progress.discarded()).as("the partition filter returned only owned rows").isZero();
            assertThat(space.count(Query.all(PurchaseOrder.class))).isEqualTo(TestData.ORDERS + TestData.EXTRA_ORDERS);
            assertThat(space.readById(PurchaseOrder.class, (long) TestData.ORDERS + 1).getCustomerId()).isEqualTo(Integer.MIN_VALUE);

            space.write(new PurchaseOrder(50_000L, -42, "NEW", 12.5));
            assertThat(db.query("select status from purchase_orders where id = 50000")).containsExactly(java.util.Map.of("status", "NEW"));
            space.change(Query.of(PurchaseOrder.class, "id = ?", 50_000L), ChangeSet.create().set("status", "PAID").increment("amount", 1.5));
            assertThat(db.query("select status, amount from purchase_orders where id = 50000"))
                    .containsExactly(java.util.Map.of("status", "PAID", "amount", 14.0));
            assertThat(space.takeById(PurchaseOrder.class, 50_000L)).isNotNull();
            assertThat(db.count("select count(*) from purchase_orders where id = 50000")).isZero();
        }
    }

    @Test
    void writeMultipleIsOneDatabaseTransactionPerPartition() {
        List<java.util.Set<Integer>> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        DefaultHibernateSpaceSynchronizationEndpoint endpoint = new DefaultHibernateSpaceSynchronizationEndpoint(sf) {
            @Override
            public void onOperationsBatchSynchronization(io.khora.persistence.OperationsBatchData batch) {
                super.onOperationsBatchSynchronization(batch); // one database transaction per call
                java.util.Set<Integer> partitions = new java.util.HashSet<>();
                for (io.khora.persistence.DataSyncOperation op : batch.getBatchDataItems()) {
                    partitions.add(op.getPartitionId());
                }
                batches.add(partitions);
            }
        };
        try (Space space = Spaces.embedded("e2e-multiple").partitions(4).synchronizationEndpoint(endpoint).start()) {
            List<PurchaseOrder> ten = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ten.add(new PurchaseOrder(60_000L + i, i, "MULTI", i));
            }
            space.writeMultiple(ten);
            assertThat(db.count("select count(*) from purchase_orders where status = 'MULTI'")).isEqualTo(10);
            assertThat(batches).as("one batch per partition touched").allMatch(p -> p.size() == 1);
            assertThat(batches.stream().map(p -> p.iterator().next()).distinct().count()).isEqualTo(batches.size());
            assertThat(batches.size()).isLessThanOrEqualTo(4);
            space.takeMultiple(Query.of(PurchaseOrder.class, "status = 'MULTI'"), 100);
        }
    }

    @Test
    void lruReadsMissesThroughTheDataSource() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(Product.class.getName()).build();
        try (Space space = Spaces.embedded("e2e-lru").partitions(2).dataSource(ds).cachePolicy(CachePolicy.LRU).maxEntries(100).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(30))).isTrue();
            db.counting().reset();
            Product p = space.readById(Product.class, "SKU-00007");
            assertThat(p).isNotNull().extracting(Product::getName).isEqualTo("product 7");
            List<Product> some = space.readByIds(Product.class, List.of("SKU-00001", "SKU-00002", "SKU-00003"));
            assertThat(some).extracting(Product::getSku).containsExactlyInAnyOrder("SKU-00001", "SKU-00002", "SKU-00003");
            List<Product> cat = space.readMultiple(Query.of(Product.class, "category = ? AND stock > ?", "cat-3", 30));
            assertThat(cat).hasSize((int) db.count("select count(*) from products where category = 'cat-3' and stock > 30"));
        }
    }
}

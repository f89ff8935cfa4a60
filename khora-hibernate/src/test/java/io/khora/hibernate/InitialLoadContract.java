package io.khora.hibernate;

import io.khora.ClusterInfo;
import io.khora.hibernate.model.Account;
import io.khora.hibernate.model.Product;
import io.khora.hibernate.model.PurchaseOrder;
import io.khora.hibernate.model.annotated.Invoice;
import io.khora.hibernate.model.beans.OrderLoadQueries;
import io.khora.persistence.Partitioning;
import io.khora.persistence.ConcurrentMultiDataIterator;
import io.khora.persistence.DataIterator;
import io.khora.persistence.DataSourceException;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The initial load (seed 001) against a real database: which types, custom queries, the partition
 * filter (exact, negative values included, every row read once), chunked parallel load,
 * overriding, back-pressure and bad input. Run on H2 and on PostgreSQL by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class InitialLoadContract {
    static final int ORDERS = TestData.ORDERS;
    static final int PRODUCTS = TestData.PRODUCTS;
    static final int INVOICES = TestData.INVOICES;
    static final String ORDER = PurchaseOrder.class.getName();
    static final String PRODUCT = Product.class.getName();
    static final String INVOICE = Invoice.class.getName();

    TestDatabase db;
    SessionFactory sf;
    long accounts;

    abstract TestDatabase.Kind kind();

    @BeforeAll
    void createData() {
        db = TestDatabase.create(kind());
        sf = db.sessionFactory(PurchaseOrder.class, Product.class, Account.class, Invoice.class);
        TestData.orders(db);
        TestData.products(db);
        accounts = TestData.accounts(db);
        TestData.invoices(db);
    }

    @AfterAll
    void dropData() {
        db.close();
    }

    @BeforeEach
    void resetCounters() {
        db.counting().reset();
        OrderLoadQueries.CALLS.clear();
    }

    /** Entity rows the database sent for {@code table} (count and min/max planning queries excluded). */
    long rowsLoadedFrom(String table) {
        return db.counting().rowsRead(sql -> sql.contains("from " + table) && !sql.contains("count("));
    }

    /** Whether SQL carries the partition filter ({@code mod(…)} on PostgreSQL, {@code %} on H2). */
    static boolean partitionFiltered(String sql) {
        return sql.contains("mod(") || sql.matches("(?s).*%\\d.*");
    }

    static List<Object> drain(DataIterator<Object> it) {
        List<Object> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    static <T> List<T> only(List<Object> rows, Class<T> type) {
        return rows.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static Map<Class<?>, Long> countByClass(List<Object> rows) {
        return rows.stream().collect(Collectors.groupingBy(Object::getClass, Collectors.counting()));
    }

    // ------------------------------------------------------------------ which types

    @Test
    void loadsEveryMappedEntityWhenNoEntriesAreNamed() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).build();
        List<Object> rows = drain(ds.initialDataLoad(new ClusterInfo(1, 1, 0)));
        assertThat(countByClass(rows)).containsOnly(
                Map.entry(PurchaseOrder.class, (long) ORDERS + 3), Map.entry(Product.class, (long) PRODUCTS),
                Map.entry(Account.class, accounts),
                Map.entry(Invoice.class, db.count("select count(*) from invoices where total > 50"))); // Invoice's own query
        assertThat(ds.getInitialLoadEntries()).containsExactlyInAnyOrder(ORDER, PRODUCT, INVOICE, Account.class.getName());
    }

    @Test
    void initialLoadEntriesSelectsTheTypesByClassOrEntityName() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf)
                .initialLoadEntries(ORDER, "Account").build();
        List<Object> rows = drain(ds.initialDataLoad(new ClusterInfo(1, 1, 0)));
        assertThat(countByClass(rows)).containsOnly(Map.entry(PurchaseOrder.class, (long) ORDERS + 3), Map.entry(Account.class, accounts));
        assertThat(ds.estimateInitialLoadSize(new ClusterInfo(1, 1, 0))).isEqualTo(ORDERS + 3 + accounts);
        assertThat(db.counting().statements()).noneMatch(s -> s.contains("products") || s.contains("invoices"));
    }

    // ------------------------------------------------------------------ partitioned load

    @Test
    void partitionedLoadReturnsExactlyTheRouterRowsNegativeIncludedAndReadsEachRowOnce() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf)
                .initialLoadEntries(ORDER, Account.class.getName()).build();
        int n = 4;
        Set<Long> orderIds = new HashSet<>();
        Set<Long> accountIds = new HashSet<>();
        long loaded = 0;
        for (int k = 1; k <= n; k++) {
            ClusterInfo partition = new ClusterInfo(n, k, 0);
            List<Object> rows = drain(ds.initialDataLoad(partition));
            loaded += rows.size();
            assertThat(ds.estimateInitialLoadSize(partition)).as("estimate of partition %d", k).isEqualTo(rows.size());
            for (PurchaseOrder o : only(rows, PurchaseOrder.class)) {
                assertThat(Partitioning.partitionOf(o.getCustomerId(), n)).as("partition of %s", o).isEqualTo(k - 1);
                assertThat(orderIds.add(o.getId())).as("%s loaded once", o).isTrue();
            }
            for (Account a : only(rows, Account.class)) {
                assertThat(Partitioning.partitionOf(a.getId(), n)).as("partition of account %d", a.getId()).isEqualTo(k - 1);
                assertThat(accountIds.add(a.getId())).isTrue();
            }
            assertThat(only(rows, PurchaseOrder.class)).as("partition %d has orders", k).isNotEmpty();
        }
        assertThat(orderIds).hasSize(ORDERS + 3);
        assertThat(accountIds).hasSize((int) accounts);
        assertThat(loaded).isEqualTo(ORDERS + 3 + accounts);
        // what the database sent: each entity row once over the four partitions, not four times
        assertThat(rowsLoadedFrom("purchase_orders")).isEqualTo(ORDERS + 3);
        assertThat(rowsLoadedFrom("accounts")).isEqualTo(accounts);
        assertThat(db.counting().statements()).filteredOn(s -> s.contains("from purchase_orders") && !s.contains("count("))
                .hasSize(n).allMatch(InitialLoadContract::partitionFiltered);
    }

    @Test
    void aFourPartitionSpaceHoldsEveryRowExactlyInThePartitionTheRouterPicks() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf)
                .initialLoadEntries(ORDER, Account.class.getName()).build();
        int n = 4;
        try (io.khora.Space space = io.khora.Spaces.embedded("partitioned-" + kind()).partitions(n).dataSource(ds).start()) {
            assertThat(space.waitForReady(java.time.Duration.ofSeconds(60))).isTrue();
            io.khora.InitialLoadProgress progress = space.initialLoadProgress();
            assertThat(progress.loaded()).isEqualTo(ORDERS + 3 + accounts);
            assertThat(progress.discarded()).as("the database returned only each partition's own rows").isZero();
            io.khora.internal.local.LocalSpace local = (io.khora.internal.local.LocalSpace) space;
            io.khora.internal.query.CompiledQuery allOrders = io.khora.internal.query.CompiledQuery.all(
                    io.khora.internal.metadata.TypeIntrospector.describe(PurchaseOrder.class));
            Set<Long> seen = new HashSet<>();
            for (int p = 0; p < n; p++) {
                List<io.khora.internal.engine.SpaceEntry> held = new ArrayList<>();
                local.router().partition(p).readMultiple(allOrders, Integer.MAX_VALUE, held);
                for (io.khora.internal.engine.SpaceEntry e : held) {
                    assertThat(Partitioning.partitionOf(e.routing(), n)).as("order %s in partition %d", e.id(), p).isEqualTo(p);
                    assertThat(seen.add((Long) e.id())).as("order %s held once", e.id()).isTrue();
                }
            }
            assertThat(seen).hasSize(ORDERS + 3);
            assertThat(space.count(io.khora.Query.of(PurchaseOrder.class, "customerId < 0"))).isPositive();
        }
        assertThat(rowsLoadedFrom("purchase_orders")).as("each row read once, not once per partition").isEqualTo(ORDERS + 3);
    }

    @Test
    void negativeRoutingValuesLandWhereFloorModPutsThem() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(ORDER).build();
        Map<Long, Integer> partitionOf = new HashMap<>();
        for (int k = 1; k <= 4; k++) {
            for (PurchaseOrder o : only(drain(ds.initialDataLoad(new ClusterInfo(4, k, 0))), PurchaseOrder.class)) {
                partitionOf.put(o.getId(), k - 1);
            }
        }
        assertThat(partitionOf.get((long) ORDERS + 1)).as("Integer.MIN_VALUE").isEqualTo(Math.floorMod(Integer.MIN_VALUE, 4));
        assertThat(partitionOf.get((long) ORDERS + 2)).as("Integer.MAX_VALUE").isEqualTo(Math.floorMod(Integer.MAX_VALUE, 4));
        assertThat(partitionOf.get((long) ORDERS + 3)).as("-1 goes to partition 3, where SQL MOD says -1").isEqualTo(3);
    }

    @Test
    void thePartitionFilterEqualsFloorModInTheDatabaseForManyPartitionCounts() {
        List<Long> ids = db.query("select id from accounts").stream().map(r -> ((Number) r.get("id")).longValue()).toList();
        assertThat(ids).contains(Long.MIN_VALUE, Long.MAX_VALUE, -3L, -600L);
        try (var session = sf.openStatelessSession()) {
            for (int n : new int[] {2, 3, 4, 5, 7, 16}) {
                for (int k = 1; k <= n; k++) {
                    String where = PartitionFilter.predicate("e.id", new ClusterInfo(n, k, 0));
                    List<Long> got = session.createSelectionQuery("select e.id from Account e where " + where, Long.class).getResultList();
                    int partition = k - 1;
                    List<Long> expected = ids.stream().filter(id -> Math.floorMod(id, (long) n) == partition).toList();
                    assertThat(got).as("%d partitions, partition %d", n, k).containsExactlyInAnyOrderElementsOf(expected);
                }
            }
        }
    }

    @Test
    void nonIntegralRoutingIsNotAugmented() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(PRODUCT).build();
        for (int k = 1; k <= 4; k++) {
            List<Object> rows = drain(ds.initialDataLoad(new ClusterInfo(4, k, 0)));
            assertThat(rows).as("partition %d gets every product; the space discards what it does not own", k).hasSize(PRODUCTS);
        }
        assertThat(db.counting().statements()).noneMatch(InitialLoadContract::partitionFiltered);
    }

    @Test
    void augmentInitialLoadEntriesFalseLoadsEveryRowInEveryPartition() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(ORDER)
                .augmentInitialLoadEntries(false).build();
        for (int k = 1; k <= 4; k++) {
            assertThat(drain(ds.initialDataLoad(new ClusterInfo(4, k, 0)))).hasSize(ORDERS + 3);
        }
        assertThat(db.counting().statements()).noneMatch(InitialLoadContract::partitionFiltered);
    }

    // ------------------------------------------------------------------ custom queries

    @Test
    void queryOnTheEntityClassIsFoundByScanningAndDisablesAugmentation() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(INVOICE)
                .initialLoadQueryScanningBasePackages("io.khora.hibernate.model.annotated").build();
        long over50 = db.count("select count(*) from invoices where total > 50");
        for (int k = 1; k <= 4; k++) {
            List<Invoice> rows = only(drain(ds.initialDataLoad(new ClusterInfo(4, k, 0))), Invoice.class);
            assertThat(rows).as("partition %d: the custom query, not narrowed to the partition", k).hasSize((int) over50)
                    .allMatch(i -> i.getTotal() > 50);
        }
        assertThat(db.counting().statements()).noneMatch(InitialLoadContract::partitionFiltered);
    }

    @Test
    void aQueryOnTheEntityClassIsFoundWithoutScanningItsPackage() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(INVOICE).build();
        long over50 = db.count("select count(*) from invoices where total > 50");
        assertThat(over50).as("the query narrows the load").isLessThan(INVOICES);
        List<Invoice> rows = only(drain(ds.initialDataLoad(new ClusterInfo(1, 1, 0))), Invoice.class);
        assertThat(rows).hasSize((int) over50).allMatch(i -> i.getTotal() > 50);
    }

    @Test
    void queryOnASeparateBeanReceivesClusterInfo() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(ORDER)
                .initialLoadQueryScanningBasePackages("io.khora.hibernate.model.beans").build();
        Set<Long> all = new HashSet<>();
        for (int k = 1; k <= 4; k++) {
            List<PurchaseOrder> rows = only(drain(ds.initialDataLoad(new ClusterInfo(4, k, 0))), PurchaseOrder.class);
            int partition = k - 1;
            assertThat(rows).isNotEmpty().allMatch(o -> o.getStatus().equals("OPEN") && Partitioning.partitionOf(o.getCustomerId(), 4) == partition);
            rows.forEach(o -> assertThat(all.add(o.getId())).isTrue());
        }
        assertThat((long) all.size()).isEqualTo(db.count("select count(*) from purchase_orders where status = 'OPEN'"));
        assertThat(OrderLoadQueries.CALLS).contains(new ClusterInfo(4, 1, 0), new ClusterInfo(4, 4, 0));
        // one partition: the bean's other branch
        assertThat(drain(ds.initialDataLoad(new ClusterInfo(1, 1, 0)))).hasSize(all.size());
    }

    // ------------------------------------------------------------------ chunked parallel load

    @Test
    void chunkedLoadReadsEveryRowOnceWithKeyRangesNotOffsets() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(ORDER, PRODUCT)
                .initialLoadChunkSize(300).initialLoadThreadPoolSize(3).fetchSize(100).build();
        List<Object> rows = drain(ds.initialDataLoad(new ClusterInfo(1, 1, 0)));
        assertThat(only(rows, PurchaseOrder.class).stream().map(PurchaseOrder::getId).distinct().count()).isEqualTo(ORDERS + 3);
        assertThat(only(rows, Product.class).stream().map(Product::getSku).distinct().count()).isEqualTo(PRODUCTS);
        assertThat(rows).hasSize(ORDERS + 3 + PRODUCTS);
        List<String> loads = db.counting().statements().stream()
                .filter(s -> s.contains(" from ") && !s.contains("count(") && !s.contains("min(")).toList();
        assertThat(loads.stream().filter(s -> s.contains("purchase_orders")).count()).as("order chunks").isGreaterThanOrEqualTo(10);
        assertThat(loads.stream().filter(s -> s.contains("products")).count()).as("product chunks + the keyset id scan")
                .isGreaterThanOrEqualTo(4);
        assertThat(loads).allMatch(s -> s.contains("order by"), "every chunk query is ordered by id")
                .noneMatch(s -> s.contains("offset") || s.contains("limit") || s.contains("fetch first"));
        assertThat(rowsLoadedFrom("purchase_orders")).isEqualTo(ORDERS + 3);
    }

    @Test
    void chunkedLoadCombinesWithThePartitionFilter() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(ORDER)
                .initialLoadChunkSize(200).initialLoadThreadPoolSize(2).build();
        Set<Long> all = new HashSet<>();
        for (int k = 1; k <= 4; k++) {
            int partition = k - 1;
            List<PurchaseOrder> rows = only(drain(ds.initialDataLoad(new ClusterInfo(4, k, 0))), PurchaseOrder.class);
            assertThat(rows).allMatch(o -> Partitioning.partitionOf(o.getCustomerId(), 4) == partition);
            rows.forEach(o -> assertThat(all.add(o.getId())).isTrue());
        }
        assertThat(all).hasSize(ORDERS + 3);
        assertThat(rowsLoadedFrom("purchase_orders")).isEqualTo(ORDERS + 3);
    }

    // ------------------------------------------------------------------ overriding

    /** Seed 001's example: override the no-argument initialDataLoad with DefaultScrollableDataIterators. */
    static final class GigaSpacesStyleDataSource extends DefaultHibernateSpaceDataSource {
        final List<ClusterInfo> seen = new ArrayList<>();

        GigaSpacesStyleDataSource(SessionFactory sf) {
            super(DefaultHibernateSpaceDataSource.builder(sf).initialLoadThreadPoolSize(2));
        }

        @Override
        @SuppressWarnings("rawtypes")
        public DataIterator<Object> initialDataLoad() {
            seen.add(clusterInfo);
            int fetchSize = 100;
            DataIterator[] iterators = new DataIterator[2];
            iterators[0] = new DefaultScrollableDataIterator("from PurchaseOrder where amount > 50", getSessionFactory(), fetchSize, -1, -1);
            iterators[1] = new DefaultScrollableDataIterator("from Product", getSessionFactory(), fetchSize, 10, 5);
            return createInitialLoadIterator(iterators);
        }
    }

    @Test
    void overridingInitialDataLoadWithScrollableIterators() {
        GigaSpacesStyleDataSource ds = new GigaSpacesStyleDataSource(sf);
        List<Object> rows = drain(ds.initialDataLoad(new ClusterInfo(2, 2, 0)));
        assertThat(ds.seen).containsExactly(new ClusterInfo(2, 2, 0));
        assertThat(only(rows, PurchaseOrder.class)).hasSize((int) db.count("select count(*) from purchase_orders where amount > 50"))
                .allMatch(o -> o.getAmount() > 50);
        assertThat(only(rows, Product.class)).extracting(Product::getSku)
                .containsExactly("SKU-00011", "SKU-00012", "SKU-00013", "SKU-00014", "SKU-00015");
    }

    @Test
    void overridingTheClusterInfoFormWithAPagedIterator() {
        DefaultHibernateSpaceDataSource ds = new DefaultHibernateSpaceDataSource(DefaultHibernateSpaceDataSource.builder(sf)) {
            @Override
            @SuppressWarnings("rawtypes")
            public DataIterator<Object> initialDataLoad(ClusterInfo partition) {
                return createInitialLoadIterator(new DataIterator[] {
                        new DefaultScrollableDataIterator("select a from Account a where a.balance < 0", getSessionFactory(), 50, 0,
                                partition.instanceId())});
            }
        };
        List<Object> rows = drain(ds.initialDataLoad(new ClusterInfo(3, 3, 0)));
        assertThat(only(rows, Account.class)).extracting(Account::getId).containsExactly(-600L, -597L, -594L);
    }

    @Test
    void scrollableIteratorAppendsAnOrderByOnlyWhenPaged() {
        assertThat(new DefaultScrollableDataIterator("from Product", sf, 10, -1, -1).getHql()).isEqualTo("from Product");
        assertThat(new DefaultScrollableDataIterator("from Product p where p.name <> 'order by'", sf, 10, 0, 5).getHql())
                .isEqualTo("from Product p where p.name <> 'order by' order by p.sku");
        assertThat(new DefaultScrollableDataIterator("from Product order by name", sf, 10, 0, 5).getHql())
                .isEqualTo("from Product order by name");
        DefaultScrollableDataIterator it = new DefaultScrollableDataIterator("from Product", sf, 10, -1, -1);
        assertThat(it.hasNext()).isTrue();
        it.close();
        it.close(); // idempotent
        assertThat(it.hasNext()).isFalse();
    }

    // ------------------------------------------------------------------ back-pressure

    @Test
    void parallelLoadBuffersAtMostTheQueueCapacityWhenTheConsumerIsSlow() throws InterruptedException {
        int capacity = 50;
        int threads = 4;
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(ORDER)
                .initialLoadChunkSize(500).initialLoadThreadPoolSize(threads).initialLoadQueueCapacity(capacity).fetchSize(10).build();
        DataIterator<Object> it = ds.initialDataLoad(new ClusterInfo(1, 1, 0));
        long consumed = 0;
        long maxAhead = 0;
        try (it) {
            while (it.hasNext()) {
                it.next();
                consumed++;
                if (consumed % 200 == 0) {
                    Thread.sleep(5); // a slow space; the database is much faster
                }
                long read = rowsLoadedFrom("purchase_orders");
                maxAhead = Math.max(maxAhead, read - consumed);
            }
        }
        assertThat(consumed).isEqualTo(ORDERS + 3);
        // rows read from the database but not yet consumed: the queue (at most `capacity` rows, in
        // batches), plus one batch being filled per reading thread and the batch the consumer is
        // emptying, plus one row in hand per thread
        long batch = RowBatches.batchSize(capacity);
        assertThat(maxAhead).as("rows read ahead of the consumer").isLessThanOrEqualTo(capacity + (threads + 1) * batch + threads);
        assertThat(maxAhead).as("the readers did run ahead (the test measures something)").isGreaterThan(capacity / 2);
    }

    @Test
    void concurrentMultiDataIteratorNeverHoldsMoreThanItsCapacity() {
        int capacity = 20;
        List<DefaultScrollableDataIterator> parts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            parts.add(new DefaultScrollableDataIterator("from PurchaseOrder e where mod(e.id, 4) = " + i, sf, 10, -1, -1));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        ConcurrentMultiDataIterator<Object> it = new ConcurrentMultiDataIterator<>(parts.toArray(new DataIterator[0]), 4, capacity);
        int max = 0;
        int n = 0;
        try (it) {
            while (it.hasNext()) {
                max = Math.max(max, it.buffered());
                it.next();
                n++;
                if (n % 500 == 0) {
                    sleep(2);
                }
            }
        }
        assertThat(n).isEqualTo(ORDERS + 3);
        assertThat(max).isLessThanOrEqualTo(capacity).isGreaterThan(0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void anEntityHibernateDoesNotMapFailsTheBuilderNamingIt() {
        assertThatThrownBy(() -> DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(ORDER, "com.example.Missing").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entity com.example.Missing is not mapped by the SessionFactory")
                .hasMessageContaining(ORDER).hasMessageContaining(PRODUCT);
    }

    @Test
    void anInitialLoadQueryThatDoesNotParseFailsTheLoadNamingTypeAndQuery() {
        DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(PRODUCT)
                .initialLoadQueryScanningBasePackages("io.khora.hibernate.model.badquery").build();
        assertThatThrownBy(() -> ds.initialDataLoad(new ClusterInfo(1, 1, 0)))
                .isInstanceOf(DataSourceException.class)
                .hasMessageContaining(PRODUCT)
                .hasMessageContaining("category === 'tools' and")
                .hasMessageContaining("BrokenProductQuery.products()")
                .hasCauseInstanceOf(org.hibernate.query.SyntaxException.class); // Hibernate's parse error
        assertThat(ds.estimateInitialLoadSize(new ClusterInfo(1, 1, 0))).isEqualTo(-1);
    }

    @Test
    void aQueryMethodForAnUnmappedTypeFailsTheBuilder() {
        assertThatThrownBy(() -> DefaultHibernateSpaceDataSource.builder(sf)
                .initialLoadQueryScanningBasePackages("io.khora.hibernate.model.unmappedtype").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("com.example.Nope").hasMessageContaining("UnknownTypeQuery.nope");
    }

    @Test
    void aQueryMethodWithAWrongSignatureFailsTheBuilder() {
        assertThatThrownBy(() -> DefaultHibernateSpaceDataSource.builder(sf)
                .initialLoadQueryScanningBasePackages("io.khora.hibernate.model.badsignature").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WrongReturnType.products").hasMessageContaining("String");
    }

    @Test
    void aRowWithANullRoutingValueFailsTheLoadNamingTypeAndId() {
        db.update("insert into purchase_orders (id, customer_id, status, amount) values (?, null, 'OPEN', 1)", 999_999L);
        try {
            DefaultHibernateSpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(ORDER).build();
            for (ClusterInfo partition : List.of(new ClusterInfo(1, 1, 0), new ClusterInfo(4, 2, 0))) {
                assertThatThrownBy(() -> drain(ds.initialDataLoad(partition)))
                        .as("partition %s", partition)
                        .isInstanceOf(DataSourceException.class)
                        .hasStackTraceContaining(ORDER)
                        .hasStackTraceContaining("with id 999999 has a null routing value (property 'customerId')");
            }
        } finally {
            db.update("delete from purchase_orders where id = ?", 999_999L);
        }
    }

    @Test
    void builderRejectsNonsense() {
        var b = DefaultHibernateSpaceDataSource.builder(sf);
        assertThatThrownBy(() -> b.fetchSize(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fetchSize");
        assertThatThrownBy(() -> b.initialLoadThreadPoolSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.initialLoadEntries("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DefaultHibernateSpaceDataSource.builder(sf).initialLoadQueryScanningBasePackages("not a package").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a package");
        assertThat(DefaultHibernateSpaceDataSource.builder(sf).initialLoadQueryScanningBasePackages("io.khora.hibernate.nothing.here")
                .build().getInitialLoadEntries()).hasSize(4);
    }
}

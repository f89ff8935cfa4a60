package io.khora.persistence;

import io.khora.ClusterInfo;
import io.khora.InitialLoadProgress;
import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceNotReadyException;
import io.khora.SpaceState;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;
import io.khora.fixtures.Trade;
import io.khora.internal.local.LocalSpace;
import io.khora.persistence.Partitioning;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InitialLoadTest {

    public static class Order {
        @SpaceId
        private Long id;
        @SpaceRouting
        private Integer customer;

        public Order() {
        }

        Order(long id, int customer) {
            this.id = id;
            this.customer = customer;
        }
    }

    @Test
    void theSpaceIsLoadingWhileTheLoadStreamsAndReadyAfter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SpaceDataSource slow = new SpaceDataSource() {
            @Override
            public DataIterator<Object> initialDataLoad(ClusterInfo partition) {
                return new DataIterator<>() {
                    int n;

                    @Override
                    public boolean hasNext() {
                        if (n == 1) {
                            try {
                                release.await(5, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        return n < 3;
                    }

                    @Override
                    public Object next() {
                        n++;
                        return new Trade(n, "S", (double) n, n);
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public long estimateInitialLoadSize(ClusterInfo partition) {
                return 3;
            }
        };
        try (Space space = Spaces.embedded("loading").dataSource(slow).spaceWait(Duration.ofMillis(50)).start()) {
            assertThat(space.state()).isEqualTo(SpaceState.LOADING);
            assertThat(space.isReady()).isFalse();
            assertThatThrownBy(() -> space.count(Query.all(Trade.class))).isInstanceOf(SpaceNotReadyException.class)
                    .hasMessageContaining("LOADING");
            InitialLoadProgress during = space.initialLoadProgress();
            assertThat(during.finished()).isFalse();
            assertThat(during.expected()).isEqualTo(3);
            assertThat(during.loaded()).isLessThanOrEqualTo(1);
            release.countDown();
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
            assertThat(space.count(Query.all(Trade.class))).isEqualTo(3);
            InitialLoadProgress after = space.initialLoadProgress();
            assertThat(after.finished()).isTrue();
            assertThat(after.loaded()).isEqualTo(3);
            assertThat(after.percent()).isEqualTo(100.0);
        }
    }

    @Test
    void eachPartitionLoadsItsShareInParallelAndKeepsOnlyWhatItOwns() {
        MapStore store = new MapStore();
        for (int c = -50; c < 50; c++) {
            store.put(new Order(1000 + c, c));
        }
        store.partitionAwareLoad = false; // a data source that cannot filter: the space discards what it does not own
        try (Space space = Spaces.embedded("share").partitions(4).dataSource(store.dataSource).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
            assertThat(store.calls).filteredOn(c -> c.startsWith("initialDataLoad")).containsExactlyInAnyOrder(
                    "initialDataLoad 1", "initialDataLoad 2", "initialDataLoad 3", "initialDataLoad 4");
            assertThat(space.count(Query.all(Order.class))).isEqualTo(100);
            InitialLoadProgress p = space.initialLoadProgress();
            assertThat(p.loaded()).isEqualTo(100);
            assertThat(p.discarded()).isEqualTo(300);
            LocalSpace local = (LocalSpace) space;
            for (int part = 0; part < 4; part++) {
                int expected = 0;
                for (int c = -50; c < 50; c++) {
                    if (Partitioning.partitionOf(c, 4) == part) {
                        expected++;
                    }
                }
                assertThat(local.router().partition(part).size()).isEqualTo(expected);
            }
        }
    }

    @Test
    void aDataSourceThatThrowsMidLoadMakesTheSpaceInvalidNeverReadyWithHalfTheData() {
        MapStore store = new MapStore();
        for (int i = 0; i < 10; i++) {
            store.put(new Trade(i, "S", 1.0, 1));
        }
        store.failLoad = info -> new IllegalStateException("connection reset in partition " + info.instanceId());
        try (Space space = Spaces.embedded("broken").partitions(2).dataSource(store.dataSource).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isFalse();
            assertThat(space.state()).isEqualTo(SpaceState.INVALID);
            assertThatThrownBy(() -> space.count(Query.all(Trade.class))).isInstanceOf(SpaceNotReadyException.class)
                    .hasMessageContaining("INVALID").hasMessageContaining("initial load failed").hasMessageContaining("connection reset");
            assertThat(space.initialLoadProgress().failure()).contains("connection reset");
        }
    }

    @Test
    void aFailedPartitionLoadIsRetriedFromScratchWhenConfigured() {
        MapStore store = new MapStore();
        for (int i = 0; i < 10; i++) {
            store.put(new Trade(i, "S", 1.0, 1));
        }
        AtomicInteger attempts = new AtomicInteger();
        store.failLoad = info -> attempts.incrementAndGet() == 1 ? new IllegalStateException("transient") : null;
        try (Space space = Spaces.embedded("retry").dataSource(store.dataSource).initialLoadAttempts(3).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
            assertThat(space.count(Query.all(Trade.class))).isEqualTo(10);
            assertThat(space.initialLoadProgress().loaded()).isEqualTo(10);
            assertThat(attempts.get()).isEqualTo(2);
        }
    }

    public static class Nullable {
        @SpaceId
        private Long id;
        @SpaceRouting
        private String region;

        public Nullable() {
        }
    }

    @Test
    void aRowWithANullRoutingValueFailsTheLoadNamingTheRow() {
        Nullable n = new Nullable();
        n.id = 7L;
        SpaceDataSource ds = new SpaceDataSource() {
            @Override
            public DataIterator<Object> initialDataLoad() {
                return DataIterator.of(List.of(n));
            }
        };
        try (Space space = Spaces.embedded("nullrouting").dataSource(ds).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isFalse();
            assertThat(space.state()).isEqualTo(SpaceState.INVALID);
            assertThat(space.initialLoadProgress().failure()).contains(Nullable.class.getName()).contains("id=7")
                    .contains("null routing property 'region'");
        }
    }

    @Test
    void aGigaSpacesStyleDataSourceSeesEachPartitionsClusterInfo() {
        List<ClusterInfo> seen = new ArrayList<>();
        SpaceDataSource ds = new SpaceDataSource() {
            @Override
            public DataIterator<Object> initialDataLoad() {
                synchronized (seen) {
                    seen.add(clusterInfo);
                }
                return null;
            }
        };
        try (Space space = Spaces.embedded("ci").partitions(3).dataSource(ds).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(seen).extracting(ClusterInfo::instanceId).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(seen).allSatisfy(ci -> assertThat(ci.numberOfInstances()).isEqualTo(3));
    }

    @Test
    void concurrentMultiDataIteratorBoundsItsBufferAndDeliversEveryRowOnce() throws Exception {
        int perIterator = 5_000;
        @SuppressWarnings("unchecked")
        DataIterator<Object>[] its = new DataIterator[4];
        for (int k = 0; k < 4; k++) {
            List<Object> rows = new ArrayList<>();
            for (int i = 0; i < perIterator; i++) {
                rows.add(k * perIterator + i);
            }
            its[k] = DataIterator.of(rows);
        }
        try (ConcurrentMultiDataIterator<Object> it = new ConcurrentMultiDataIterator<>(its, 4, 64)) {
            java.util.BitSet seen = new java.util.BitSet();
            int n = 0;
            int maxBuffered = 0;
            while (it.hasNext()) {
                int v = (Integer) it.next();
                assertThat(seen.get(v)).as("row %d delivered twice", v).isFalse();
                seen.set(v);
                n++;
                if (n % 500 == 0) {
                    Thread.sleep(1); // a slow consumer
                }
                maxBuffered = Math.max(maxBuffered, it.buffered());
            }
            assertThat(n).isEqualTo(4 * perIterator);
            assertThat(maxBuffered).isLessThanOrEqualTo(64);
        }
    }

    @Test
    void concurrentMultiDataIteratorReportsAFailingIterator() {
        @SuppressWarnings("unchecked")
        DataIterator<Object>[] its = new DataIterator[] {DataIterator.of(List.of(1, 2)), new DataIterator<Object>() {
            @Override
            public boolean hasNext() {
                throw new IllegalStateException("disk on fire");
            }

            @Override
            public Object next() {
                return null;
            }

            @Override
            public void close() {
            }
        }};
        try (ConcurrentMultiDataIterator<Object> it = new ConcurrentMultiDataIterator<>(its, 2, 4)) {
            assertThatThrownBy(() -> {
                while (it.hasNext()) {
                    it.next();
                }
            }).isInstanceOf(DataSourceException.class).hasMessageContaining("disk on fire");
        }
    }

    @Test
    void lruWithoutADataSourceIsRejected() {
        assertThatThrownBy(() -> Spaces.embedded("x").cachePolicy(io.khora.CachePolicy.LRU).maxEntries(10).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("dataSource");
    }
}

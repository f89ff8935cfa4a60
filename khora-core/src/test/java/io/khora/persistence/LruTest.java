package io.khora.persistence;

import io.khora.CachePolicy;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.fixtures.Trade;
import io.khora.internal.local.LocalSpace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LruTest {

    private static int held(Space space) {
        LocalSpace local = (LocalSpace) space;
        int n = 0;
        for (int p = 0; p < local.router().size(); p++) {
            n += local.router().partition(p).size();
        }
        return n;
    }

    @Test
    void theSpaceNeverHoldsMoreThanItsMaximum() {
        MapStore store = new MapStore();
        try (Space space = Spaces.embedded("lru-max").partitions(3).dataSource(store.dataSource).synchronizationEndpoint(store.endpoint)
                .cachePolicy(CachePolicy.LRU).maxEntries(100).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
            SplittableRandom rnd = new SplittableRandom(7);
            for (int i = 0; i < 2_000; i++) {
                space.write(new Trade(i, "S" + rnd.nextInt(10), (double) i, i));
                if (i % 3 == 0) {
                    space.readById(Trade.class, (long) rnd.nextInt(i + 1));
                }
                assertThat(held(space)).isLessThanOrEqualTo(100);
            }
            assertThat(store.table(Trade.class)).hasSize(2_000);
        }
    }

    @Test
    void anEvictedEntryIsReadBackThroughTheDataSourceWithTheSameContent() {
        MapStore store = new MapStore();
        try (Space space = Spaces.embedded("lru-back").dataSource(store.dataSource).synchronizationEndpoint(store.endpoint)
                .cachePolicy(CachePolicy.LRU).maxEntries(10).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
            Trade first = new Trade(0, "FIRST", 12.5, 3);
            first.setTrader("ann");
            space.write(first);
            for (int i = 1; i <= 50; i++) {
                space.write(new Trade(i, "S", (double) i, i));
            }
            store.calls.clear();
            Trade back = space.readById(Trade.class, 0L);
            assertThat(store.calls).contains("getById " + Trade.class.getName() + " 0");
            assertThat(back).usingRecursiveComparison().isEqualTo(first);
            assertThat(held(space)).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void recentlyReadEntriesSurviveEviction() {
        MapStore store = new MapStore();
        try (Space space = Spaces.embedded("lru-recent").dataSource(store.dataSource).synchronizationEndpoint(store.endpoint)
                .cachePolicy(CachePolicy.LRU).maxEntries(10).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
            for (int i = 0; i < 10; i++) {
                space.write(new Trade(i, "S", (double) i, i));
            }
            for (int round = 0; round < 5; round++) {
                space.readById(Trade.class, 0L); // keep id 0 hot
                space.write(new Trade(100 + round, "S", 1.0, 1));
            }
            store.calls.clear();
            assertThat(space.readById(Trade.class, 0L)).isNotNull();
            assertThat(store.count("getById")).as("the hot entry was never evicted").isZero();
            assertThat(space.readById(Trade.class, 1L)).isNotNull();
            assertThat(store.count("getById")).as("a cold one was").isEqualTo(1);
        }
    }

    @Test
    void queriesUnderLruSeeEvictedEntriesThroughTheDataSource() {
        MapStore store = new MapStore();
        try (Space space = Spaces.embedded("lru-query").dataSource(store.dataSource).synchronizationEndpoint(store.endpoint)
                .cachePolicy(CachePolicy.LRU).maxEntries(5).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
            for (int i = 0; i < 30; i++) {
                space.write(new Trade(i, i % 2 == 0 ? "EVEN" : "ODD", (double) i, i));
            }
            assertThat(space.count(Query.of(Trade.class, "symbol = 'EVEN'"))).isEqualTo(15);
            assertThat(space.readMultiple(Query.of(Trade.class, "price >= 20 ORDER BY price DESC"), 3))
                    .extracting(Trade::getPrice).containsExactly(29.0, 28.0, 27.0);
            assertThat(held(space)).isLessThanOrEqualTo(5);
        }
    }
}

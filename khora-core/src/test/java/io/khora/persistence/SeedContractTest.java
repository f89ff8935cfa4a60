package io.khora.persistence;

import io.khora.CachePolicy;
import io.khora.ChangeSet;
import io.khora.EmbeddedSpaceBuilder;
import io.khora.Period;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.fixtures.Trade;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed 000 table, row by row: which space call reaches which SPI call, under which cache
 * policy and mode. "read-write" = data source + synchronization endpoint; "read-only" = data
 * source alone.
 */
class SeedContractTest {
    private final MapStore store = new MapStore();
    private Space space;

    @AfterEach
    void close() {
        if (space != null) {
            space.close();
        }
    }

    private Space start(CachePolicy policy, boolean readWrite) {
        for (long i = 1; i <= 20; i++) {
            store.put(new Trade(i, i % 2 == 0 ? "EVEN" : "ODD", (double) i, (int) i));
        }
        EmbeddedSpaceBuilder b = Spaces.embedded("seed-" + policy + "-" + readWrite).partitions(2).dataSource(store.dataSource).cachePolicy(policy);
        if (policy == CachePolicy.LRU) {
            b.maxEntries(10);
        }
        if (readWrite) {
            b.synchronizationEndpoint(store.endpoint);
        }
        space = b.start();
        assertThat(space.waitForReady(Duration.ofSeconds(10))).isTrue();
        store.calls.clear();
        return space;
    }

    // ---- write, change, take, asyncTake, writeMultiple, takeMultiple, clear -> onOperationsBatchSynchronization + after

    @ParameterizedTest
    @EnumSource(CachePolicy.class)
    void everyChangingCallReachesTheEndpointInReadWriteMode(CachePolicy policy) throws Exception {
        start(policy, true);
        space.write(new Trade(100, "ODD", 1.0, 1));
        assertBatch("WRITE");
        space.write(new Trade(100, "ODD", 2.0, 1));
        assertBatch("UPDATE");
        space.change(Query.of(Trade.class, "id = 100"), ChangeSet.create().set("trader", "x"));
        assertBatch("PARTIAL_UPDATE");
        space.change(Query.of(Trade.class, "id = 100"), ChangeSet.create().increment("quantity", 1));
        assertBatch("CHANGE");
        space.take(Query.of(Trade.class, "id = 100"));
        assertBatch("REMOVE");
        space.write(new Trade(101, "ODD", 1.0, 1));
        store.calls.clear();
        space.async().take(Query.of(Trade.class, "id = 101"), Period.NONE).get();
        assertBatch("REMOVE");
        space.writeMultiple(List.of(new Trade(102, "ODD", 1.0, 1), new Trade(103, "ODD", 1.0, 1)));
        // one partition (routed by symbol): one batch for the call, not one per entry
        assertThat(store.count("onOperationsBatchSynchronization [WRITE, WRITE]")).isEqualTo(1);
        assertThat(store.count("afterOperationsBatchSynchronization")).isEqualTo(1);
        store.calls.clear();
        space.clear(Query.of(Trade.class, "id >= 102"));
        assertThat(store.count("onOperationsBatchSynchronization")).isPositive();
        assertThat(store.table(Trade.class)).doesNotContainKeys(102L, 103L);
        store.calls.clear();
        space.takeMultiple(Query.of(Trade.class, "symbol = 'EVEN'"), 3);
        assertThat(store.count("onOperationsBatchSynchronization [REMOVE")).isPositive();
    }

    @ParameterizedTest
    @EnumSource(CachePolicy.class)
    void readOnlyModeNeverWritesBack(CachePolicy policy) {
        start(policy, false);
        space.write(new Trade(100, "ODD", 1.0, 1));
        space.take(Query.of(Trade.class, "id = 100"));
        space.clear(Query.of(Trade.class, "symbol = 'ODD'"));
        assertThat(store.count("onOperationsBatchSynchronization")).isZero();
        assertThat(store.table(Trade.class)).hasSize(20);
    }

    private void assertBatch(String type) {
        assertThat(store.calls).contains("onOperationsBatchSynchronization [" + type + "]", "afterOperationsBatchSynchronization 1");
        store.calls.clear();
    }

    // ---- readById -> getById (ALL_IN_CACHE, LRU; read-write, read-only)

    @ParameterizedTest
    @EnumSource(CachePolicy.class)
    void readByIdReadsThroughOnAMissOnly(CachePolicy policy) {
        for (boolean readWrite : new boolean[] {true, false}) {
            start(policy, readWrite);
            store.put(new Trade(500, "ODD", 5.0, 5)); // in the store only, written after the load
            space.write(new Trade(600, "EVEN", 6.0, 6));
            store.calls.clear();
            assertThat(space.readById(Trade.class, 600L).getPrice()).isEqualTo(6.0);
            assertThat(store.count("getById")).as("a hit does not read through").isZero();
            Trade t = space.readById(Trade.class, 500L);
            assertThat(t.getQuantity()).isEqualTo(5);
            assertThat(store.calls).contains("getById " + Trade.class.getName() + " 500");
            store.calls.clear();
            assertThat(space.readById(Trade.class, 500L)).as("the read-through entry is cached").isNotNull();
            assertThat(store.count("getById")).isZero();
            assertThat(space.readById(Trade.class, 999L)).isNull();
            assertThat(store.count("getById")).isEqualTo(1);
            space.close();
            store.tables.clear();
        }
    }

    // ---- readByIds -> getDataIteratorByIds (ALL_IN_CACHE, LRU)

    @ParameterizedTest
    @EnumSource(CachePolicy.class)
    void readByIdsReadsTheMissingIdsThroughInOneCall(CachePolicy policy) {
        start(policy, false);
        store.put(new Trade(500, "ODD", 5.0, 5));
        store.put(new Trade(501, "EVEN", 5.0, 5));
        space.write(new Trade(600, "EVEN", 6.0, 6));
        store.calls.clear();
        List<Trade> r = space.readByIds(Trade.class, List.of(600L, 500L, 999L, 501L));
        assertThat(r.get(0).getId()).isEqualTo(600L);
        assertThat(r.get(1).getId()).isEqualTo(500L);
        assertThat(r.get(2)).isNull();
        assertThat(r.get(3).getId()).isEqualTo(501L);
        assertThat(store.count("getDataIteratorByIds")).isEqualTo(1);
        assertThat(store.calls).contains("getDataIteratorByIds " + Trade.class.getName() + " [500, 999, 501]");
        assertThat(store.count("getById")).isZero();
    }

    // ---- read, asyncRead, readMultiple, count -> getDataIterator (LRU only)

    @ParameterizedTest
    @EnumSource(CachePolicy.class)
    void queriesReadThroughUnderLruOnly(CachePolicy policy) throws Exception {
        start(policy, false);
        store.put(new Trade(500, "ODD", 500.0, 5)); // only in the store
        int expected = policy == CachePolicy.LRU ? 1 : 0;
        Trade read = space.read(Query.of(Trade.class, "price = 500.0"));
        assertThat(read == null ? 0 : 1).isEqualTo(expected);
        assertThat(store.count("getDataIterator " + Trade.class.getName())).isEqualTo(expected);
        store.calls.clear();
        store.put(new Trade(400, "ODD", 400.0, 4)); // another store-only row: a miss in memory
        Trade asyncRead = space.async().read(Query.of(Trade.class, "price = 400.0"), Period.NONE).get();
        assertThat(asyncRead == null ? 0 : 1).isEqualTo(expected);
        assertThat(store.count("getDataIterator " + Trade.class.getName())).isEqualTo(expected);
        store.calls.clear();
        List<Trade> all = space.readMultiple(Query.of(Trade.class, "quantity >= 0"), 100);
        assertThat(all).hasSize(policy == CachePolicy.LRU ? 22 : 20);
        assertThat(store.count("getDataIterator " + Trade.class.getName())).isEqualTo(expected);
        store.calls.clear();
        assertThat(space.count(Query.all(Trade.class))).isEqualTo(policy == CachePolicy.LRU ? 22 : 20);
        assertThat(store.count("getDataIterator " + Trade.class.getName())).isEqualTo(expected);
        assertThat(store.count("getById")).isZero();
        store.calls.clear();
        if (policy == CachePolicy.LRU) {
            assertThat(space.read(Query.of(Trade.class, "price = 400.0"))).as("a memory hit does not read through").isNotNull();
            assertThat(store.count("getDataIterator")).isZero();
        }
    }

    // ---- takeMultiple -> getDataIterator (ALL_IN_CACHE, LRU; read-write)

    @ParameterizedTest
    @EnumSource(CachePolicy.class)
    void takeMultipleAlsoTakesRowsOnlyInTheStoreInReadWriteMode(CachePolicy policy) {
        start(policy, true);
        store.put(new Trade(500, "ODD", 500.0, 5)); // only in the store
        List<Trade> taken = space.takeMultiple(Query.of(Trade.class, "price >= 19.0"), 10);
        assertThat(taken).extracting(Trade::getId).containsExactlyInAnyOrder(19L, 20L, 500L);
        assertThat(store.count("getDataIterator " + Trade.class.getName())).isEqualTo(1);
        assertThat(store.table(Trade.class)).doesNotContainKeys(19L, 20L, 500L);
        assertThat(space.readById(Trade.class, 500L)).isNull();
    }

    @ParameterizedTest
    @EnumSource(CachePolicy.class)
    void takeMultipleStaysInMemoryInReadOnlyMode(CachePolicy policy) {
        start(policy, false);
        store.put(new Trade(500, "ODD", 500.0, 5));
        space.takeMultiple(Query.of(Trade.class, "price >= 19.0"), 10);
        assertThat(store.count("getDataIterator")).isZero();
    }
}

package io.khora.persistence;

import io.khora.ChangeSet;
import io.khora.Period;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.fixtures.Trade;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteThroughTest {
    private final MapStore store = new MapStore();
    private Space space;

    @BeforeEach
    void start() {
        store.put(new Trade(1, "A", 1.0, 1));
        space = Spaces.embedded("wt").partitions(2).dataSource(store.dataSource).synchronizationEndpoint(store.endpoint).start();
        assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
    }

    @AfterEach
    void stop() {
        space.close();
    }

    @Test
    void aWriteReturnsOnlyAfterTheEndpointConfirmed() {
        space.write(new Trade(2, "B", 2.0, 2));
        assertThat(store.table(Trade.class)).containsKey(2L);
        assertThat(((Trade) store.table(Trade.class).get(2L)).getPrice()).isEqualTo(2.0);
    }

    @Test
    void whenTheEndpointRefusesTheOperationFailsWithItsCauseAndTheSpaceIsUnchanged() {
        IllegalStateException dbDown = new IllegalStateException("database down");
        store.failWrites = dbDown;
        assertThatThrownBy(() -> space.write(new Trade(2, "B", 2.0, 2)))
                .isInstanceOf(SpacePersistenceException.class).hasCause(dbDown).hasMessageContaining("WRITE")
                .hasMessageContaining("id=2").hasMessageContaining("unchanged");
        assertThat(space.readById(Trade.class, 2L)).isNull();

        assertThatThrownBy(() -> space.write(new Trade(1, "A", 9.0, 1))).isInstanceOf(SpacePersistenceException.class);
        assertThat(space.readById(Trade.class, 1L).getPrice()).isEqualTo(1.0);

        assertThatThrownBy(() -> space.take(Query.of(Trade.class, "id = 1"))).isInstanceOf(SpacePersistenceException.class);
        assertThat(space.readById(Trade.class, 1L)).isNotNull();

        assertThatThrownBy(() -> space.change(Query.of(Trade.class, "id = 1"), ChangeSet.create().increment("quantity", 5)))
                .isInstanceOf(SpacePersistenceException.class);
        assertThat(space.readById(Trade.class, 1L).getQuantity()).isEqualTo(1);

        assertThatThrownBy(() -> space.clear(Query.all(Trade.class))).isInstanceOf(SpacePersistenceException.class);
        assertThat(space.count(Query.all(Trade.class))).isEqualTo(1);

        store.failWrites = null;
        space.write(new Trade(2, "B", 2.0, 2));
        assertThat(space.count(Query.all(Trade.class))).isEqualTo(2);
    }

    @Test
    void writeMultipleReachesTheEndpointAsOneBatchPerPartition() {
        List<Trade> ten = new java.util.ArrayList<>();
        for (long id = 10; id < 20; id++) {
            ten.add(new Trade(id, "M" + id, 1.0, 1)); // routed by symbol: spread over both partitions
        }
        int before = store.batches.size();
        space.writeMultiple(ten);
        List<OperationsBatchData> batches = store.batches.subList(before, store.batches.size());
        assertThat(batches).as("2 partitions, 10 entries: one batch (one store transaction) per partition").hasSize(2);
        assertThat(batches).allSatisfy(b -> assertThat(b.getBatchDataItems()).hasSizeGreaterThan(1)
                .extracting(DataSyncOperation::getPartitionId).containsOnly(b.getBatchDataItems()[0].getPartitionId()));
        assertThat(batches.stream().mapToInt(b -> b.getBatchDataItems().length).sum()).isEqualTo(10);
        assertThat(space.count(Query.of(Trade.class, "symbol LIKE 'M%'"))).isEqualTo(10);
    }

    @Test
    void aRefusedWriteMultipleBatchFailsEveryEntryOfItsPartitionAndLeavesTheSpaceUnchanged() {
        store.failWrites = new IllegalArgumentException("constraint violated");
        List<Trade> entries = List.of(new Trade(30, "F", 1.0, 1), new Trade(31, "F", 1.0, 1), new Trade(32, "F", 1.0, 1));
        assertThatThrownBy(() -> space.writeMultiple(entries)).isInstanceOfSatisfying(io.khora.WriteMultipleException.class,
                e -> assertThat(e.failures()).containsOnlyKeys(0, 1, 2));
        assertThat(space.count(Query.of(Trade.class, "symbol = 'F'"))).isZero();
        store.failWrites = null;
        // a repeated id is written after its first occurrence: the last one wins
        space.writeMultiple(List.of(new Trade(40, "R", 1.0, 1), new Trade(40, "R", 2.0, 1)));
        assertThat(space.readById(Trade.class, 40L).getPrice()).isEqualTo(2.0);
        assertThat(((Trade) store.table(Trade.class).get(40L)).getPrice()).isEqualTo(2.0);
    }

    @Test
    void aWaitingTakeWhoseRemoveIsRefusedFailsAndTheEntryStays() throws Exception {
        CompletableFuture<Trade> waiting = space.async().take(Query.of(Trade.class, "symbol = 'W'"), Period.FOREVER);
        store.failWrites = null;
        // the WRITE goes through; the REMOVE the waiting take needs is refused
        store.endpointFilter = op -> op.getDataSyncOperationType() == DataSyncOperationType.REMOVE
                ? new IllegalStateException("no deletes today") : null;
        space.write(new Trade(3, "W", 3.0, 3));
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SpacePersistenceException.class);
        assertThat(space.readById(Trade.class, 3L)).isNotNull();
        assertThat(store.table(Trade.class)).containsKey(3L);
    }

    @Test
    void sequencesIncreasePerPartition() {
        for (int i = 10; i < 30; i++) {
            space.write(new Trade(i, "S" + (i % 4), 1.0, 1));
        }
        java.util.Map<Integer, Long> last = new java.util.HashMap<>();
        for (OperationsBatchData b : store.batches) {
            for (DataSyncOperation op : b.getBatchDataItems()) {
                Long prev = last.put(op.getPartitionId(), op.getSequence());
                if (prev != null) {
                    assertThat(op.getSequence()).isGreaterThan(prev);
                }
            }
        }
        assertThat(last).hasSize(2);
    }

    @Test
    void endpointsReceiveCopiesTheyCannotUseToChangeTheSpace() {
        store.endpointFilter = op -> {
            ((Trade) op.getDataAsObject()).setPrice(-1.0);
            return null;
        };
        space.write(new Trade(4, "C", 4.0, 4));
        assertThat(space.readById(Trade.class, 4L).getPrice()).isEqualTo(4.0);
        assertThat(store.batches.get(store.batches.size() - 1).getBatchDataItems()[0].getDataAsDocument().<Double>get("price"))
                .isEqualTo(4.0);
    }
}

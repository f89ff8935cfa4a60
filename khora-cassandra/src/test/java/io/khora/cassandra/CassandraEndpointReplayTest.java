package io.khora.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import io.khora.cassandra.model.Item;
import io.khora.cassandra.model.Order;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static io.khora.cassandra.SyncOps.change;
import static io.khora.persistence.DataSyncOperationType.CHANGE;
import static io.khora.persistence.DataSyncOperationType.REMOVE;
import static io.khora.persistence.DataSyncOperationType.UPDATE;
import static io.khora.persistence.DataSyncOperationType.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The endpoint on a real Cassandra: batches delivered again (as after a mirror crash) change
 * nothing — a replayed write neither resurrects a deleted row nor overwrites a newer value — CHANGE
 * writes only the changed columns, a transaction is one logged batch, and what does not map is
 * refused with an error naming it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CassandraEndpointReplayTest {
    TestKeyspace ks;
    CassandraSpaceSynchronizationEndpoint endpoint;

    @BeforeAll
    void createSchema() {
        ks = new TestKeyspace("endpoint_replay");
        endpoint = CassandraSpaceSynchronizationEndpoint.builder(ks.session).table(ks.items).table(ks.orders).build();
    }

    @AfterAll
    void dropSchema() {
        if (ks != null) {
            ks.close();
        }
    }

    private java.util.Map<Long, Long> itemsOneAndTwo() {
        java.util.Map<Long, Long> revs = new java.util.HashMap<>(ks.itemRevs());
        revs.keySet().retainAll(java.util.Set.of(1L, 2L));
        return revs;
    }

    @Test
    void aReplayedBatchNeverResurrectsADeletedRowNorOverwritesANewerValue() {
        SyncOps.Batch first = new SyncOps.Batch("replay", "log-a",
                change(ks.items, WRITE, new Item(1, 1, "one"), 10),
                change(ks.items, WRITE, new Item(2, 1, "two"), 11),
                change(ks.items, UPDATE, new Item(1, 2, "one again"), 12));
        SyncOps.Batch second = new SyncOps.Batch("replay", "log-a",
                change(ks.items, REMOVE, new Item(1, 2, "one again"), 13),
                change(ks.items, UPDATE, new Item(2, 3, "two, newest"), 14));
        endpoint.onOperationsBatchSynchronization(first);
        endpoint.onOperationsBatchSynchronization(second);
        assertThat(itemsOneAndTwo()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(2L, 3L));

        endpoint.onOperationsBatchSynchronization(first); // the mirror crashed before recording it: delivered again
        assertThat(itemsOneAndTwo()).as("item 1 stays deleted, item 2 keeps its newest revision").containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of(2L, 3L));

        endpoint.onOperationsBatchSynchronization(new SyncOps.Batch("replay", "log-a", change(ks.items, WRITE, new Item(1, 4, "back"), 15)));
        assertThat(ks.itemRevs()).as("a newer write after the delete recreates the row").containsEntry(1L, 4L);
    }

    @Test
    void changeWritesOnlyTheChangedColumnsAndATransactionIsOneLoggedBatch() {
        endpoint.onOperationsBatchSynchronization(new SyncOps.Batch("partial", "log-b", change(ks.orders, WRITE, new Order(7, -3, "NEW", 10), 1)));
        // another writer sets amount directly; a CHANGE of status alone must not touch it
        ks.session.execute("UPDATE endpoint_replay.orders SET amount = 99 WHERE id = 7");
        endpoint.onOperationsBatchSynchronization(new SyncOps.Batch("partial", "log-b",
                change(ks.orders, CHANGE, new Order(7, -3, "PAID", 10), 2, "status")));
        Row row = ks.session.execute("SELECT status, amount FROM endpoint_replay.orders WHERE id = 7").one();
        assertThat(row.getString("status")).isEqualTo("PAID");
        assertThat(row.getDouble("amount")).isEqualTo(99.0);

        endpoint.onTransactionSynchronization(new SyncOps.Tx("partial", "log-b",
                change(ks.orders, WRITE, new Order(8, 5, "NEW", 1), 3),
                change(ks.orders, REMOVE, new Order(7, -3, "PAID", 10), 3)));
        assertThat(ks.session.execute("SELECT status FROM endpoint_replay.orders WHERE id = 8").one().getString(0)).isEqualTo("NEW");
        Row seven = ks.session.execute("SELECT status, amount FROM endpoint_replay.orders WHERE id = 7").one();
        assertThat(seven.isNull("status")).as("the endpoint's columns of order 7 are deleted").isTrue();
        assertThat(seven.getDouble("amount")).as("the other writer's later cell survives the (earlier-stamped) delete").isEqualTo(99.0);
    }

    @Test
    void aNewOutboxLogIdStartsAboveTheOldOne() {
        endpoint.onOperationsBatchSynchronization(new SyncOps.Batch("relog", "old-log", change(ks.items, WRITE, new Item(50, 1, "old"), 50)));
        // a fresh outbox numbers from 1 again; its changes must still win
        endpoint.onOperationsBatchSynchronization(new SyncOps.Batch("relog", "new-log", change(ks.items, WRITE, new Item(50, 2, "new"), 1)));
        assertThat(ks.itemRevs()).containsEntry(50L, 2L);
    }

    @Test
    void aTypeWithoutATableIsRefusedNamingIt() {
        assertThatThrownBy(() -> CassandraTableMapping.builder(String.class, "ks", "strings").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id property 'id'");
        CassandraSpaceSynchronizationEndpoint onlyItems = CassandraSpaceSynchronizationEndpoint.builder(ks.session).table(ks.items).build();
        assertThatThrownBy(() -> onlyItems.onOperationsBatchSynchronization(new SyncOps.Batch("x", "l",
                change(ks.orders, WRITE, new Order(1, 1, "NEW", 1), 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Order.class.getName()).hasMessageContaining("id 1");
    }
}

package io.khora.hibernate;

import io.khora.hibernate.TestOps.Batch;
import io.khora.hibernate.TestOps.Tx;
import io.khora.hibernate.model.Product;
import io.khora.hibernate.model.PurchaseOrder;
import io.khora.hibernate.model.Supplier;
import io.khora.persistence.DataSyncOperation;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.khora.hibernate.TestOps.op;
import static io.khora.persistence.DataSyncOperationType.CHANGE;
import static io.khora.persistence.DataSyncOperationType.PARTIAL_UPDATE;
import static io.khora.persistence.DataSyncOperationType.REMOVE;
import static io.khora.persistence.DataSyncOperationType.UPDATE;
import static io.khora.persistence.DataSyncOperationType.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The synchronization endpoint against a real database: every operation type lands, a batch is one
 * database transaction, replay mode is idempotent, bad input is refused before the database is
 * touched. Rows are read back with plain JDBC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class EndpointContract {
    TestDatabase db;
    SessionFactory sf;
    DefaultHibernateSpaceSynchronizationEndpoint replay;
    DefaultHibernateSpaceSynchronizationEndpoint strict;

    abstract TestDatabase.Kind kind();

    @BeforeAll
    void createDatabase() {
        db = TestDatabase.create(kind());
        sf = db.sessionFactory(PurchaseOrder.class, Product.class);
        replay = new DefaultHibernateSpaceSynchronizationEndpoint(sf);
        strict = DefaultHibernateSpaceSynchronizationEndpoint.builder(sf).replayMode(false).build();
    }

    @AfterAll
    void dropDatabase() {
        db.close();
    }

    @BeforeEach
    void emptyTables() {
        db.update("delete from purchase_orders");
        db.update("delete from products");
        db.counting().reset();
        db.counting().setDown(false);
    }

    static PurchaseOrder order(long id, int customer, String status, double amount) {
        return new PurchaseOrder(id, customer, status, amount);
    }

    List<Map<String, Object>> orders() {
        return db.query("select id, customer_id, status, amount from purchase_orders order by id");
    }

    static Map<String, Object> row(long id, int customer, String status, double amount) {
        return Map.of("id", id, "customer_id", customer, "status", status, "amount", amount);
    }

    // ------------------------------------------------------------------ every operation type

    @Test
    void everyOperationTypeLandsInTheDatabaseInStrictMode() {
        everyOperationTypeLands(strict);
    }

    @Test
    void everyOperationTypeLandsInTheDatabaseInReplayMode() {
        everyOperationTypeLands(replay);
    }

    private void everyOperationTypeLands(DefaultHibernateSpaceSynchronizationEndpoint ep) {
        ep.onOperationsBatchSynchronization(new Batch(
                op(WRITE, order(1, -7, "OPEN", 10), 1L),
                op(WRITE, order(2, 3, "OPEN", 20), 2L),
                op(WRITE, order(3, 4, "OPEN", 30), 3L),
                op(WRITE, order(4, 5, "OPEN", 40), 4L)));
        assertThat(orders()).containsExactly(row(1, -7, "OPEN", 10), row(2, 3, "OPEN", 20), row(3, 4, "OPEN", 30), row(4, 5, "OPEN", 40));

        ep.onOperationsBatchSynchronization(new Batch(op(UPDATE, order(1, -7, "PAID", 11), 1L)));
        ep.onOperationsBatchSynchronization(new Batch(op(PARTIAL_UPDATE, order(2, 3, "SHIPPED", 20), 2L, "status")));
        ep.onOperationsBatchSynchronization(new Batch(op(CHANGE, order(3, 4, "OPEN", 35.5), 3L, "amount")));
        ep.onOperationsBatchSynchronization(new Batch(op(REMOVE, order(4, 5, "OPEN", 40), 4L)));
        assertThat(orders()).containsExactly(row(1, -7, "PAID", 11), row(2, 3, "SHIPPED", 20), row(3, 4, "OPEN", 35.5));
    }

    @Test
    void operationsApplyInOrderWithinABatch() {
        replay.onOperationsBatchSynchronization(new Batch(
                op(WRITE, order(1, 1, "A", 1), 1L),
                op(WRITE, order(2, 2, "A", 2), 2L),
                op(UPDATE, order(1, 1, "B", 1), 1L),
                op(REMOVE, order(1, 1, "B", 1), 1L),
                op(REMOVE, order(2, 2, "A", 2), 2L),
                op(WRITE, order(1, 1, "C", 3), 1L),
                op(CHANGE, order(1, 1, "D", 4), 1L)));
        assertThat(orders()).containsExactly(row(1, 1, "D", 4));
        strict.onOperationsBatchSynchronization(new Batch(
                op(WRITE, order(5, 1, "A", 1), 5L),
                op(REMOVE, order(5, 1, "A", 1), 5L),
                op(WRITE, order(5, 1, "E", 5), 5L)));
        assertThat(orders()).containsExactly(row(1, 1, "D", 4), row(5, 1, "E", 5));
    }

    @Test
    void aTransactionIsAppliedAsOneUnit() {
        replay.onTransactionSynchronization(new Tx("tx-1", op(WRITE, order(1, 1, "OPEN", 1), 1L), op(WRITE, order(2, 2, "OPEN", 2), 2L)));
        assertThat(orders()).hasSize(2);
        assertThatThrownBy(() -> strict.onTransactionSynchronization(new Tx("tx-2",
                op(REMOVE, order(1, 1, "OPEN", 1), 1L),
                op(WRITE, order(2, 2, "OPEN", 2), 2L)))) // duplicate key
                .isInstanceOf(HibernateSynchronizationException.class).hasMessageContaining("tx-2");
        assertThat(orders()).as("the remove of the failed transaction was rolled back").hasSize(2);
    }

    // ------------------------------------------------------------------ one database transaction

    @Test
    void aFailingOperationInTheMiddleLeavesNoRowOfTheBatchInStrictMode() {
        strict.onOperationsBatchSynchronization(new Batch(op(WRITE, order(1, 1, "OPEN", 1), 1L)));
        assertThatThrownBy(() -> strict.onOperationsBatchSynchronization(new Batch(
                op(WRITE, order(10, 1, "OPEN", 1), 10L),
                op(UPDATE, order(1, 1, "CHANGED", 1), 1L),
                op(WRITE, order(1, 1, "DUPLICATE", 1), 1L),
                op(WRITE, order(11, 1, "OPEN", 1), 11L))))
                .isInstanceOf(HibernateSynchronizationException.class).hasMessageContaining("rolled back");
        assertThat(orders()).containsExactly(row(1, 1, "OPEN", 1));
    }

    @Test
    void aFailingOperationInTheMiddleLeavesNoRowOfTheBatchInReplayMode() {
        assertThatThrownBy(() -> replay.onOperationsBatchSynchronization(new Batch(
                op(WRITE, order(20, 1, "OPEN", 1), 20L),
                op(WRITE, order(21, 1, null, 1), 21L), // status is NOT NULL
                op(WRITE, order(22, 1, "OPEN", 1), 22L))))
                .isInstanceOf(HibernateSynchronizationException.class).hasMessageContaining("rolled back");
        assertThat(orders()).isEmpty();
    }

    @Test
    void strictModeFailsOnAMissingRow() {
        assertThatThrownBy(() -> strict.onOperationsBatchSynchronization(new Batch(op(UPDATE, order(7, 1, "X", 1), 7L))))
                .isInstanceOf(HibernateSynchronizationException.class);
        assertThatThrownBy(() -> strict.onOperationsBatchSynchronization(new Batch(op(REMOVE, order(7, 1, "X", 1), 7L))))
                .isInstanceOf(HibernateSynchronizationException.class);
        assertThat(orders()).isEmpty();
    }

    @Test
    void theDatabaseBeingDownFailsTheBatchWithNothingApplied() {
        db.counting().setDown(true);
        assertThatThrownBy(() -> replay.onOperationsBatchSynchronization(new Batch(op(WRITE, order(1, 1, "OPEN", 1), 1L))))
                .isInstanceOf(HibernateSynchronizationException.class).hasMessageContaining("nothing applied")
                .hasMessageContaining("database down");
        db.counting().setDown(false);
        assertThat(orders()).isEmpty();
    }

    // ------------------------------------------------------------------ replay mode

    @Test
    void replayModeIsIdempotent() {
        Batch batch = new Batch(
                op(WRITE, order(30, 1, "OPEN", 1), 30L),
                op(WRITE, order(31, 2, "OPEN", 2), 31L),
                op(UPDATE, order(30, 1, "PAID", 1), 30L),
                op(REMOVE, order(31, 2, "OPEN", 2), 31L),
                op(REMOVE, order(32, 2, "OPEN", 2), 32L), // never existed
                op(CHANGE, order(33, 3, "OPEN", 9), 33L), // row missing: the full state is written
                op(PARTIAL_UPDATE, order(34, 4, "OPEN", 8), 34L, "status"));
        replay.onOperationsBatchSynchronization(batch);
        List<Map<String, Object>> once = orders();
        assertThat(once).containsExactly(row(30, 1, "PAID", 1), row(33, 3, "OPEN", 9), row(34, 4, "OPEN", 8));
        replay.onOperationsBatchSynchronization(batch);
        assertThat(orders()).isEqualTo(once);
        // a write of a row that already exists (e.g. a replay after a crash) overwrites it
        replay.onOperationsBatchSynchronization(new Batch(op(WRITE, order(30, 1, "REPLAYED", 1), 30L)));
        assertThat(orders().get(0)).isEqualTo(row(30, 1, "REPLAYED", 1));
    }

    // ------------------------------------------------------------------ other entity shapes

    @Test
    void embeddedValuesAndStringIdsArePersisted() {
        Product p = new Product("SKU-1", "tools", "hammer", new BigDecimal("9.99"), 3, new Supplier("acme", "DE"));
        replay.onOperationsBatchSynchronization(new Batch(op(WRITE, p, "SKU-1")));
        p.setStock(2);
        strict.onOperationsBatchSynchronization(new Batch(op(CHANGE, p, "SKU-1", "stock")));
        assertThat(db.query("select sku, stock, supplier_country from products"))
                .containsExactly(Map.of("sku", "SKU-1", "stock", 2, "supplier_country", "DE"));
    }

    // ------------------------------------------------------------------ batching

    @Test
    void writesAreSentInJdbcBatches() {
        List<DataSyncOperation> ops = new ArrayList<>();
        for (long i = 1; i <= 2_500; i++) {
            ops.add(op(WRITE, order(i, (int) i, "OPEN", i), i));
        }
        strict.onOperationsBatchSynchronization(new Batch(ops.toArray(new DataSyncOperation[0])));
        assertThat(db.count("select count(*) from purchase_orders")).isEqualTo(2_500);
        assertThat(db.counting().addBatchCalls()).isEqualTo(2_500);
        assertThat(db.counting().executeBatchCalls()).as("batches of 1,000").isBetween(3L, 4L);
        db.counting().reset();
        List<DataSyncOperation> removes = new ArrayList<>();
        for (long i = 1; i <= 2_500; i++) {
            removes.add(op(REMOVE, order(i, (int) i, "OPEN", i), i));
        }
        replay.onOperationsBatchSynchronization(new Batch(removes.toArray(new DataSyncOperation[0])));
        assertThat(db.count("select count(*) from purchase_orders")).isZero();
        assertThat(db.counting().executions("delete from purchase_orders")).as("consecutive removes grouped in IN lists").isEqualTo(3);
    }

    // ------------------------------------------------------------------ bad input

    // ------------------------------------------------------------------ exactly-once checkpoints

    static TestOps.Op seq(long sequence, TestOps.Op op) {
        return new TestOps.Op(op.type(), op.entity(), op.id(), op.changed(), sequence);
    }

    long checkpointOf(String space, int partition) {
        List<Map<String, Object>> rows = db.query("select last_sequence from khora_checkpoint where space_name = '" + space
                + "' and partition_id = " + partition);
        return rows.isEmpty() ? -1 : ((Number) rows.get(0).values().iterator().next()).longValue();
    }

    @Test
    void aReplayedDurableBatchIsSkippedAtOrBelowTheCheckpoint() {
        String space = "ckpt-" + kind();
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 0,
                seq(1, op(WRITE, order(1, 1, "OPEN", 1), 1L)), seq(2, op(WRITE, order(2, 1, "OPEN", 2), 2L))));
        assertThat(checkpointOf(space, 0)).isEqualTo(2);
        // after a crash the mirror sends 2..4 again; 2 differs here to prove it is skipped, not re-applied
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 0,
                seq(2, op(UPDATE, order(2, 1, "NOT-APPLIED", 2), 2L)), seq(3, op(UPDATE, order(1, 1, "PAID", 1), 1L)),
                seq(4, op(REMOVE, order(2, 1, "OPEN", 2), 2L))));
        assertThat(orders()).containsExactly(row(1, 1, "PAID", 1));
        assertThat(checkpointOf(space, 0)).isEqualTo(4);
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 0,
                seq(3, op(UPDATE, order(1, 1, "NOT-APPLIED", 1), 1L)), seq(4, op(WRITE, order(2, 1, "NOT-APPLIED", 2), 2L))));
        assertThat(orders()).as("a batch entirely below the checkpoint changes nothing").containsExactly(row(1, 1, "PAID", 1));
    }

    @Test
    void aFailedDurableBatchLeavesTheCheckpointWhereItWas() {
        String space = "ckpt-fail-" + kind();
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 1, seq(10, op(WRITE, order(1, 1, "OPEN", 1), 1L))));
        assertThatThrownBy(() -> replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 1,
                seq(11, op(WRITE, order(2, 1, "OPEN", 2), 2L)), seq(12, op(WRITE, order(3, 1, null, 3), 3L)))))
                .isInstanceOf(HibernateSynchronizationException.class);
        assertThat(checkpointOf(space, 1)).isEqualTo(10);
        assertThat(orders()).containsExactly(row(1, 1, "OPEN", 1));
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 1,
                seq(11, op(WRITE, order(2, 1, "OPEN", 2), 2L)), seq(12, op(WRITE, order(3, 1, "FIXED", 3), 3L))));
        assertThat(orders()).hasSize(3);
        assertThat(checkpointOf(space, 1)).isEqualTo(12);
    }

    @Test
    void partitionsKeepTheirOwnCheckpointsAndWriteThroughBatchesKeepNone() {
        String space = "ckpt-parts-" + kind();
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 0, seq(5, op(WRITE, order(1, 1, "A", 1), 1L))));
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 3, seq(2, op(WRITE, order(2, 1, "B", 2), 2L))));
        assertThat(checkpointOf(space, 0)).isEqualTo(5);
        assertThat(checkpointOf(space, 3)).isEqualTo(2);
        replay.onOperationsBatchSynchronization(new Batch(seq(1, op(WRITE, order(3, 1, "C", 3), 3L))));
        assertThat(orders()).as("a write-through batch (sequences not durable) is never skipped").hasSize(3);
        assertThat(checkpointOf("test-space", 0)).isEqualTo(-1);
    }

    String logIdOf(String table, String space, int partition) {
        List<Map<String, Object>> rows = db.query("select log_id from " + table + " where space_name = '" + space
                + "' and partition_id = " + partition);
        return rows.isEmpty() ? null : (String) rows.get(0).values().iterator().next();
    }

    @Test
    void aDurableBatchFromAnotherLogRestartsTheCheckpointInsteadOfBeingSkipped() {
        String space = "ckpt-log-" + kind();
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 0, "log-a",
                seq(1, op(WRITE, order(1, 1, "A1", 1), 1L)), seq(2, op(WRITE, order(2, 1, "A2", 2), 2L)),
                seq(3, op(WRITE, order(3, 1, "A3", 3), 3L))));
        assertThat(checkpointOf(space, 0)).isEqualTo(3);
        assertThat(logIdOf("khora_checkpoint", space, 0)).isEqualTo("log-a");
        // a fresh outbox (new log id) numbers from 1 again: nothing of it was applied yet
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 0, "log-b",
                seq(1, op(UPDATE, order(1, 1, "B1", 1), 1L)), seq(2, op(WRITE, order(4, 1, "B4", 4), 4L))));
        assertThat(orders()).containsExactly(row(1, 1, "B1", 1), row(2, 1, "A2", 2), row(3, 1, "A3", 3), row(4, 1, "B4", 4));
        assertThat(checkpointOf(space, 0)).isEqualTo(2);
        assertThat(logIdOf("khora_checkpoint", space, 0)).isEqualTo("log-b");
        // within the new log, replays are skipped again
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 0, "log-b",
                seq(2, op(UPDATE, order(4, 1, "NOT-APPLIED", 4), 4L)), seq(3, op(REMOVE, order(3, 1, "A3", 3), 3L))));
        assertThat(orders()).containsExactly(row(1, 1, "B1", 1), row(2, 1, "A2", 2), row(4, 1, "B4", 4));
        assertThat(checkpointOf(space, 0)).isEqualTo(3);
        // a source without log ids is compared with the sequence whatever the log, and leaves the log id alone
        replay.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 0,
                seq(3, op(UPDATE, order(1, 1, "NOT-APPLIED", 1), 1L)), seq(4, op(UPDATE, order(2, 1, "N2", 2), 2L))));
        assertThat(orders()).containsExactly(row(1, 1, "B1", 1), row(2, 1, "N2", 2), row(4, 1, "B4", 4));
        assertThat(checkpointOf(space, 0)).isEqualTo(4);
        assertThat(logIdOf("khora_checkpoint", space, 0)).isEqualTo("log-b");
    }

    @Test
    void aCheckpointRowOfAnEarlierVersionIsAdoptedWithoutRedelivery() {
        String table = "old_checkpoint_" + kind().name().toLowerCase();
        String space = "ckpt-old-" + kind();
        // the table and row as a version without log ids left them
        db.update("create table " + table + " (space_name varchar(200) not null, partition_id integer not null,"
                + " last_sequence bigint not null, primary key (space_name, partition_id))");
        db.update("insert into " + table + " (space_name, partition_id, last_sequence) values (?, 2, 5)", space);
        db.update("insert into purchase_orders (id, customer_id, status, amount) values (1, 1, 'APPLIED-BEFORE', 1)");
        DefaultHibernateSpaceSynchronizationEndpoint upgraded = DefaultHibernateSpaceSynchronizationEndpoint.builder(sf)
                .checkpointTable(table).build();
        // the outbox replays 4..7 after the upgrade (its marker lagged), now under a log id
        upgraded.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 2, "log-x",
                seq(4, op(UPDATE, order(1, 1, "NOT-APPLIED", 1), 1L)), seq(5, op(WRITE, order(2, 1, "NOT-APPLIED", 2), 2L)),
                seq(6, op(WRITE, order(3, 1, "NEW", 3), 3L)), seq(7, op(UPDATE, order(1, 1, "NEW", 1), 1L))));
        assertThat(orders()).as("only the operations above the old checkpoint").containsExactly(row(1, 1, "NEW", 1), row(3, 1, "NEW", 3));
        assertThat(checkpointOf(table, space, 2)).isEqualTo(7);
        assertThat(logIdOf(table, space, 2)).as("the log id adopted").isEqualTo("log-x");
        // adopting keeps the sequence even when nothing of the batch is new
        db.update("insert into " + table + " (space_name, partition_id, last_sequence) values (?, 3, 9)", space);
        upgraded.onOperationsBatchSynchronization(new TestOps.DurableBatch(space, 3, "log-y",
                seq(8, op(WRITE, order(4, 1, "NOT-APPLIED", 4), 4L)), seq(9, op(WRITE, order(5, 1, "NOT-APPLIED", 5), 5L))));
        assertThat(orders()).containsExactly(row(1, 1, "NEW", 1), row(3, 1, "NEW", 3));
        assertThat(checkpointOf(table, space, 3)).isEqualTo(9);
        assertThat(logIdOf(table, space, 3)).isEqualTo("log-y");
    }

    long checkpointOf(String table, String space, int partition) {
        List<Map<String, Object>> rows = db.query("select last_sequence from " + table + " where space_name = '" + space
                + "' and partition_id = " + partition);
        return rows.isEmpty() ? -1 : ((Number) rows.get(0).values().iterator().next()).longValue();
    }

    @Test
    void documentOperationsAreRefusedBeforeTheDatabaseIsTouched() {
        assertThatThrownBy(() -> replay.onOperationsBatchSynchronization(new Batch(
                op(WRITE, order(1, 1, "OPEN", 1), 1L),
                TestOps.document(WRITE, 2L))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("document types are not supported by the Hibernate endpoint")
                .hasMessageContaining("OrderDocument");
        assertThat(orders()).isEmpty();
        assertThat(db.counting().statements()).isEmpty();
    }

    @Test
    void unmappedClassesAreRefused() {
        assertThatThrownBy(() -> replay.onOperationsBatchSynchronization(new Batch(op(WRITE, "not an entity", "x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.String is not an entity mapped by the SessionFactory");
    }
}

package io.khora.hibernate;

import io.khora.hibernate.model.Product;
import io.khora.hibernate.model.PurchaseOrder;
import io.khora.persistence.MirrorFencedException;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.khora.hibernate.EndpointContract.order;
import static io.khora.hibernate.EndpointContract.row;
import static io.khora.hibernate.EndpointContract.seq;
import static io.khora.hibernate.TestOps.op;
import static io.khora.persistence.DataSyncOperationType.REMOVE;
import static io.khora.persistence.DataSyncOperationType.UPDATE;
import static io.khora.persistence.DataSyncOperationType.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two cluster mirrors of one partition in the window where one takes over from the other, against a
 * real PostgreSQL: the checkpoint row serialises their batches, a late batch of the mirror whose
 * lease was taken over (a lower epoch) applies nothing, and two first batches racing to create the
 * row neither fail nor apply twice. Each mirror is its own endpoint (its own checkpoint object).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresCheckpointFencingTest {
    static final String LOG = "log-1";
    TestDatabase db;
    SessionFactory sf;
    DefaultHibernateSpaceSynchronizationEndpoint oldMirror;
    DefaultHibernateSpaceSynchronizationEndpoint newMirror;

    @BeforeAll
    void createDatabase() {
        db = TestDatabase.create(TestDatabase.Kind.POSTGRES);
        sf = db.sessionFactory(false, PurchaseOrder.class, Product.class);
        oldMirror = new DefaultHibernateSpaceSynchronizationEndpoint(sf);
        newMirror = new DefaultHibernateSpaceSynchronizationEndpoint(sf);
    }

    @AfterAll
    void dropDatabase() {
        db.close();
    }

    @BeforeEach
    void emptyTable() {
        db.update("delete from purchase_orders");
    }

    List<Map<String, Object>> orders() {
        return db.query("select id, customer_id, status, amount from purchase_orders order by id");
    }

    @Test
    void aLateBatchOfAMirrorWhoseLeaseWasTakenOverAppliesNothing() {
        String space = "late";
        oldMirror.onOperationsBatchSynchronization(new TestOps.MirrorBatch(space, 0, LOG, 1, seq(1, op(WRITE, order(1, 1, "OPEN", 1), 1L))));
        // the next mirror (epoch 2) replays from the acknowledged sequence and goes on: 2 writes order 2, 3 takes it
        newMirror.onOperationsBatchSynchronization(new TestOps.MirrorBatch(space, 0, LOG, 2,
                seq(1, op(WRITE, order(1, 1, "OPEN", 1), 1L)), seq(2, op(WRITE, order(2, 1, "OPEN", 2), 2L))));
        // the old mirror's late batch 2..4 had consolidated the write and the take of order 2 into nothing, and updates order 1
        assertThatThrownBy(() -> oldMirror.onOperationsBatchSynchronization(new TestOps.MirrorBatch(space, 0, LOG, 1,
                seq(4, op(UPDATE, order(1, 1, "LATE", 1), 1L)))))
                .isInstanceOf(MirrorFencedException.class)
                .hasMessageContaining("partition 1").hasMessageContaining("epoch 2 was applied; this batch comes from epoch 1")
                .hasMessageContaining("nothing applied");
        assertThat(orders()).containsExactly(row(1, 1, "OPEN", 1), row(2, 1, "OPEN", 2));
        newMirror.onOperationsBatchSynchronization(new TestOps.MirrorBatch(space, 0, LOG, 2,
                seq(3, op(REMOVE, order(2, 1, "OPEN", 2), 2L)), seq(4, op(UPDATE, order(1, 1, "PAID", 1), 1L))));
        assertThat(orders()).as("the row taken in the space is gone").containsExactly(row(1, 1, "PAID", 1));
        assertThat(epochOf(space, 0)).isEqualTo(2);
    }

    @Test
    void aBatchWaitingForTheCheckpointRowSeesWhatTheBatchHoldingItCommitted() throws Exception {
        String space = "wait";
        oldMirror.onOperationsBatchSynchronization(new TestOps.MirrorBatch(space, 0, LOG, 1, seq(1, op(WRITE, order(1, 1, "OPEN", 1), 1L))));
        for (long heldBy : new long[] {1, 2}) {
            // another mirror's batch holds the row: it advances the checkpoint to 10, with its epoch, and commits later
            try (Connection holder = db.raw().getConnection()) {
                holder.setAutoCommit(false);
                try (PreparedStatement ps = holder.prepareStatement(
                        "select last_sequence from khora_checkpoint where space_name = ? and partition_id = 0 for update")) {
                    ps.setString(1, space);
                    ps.executeQuery().close();
                }
                CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> oldMirror.onOperationsBatchSynchronization(
                        new TestOps.MirrorBatch(space, 0, LOG, 1, seq(9, op(UPDATE, order(1, 1, "STALE-" + heldBy, 1), 1L)),
                                seq(10, op(WRITE, order(3, 1, "STALE", 3), 3L)))));
                awaitBlockedOnALock();
                assertThat(waiting).isNotDone();
                try (PreparedStatement ps = holder.prepareStatement(
                        "update khora_checkpoint set last_sequence = 10, mirror_epoch = ? where space_name = ? and partition_id = 0")) {
                    ps.setLong(1, heldBy);
                    ps.setString(2, space);
                    ps.executeUpdate();
                }
                holder.commit();
                if (heldBy == 1) {
                    waiting.get(30, TimeUnit.SECONDS); // same mirror: everything at or below 10 is skipped
                } else {
                    assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                            .hasCauseInstanceOf(MirrorFencedException.class);
                }
                assertThat(orders()).as("held by epoch %d", heldBy).containsExactly(row(1, 1, "OPEN", 1));
            }
        }
    }

    @Test
    void twoMirrorsFirstBatchesRacingToCreateTheCheckpointRowNeitherFailNorApplyTwice() throws Exception {
        List<String> outcomes = new ArrayList<>();
        for (int partition = 0; partition < 20; partition++) {
            int p = partition;
            emptyTable();
            // two fresh endpoints: neither knows the row exists
            DefaultHibernateSpaceSynchronizationEndpoint a = new DefaultHibernateSpaceSynchronizationEndpoint(sf);
            DefaultHibernateSpaceSynchronizationEndpoint b = new DefaultHibernateSpaceSynchronizationEndpoint(sf);
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> deliver(go, a, p, 1));
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> deliver(go, b, p, 2));
            go.countDown();
            String oa = first.get(30, TimeUnit.SECONDS);
            String ob = second.get(30, TimeUnit.SECONDS);
            outcomes.add(oa + "/" + ob);
            assertThat(List.of(oa, ob)).as("partition %d: at most the older mirror is fenced", p).contains("applied");
            assertThat(orders()).as("partition %d", p).containsExactly(row(1, 1, "OPEN", 1), row(2, 1, "OPEN", 2));
        }
        System.out.println("first batches of mirror 1/2: " + outcomes);
    }

    /** Delivers sequences 1..2 of {@code partition} as the mirror of {@code epoch}: "applied", or "fenced". */
    private String deliver(CountDownLatch go, DefaultHibernateSpaceSynchronizationEndpoint endpoint, int partition, long epoch) {
        try {
            go.await();
            endpoint.onOperationsBatchSynchronization(new TestOps.MirrorBatch("race", partition, LOG, epoch,
                    seq(1, op(WRITE, order(1, 1, "OPEN", 1), 1L)), seq(2, op(WRITE, order(2, 1, "OPEN", 2), 2L))));
            return "applied";
        } catch (MirrorFencedException e) {
            return "fenced";
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitBlockedOnALock() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (db.count("select count(*) from pg_locks where not granted") == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the batch never waited for the checkpoint row's lock");
            }
            Thread.sleep(10);
        }
    }

    private long epochOf(String space, int partition) {
        return db.count("select mirror_epoch from khora_checkpoint where space_name = ? and partition_id = ?", space, partition);
    }
}

package io.khora.internal.writebehind;

import io.khora.ChangeSet;
import io.khora.fixtures.Trade;
import io.khora.internal.engine.Change;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.internal.wire.WireOutput;
import io.khora.persistence.DataSyncOperationType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.khora.persistence.DataSyncOperationType.CHANGE;
import static io.khora.persistence.DataSyncOperationType.REMOVE;
import static io.khora.persistence.DataSyncOperationType.UPDATE;
import static io.khora.persistence.DataSyncOperationType.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

/** The outbox side of transactions: the record format, consolidation boundaries, and delivery of transaction units. */
class TransactionOutboxTest {
    private static final TypeDescriptor TRADE = TypeIntrospector.describe(Trade.class);
    private static final TypeResolver TYPES = (name, cls) -> TRADE;

    private static Change c(long seq, DataSyncOperationType type, long id, int qty) {
        Object[] v = TRADE.codec().toValues(new Trade(id, "S", 1.0, qty));
        return new Change(type, new SpaceEntry(TRADE, v, seq, Long.MAX_VALUE), List.of(), 0, seq);
    }

    private static OutboxRecord.TxRecord tx(long seq, int[] participants, Change... changes) {
        List<Change> list = new ArrayList<>();
        for (Change ch : changes) {
            list.add(new Change(ch.type(), ch.entry(), ch.operations(), 0, seq));
        }
        long[] order = new long[list.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i + 1;
        }
        return new OutboxRecord.TxRecord("t" + seq, participants, 0, list, order, seq);
    }

    @Test
    void aTransactionRecordRoundTripsWithItsParticipantsOrderAndChangeOperations() {
        Change update = new Change(CHANGE, c(0, CHANGE, 7, 3).entry(), List.of(new ChangeSet.Increment("quantity", 2)), 0, 0);
        WireOutput out = new WireOutput(64);
        byte[] bytes = OutboxCodec.encodeTransaction("tx-1", new int[] {0, 2}, List.of(c(0, WRITE, 1, 1), update, c(0, REMOVE, 3, 1)),
                new long[] {5, 9, 12}, out);
        OutboxRecord r = OutboxCodec.decodeRecord(bytes, 42, 2, TYPES, io.khora.internal.wire.JavaDeserialization.TRUSTED);
        assertThat(r).isInstanceOf(OutboxRecord.TxRecord.class);
        OutboxRecord.TxRecord t = (OutboxRecord.TxRecord) r;
        assertThat(t.txId()).isEqualTo("tx-1");
        assertThat(t.participants()).containsExactly(0, 2);
        assertThat(t.partition()).isEqualTo(2);
        assertThat(t.multiPartition()).isTrue();
        assertThat(t.order()).containsExactly(5, 9, 12);
        assertThat(t.changes()).extracting(Change::type).containsExactly(WRITE, CHANGE, REMOVE);
        assertThat(t.changes()).extracting(Change::sequence).containsOnly(42L);
        assertThat(t.changes().get(1).operations()).containsExactly(new ChangeSet.Increment("quantity", 2));
        assertThat(OutboxCodec.decodeRecord(OutboxCodec.encodeAbort("tx-1", out), 43, 2, TYPES, io.khora.internal.wire.JavaDeserialization.TRUSTED))
                .isEqualTo(new OutboxRecord.TxAbort("tx-1", 43));
        assertThat(OutboxCodec.decodeRecord(OutboxCodec.encode(c(0, WRITE, 1, 1), out), 44, 2, TYPES, io.khora.internal.wire.JavaDeserialization.TRUSTED))
                .isInstanceOf(OutboxRecord.Single.class).extracting(OutboxRecord::sequence).isEqualTo(44L);
    }

    @Test
    void changesAreNeverConsolidatedAcrossATransaction() {
        List<OutboxRecord> records = List.of(new OutboxRecord.Single(c(1, WRITE, 1, 1)), new OutboxRecord.Single(c(2, UPDATE, 2, 1)),
                tx(3, new int[] {0}, c(0, UPDATE, 1, 2)), new OutboxRecord.Single(c(4, UPDATE, 1, 3)),
                new OutboxRecord.TxAbort("gone", 5), new OutboxRecord.Single(c(6, REMOVE, 2, 1)));
        List<Consolidator.Merged> merged = Consolidator.consolidateRecords(records, 0);
        assertThat(merged).extracting(m -> m.tx() != null ? "tx" + m.tx().sequence() : m.change().type() + " " + m.change().entry().id())
                .as("entry 1's changes before and after the transaction stay apart, as do entry 2's")
                .containsExactly("WRITE 1", "UPDATE 2", "tx3", "UPDATE 1", "REMOVE 2");
    }

    @Test
    void aTransactionIsSentAloneAndABadOneIsSetAsideWhole() {
        List<String> sent = new ArrayList<>();
        BatchDelivery.Sender sender = new BatchDelivery.Sender() {
            @Override
            public void send(List<Change> changes) {
                sent.add("batch " + changes.stream().map(ch -> ch.entry().id()).toList());
            }

            @Override
            public void sendTransaction(OutboxRecord.TxRecord t) {
                if (t.sequence() == 6) {
                    throw new IllegalArgumentException("bad row in transaction");
                }
                sent.add("tx" + t.sequence());
            }
        };
        List<OutboxRecord> records = List.of(new OutboxRecord.Single(c(1, WRITE, 1, 1)), new OutboxRecord.Single(c(2, WRITE, 2, 1)),
                tx(3, new int[] {0}, c(0, WRITE, 3, 1), c(0, WRITE, 4, 1)), new OutboxRecord.Single(c(4, WRITE, 5, 1)),
                new OutboxRecord.Single(c(5, WRITE, 6, 1)), tx(6, new int[] {0}, c(0, WRITE, 7, 1)),
                new OutboxRecord.Single(c(7, WRITE, 8, 1)));
        BatchDelivery.Outcome o = BatchDelivery.deliver(Consolidator.consolidateRecords(records, 0), sender, 3, s -> { });
        assertThat(o.complete()).isTrue();
        assertThat(sent).containsExactly("batch [1, 2]", "tx3", "batch [5, 6]", "batch [8]");
        assertThat(o.deadLetters()).hasSize(1);
        assertThat(o.deadLetters().get(0).merged().tx().sequence()).isEqualTo(6);
        assertThat(o.deadLetters().get(0).merged().members()).hasSize(1);
    }

    @Test
    void theLastMirrorToArriveDeliversEveryPartAndTheOthersGetItsResult() throws Exception {
        List<Integer> nudged = new ArrayList<>();
        TxConsolidation meetings = new TxConsolidation(p -> {
            synchronized (nudged) {
                nudged.add(p);
            }
        });
        meetings.begin("t", new int[] {0, 1, 2});
        List<List<Integer>> deliveries = new ArrayList<>();
        TxConsolidation.Deliverer deliverer = (id, parts) -> {
            deliveries.add(parts.stream().map(OutboxRecord.TxRecord::partition).toList());
            return TxConsolidation.Result.DELIVERED;
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            meetings.decide("t", true, 3);
            List<java.util.concurrent.Future<TxConsolidation.Result>> results = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                OutboxRecord.TxRecord part = new OutboxRecord.TxRecord("t", new int[] {0, 1, 2}, p, List.of(c(10 + p, WRITE, p, 1)),
                        new long[] {p}, 10 + p);
                results.add(pool.submit(() -> {
                    assertThat(meetings.awaitOutcome("t", () -> false)).isEqualTo(TxConsolidation.Outcome.COMMIT);
                    return meetings.meet(part, deliverer, () -> false);
                }));
                Thread.sleep(20);
            }
            for (var f : results) {
                assertThat(f.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(TxConsolidation.Result.DELIVERED);
            }
            assertThat(deliveries).as("one delivery, every part, in partition order").containsExactly(List.of(0, 1, 2));
            assertThat(nudged).as("early arrivals made the missing parts visible").isNotEmpty();
            for (int p = 0; p < 3; p++) {
                meetings.done("t", p);
            }
            assertThat(meetings.size()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }
}

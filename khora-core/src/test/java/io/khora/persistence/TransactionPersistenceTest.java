package io.khora.persistence;

import io.khora.ChangeSet;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.Transaction;
import io.khora.TransactionException;
import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;
import io.khora.fixtures.Account;
import io.khora.fixtures.Trade;
import io.khora.testing.Locks;
import io.khora.testing.RecordingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A committed transaction reaches the synchronization endpoint as one {@link TransactionData}
 * ({@code onTransactionSynchronization}, then {@code afterTransactionSynchronization}): with
 * write-through before {@code commit} returns — one unit covering every partition, a refusal rolling
 * everything back — and with write-behind as one unit of the outbox, never merged with the changes
 * around it, the parts of a multi-partition transaction consolidated into one, across restarts too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransactionPersistenceTest {
    private static final List<String> SYMBOLS = List.of("A", "B", "C", "D", "E", "F", "G", "H");

    @TempDir
    Path dir;

    private static Space writeThrough(String name, RecordingStore store) {
        return Spaces.embedded(name).partitions(4).synchronizationEndpoint(store).start();
    }

    private WriteBehindSettings.Builder writeBehindSettings() {
        return WriteBehindSettings.builder(dir).durability(WriteBehindSettings.Durability.PER_BATCH)
                .batchInterval(Duration.ofMillis(10)).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(40))
                .flushTimeout(Duration.ofSeconds(5));
    }

    private Space writeBehind(String name, RecordingStore store, WriteBehindSettings settings) {
        return Spaces.embedded(name).partitions(4).synchronizationEndpoint(store).writeBehind(settings).start();
    }

    private static String readLogId(Path outbox) {
        try {
            return java.nio.file.Files.readString(outbox.resolve("log-id"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<Integer> partitionsOf(TransactionData td) {
        Set<Integer> out = new HashSet<>();
        for (DataSyncOperation op : td.getTransactionParticipantDataItems()) {
            out.add(op.getPartitionId());
        }
        return out;
    }

    private static List<String> describe(TransactionData td) {
        return Arrays.stream(td.getTransactionParticipantDataItems()).map(op -> op.getDataSyncOperationType() + " " + op.getSpaceId()).toList();
    }

    private static RuntimeException unavailable() {
        return new IllegalStateException("store down", new java.net.ConnectException("connection refused"));
    }

    // ---------------------------------------------------------------- write-through

    @Test
    void writeThroughDeliversOnePartitionsTransactionAsOneUnitBeforeCommitReturns() {
        RecordingStore store = new RecordingStore();
        try (Space space = writeThrough("wt-one", store)) {
            space.write(new Trade(1, "A", 1.0, 1));
            store.calls.clear();
            try (Transaction tx = space.beginTransaction()) {
                tx.space().write(new Trade(2, "A", 2.0, 2));
                tx.space().change(Query.of(Trade.class, "id = 1"), ChangeSet.create().increment("quantity", 5));
                tx.space().write(new Trade(3, "A", 3.0, 3));
                tx.space().takeById(Trade.class, 3L, "A");
                assertThat(store.calls).as("nothing before the commit").isEmpty();
                tx.commit();
                assertThat(store.table(Trade.class)).as("in the store when commit returns").containsKeys(1L, 2L);
                assertThat(store.calls).containsExactly("tx " + tx.id() + " [WRITE, CHANGE]", "afterTx " + tx.id());
            }
            TransactionData td = store.transactions.get(0);
            assertThat(describe(td)).as("in the transaction's order; the write+take of 3 cancel out").containsExactly("WRITE 2", "CHANGE 1");
            assertThat(td.isConsolidated()).isFalse();
            assertThat(td.getSourceDetails().partitionId()).isEqualTo(Locks.partitionOf(space, "A"));
            assertThat(td.getTransactionParticipantDataItems()[1].getChanges()).hasSize(1);
            assertThat(((Trade) store.table(Trade.class).get(1L)).getQuantity()).isEqualTo(6);
        }
    }

    @Test
    void writeThroughDeliversATransactionOverSeveralPartitionsAsOneUnit() {
        RecordingStore store = new RecordingStore();
        try (Space space = writeThrough("wt-many", store)) {
            space.write(new Trade(100, "H", 1.0, 1));
            store.calls.clear();
            String id;
            try (Transaction tx = space.beginTransaction()) {
                id = tx.id();
                for (int i = 0; i < SYMBOLS.size(); i++) {
                    tx.space().write(new Trade(i, SYMBOLS.get(i), 1.0, i));
                }
                tx.space().takeById(Trade.class, 100L, "H");
                tx.commit();
            }
            assertThat(store.calls).containsExactly("tx " + id + " [WRITE, WRITE, WRITE, WRITE, WRITE, WRITE, WRITE, WRITE, REMOVE]",
                    "afterTx " + id);
            TransactionData td = store.transactions.get(0);
            assertThat(td.isConsolidated()).isTrue();
            assertThat(partitionsOf(td)).containsExactlyInAnyOrder(0, 1, 2, 3);
            assertThat(describe(td)).as("the transaction's own order across partitions")
                    .containsExactly("WRITE 0", "WRITE 1", "WRITE 2", "WRITE 3", "WRITE 4", "WRITE 5", "WRITE 6", "WRITE 7", "REMOVE 100");
            assertThat(td.getSourceDetails().durableSequences()).isFalse();
            assertThat(store.table(Trade.class)).hasSize(8).doesNotContainKey(100L);
        }
    }

    @Test
    void whenTheEndpointRefusesATransactionNothingOfItIsApplied() {
        RecordingStore store = new RecordingStore();
        try (Space space = writeThrough("wt-refused", store)) {
            space.write(new Account("a", 100, 0));
            space.write(new Trade(100, "H", 1.0, 1));
            Set<Object> before = store.table(Trade.class).keySet();
            IllegalStateException refusal = new IllegalStateException("constraint violated");
            store.refuse = op -> op.getSpaceId().equals(5L) ? refusal : null;
            for (boolean multi : new boolean[] {false, true}) {
                Transaction tx = space.beginTransaction();
                tx.space().change(Query.of(Account.class, "id = 'a'"), ChangeSet.create().increment("balance", -10L));
                tx.space().takeById(Trade.class, 100L, "H");
                tx.space().write(new Trade(5, multi ? "B" : "H", 1.0, 1));
                assertThatThrownBy(tx::commit).isInstanceOf(TransactionException.class).hasMessageContaining("rolled back")
                        .hasCauseInstanceOf(SpacePersistenceException.class).hasRootCause(refusal);
                assertThat(tx.status()).isEqualTo(Transaction.Status.ROLLED_BACK);
                assertThat(space.readById(Account.class, "a").balance()).isEqualTo(100);
                assertThat(space.readById(Trade.class, 100L, "H")).as("the taken entry is back").isNotNull();
                assertThat(space.readById(Trade.class, 5L, multi ? "B" : "H")).isNull();
                assertThat(Locks.locked(space)).isZero();
                assertThat(store.table(Trade.class).keySet()).isEqualTo(before);
                assertThat(store.count("afterTx")).isZero();
            }
            store.refuse = null;
            try (Transaction tx = space.beginTransaction()) {
                tx.space().change(Query.of(Account.class, "id = 'a'"), ChangeSet.create().increment("balance", -10L));
                tx.commit();
            }
            assertThat(space.readById(Account.class, "a").balance()).isEqualTo(90);
        }
    }

    @Test
    void aTransactionThatChangedNothingReachesNoEndpoint() {
        RecordingStore store = new RecordingStore();
        try (Space space = writeThrough("wt-readonly", store)) {
            space.write(new Account("a", 100, 0));
            store.calls.clear();
            try (Transaction tx = space.beginTransaction(io.khora.TransactionOptions.defaults()
                    .withIsolation(io.khora.TransactionOptions.Isolation.EXCLUSIVE_READ))) {
                tx.space().readById(Account.class, "a");
                tx.space().readMultiple(Query.all(Account.class));
                tx.commit();
            }
            assertThat(store.calls).isEmpty();
        }
    }

    @Test
    void aTransactionReadsThroughTheDataSourceAndWhatItHoldsIsNeverEvicted() {
        MapStore store = new MapStore();
        for (int i = 0; i < 20; i++) {
            store.put(new Trade(i, "S" + i, 1.0, i));
        }
        try (Space space = Spaces.embedded("lru-tx").partitions(2).dataSource(store.dataSource).synchronizationEndpoint(store.endpoint)
                .cachePolicy(io.khora.CachePolicy.LRU).maxEntries(4).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
            try (Transaction tx = space.beginTransaction()) {
                assertThat(tx.space().readById(Trade.class, 7L, "S7").getQuantity()).as("read through").isEqualTo(7);
                tx.space().change(Query.of(Trade.class, "id = 7"), ChangeSet.create().set("quantity", 99));
                for (int i = 0; i < 20; i++) {
                    assertThat(space.readById(Trade.class, (long) i, "S" + i)).isNotNull(); // churn the LRU
                }
                assertThat(tx.space().readById(Trade.class, 7L, "S7").getQuantity()).isEqualTo(99);
                assertThat(space.readById(Trade.class, 7L, "S7").getQuantity()).as("the committed state").isEqualTo(7);
                List<Trade> taken = tx.space().takeMultiple(Query.of(Trade.class, "quantity < 3"), 10);
                assertThat(taken).extracting(Trade::getId).as("taken from memory and from the store").containsExactlyInAnyOrder(0L, 1L, 2L);
                assertThat(tx.space().count(Query.of(Trade.class, "quantity < 3"))).isZero();
                assertThat(space.count(Query.of(Trade.class, "quantity < 3"))).isEqualTo(3);
                tx.commit();
            }
            assertThat(((Trade) store.table(Trade.class).get(7L)).getQuantity()).isEqualTo(99);
            assertThat(store.table(Trade.class)).doesNotContainKeys(0L, 1L, 2L).hasSize(17);
            assertThat(store.count("onTransactionSynchronization 4")).isEqualTo(1);
            assertThat(space.readById(Trade.class, 1L, "S1")).isNull();
            assertThat(Locks.locked(space)).isZero();
        }
    }

    // ---------------------------------------------------------------- write-behind

    @Test
    void writeBehindDeliversATransactionAsOneUnitNeverMergedWithTheChangesAroundIt() {
        RecordingStore store = new RecordingStore();
        store.down = unavailable();
        try (Space space = writeBehind("wb-boundary", store, writeBehindSettings().build())) {
            space.write(new Trade(1, "A", 1.0, 1));
            String id;
            try (Transaction tx = space.beginTransaction()) {
                id = tx.id();
                tx.space().write(new Trade(1, "A", 2.0, 2));
                tx.space().write(new Trade(2, "A", 2.0, 2));
                tx.commit();
            }
            space.write(new Trade(1, "A", 3.0, 3));
            space.write(new Trade(3, "A", 3.0, 3));
            store.calls.clear();
            store.down = null; // the mirror now finds all of it in one round
            assertThat(space.admin().flush(Duration.ofSeconds(10))).isTrue();
            assertThat(store.calls.stream().filter(c -> !c.startsWith("after")).toList()).as("the transaction splits the run of changes")
                    .containsExactly("batch [WRITE]", "tx " + id + " [UPDATE, WRITE]", "batch [UPDATE, WRITE]");
            TransactionData td = store.transactions.get(0);
            assertThat(td.getSourceDetails().durableSequences()).isTrue();
            assertThat(Arrays.stream(td.getTransactionParticipantDataItems()).map(DataSyncOperation::getSequence).distinct())
                    .as("one outbox record: one sequence").hasSize(1);
            assertThat(((Trade) store.table(Trade.class).get(1L)).getQuantity()).isEqualTo(3);
        }
    }

    @Test
    void writeBehindConsolidatesThePartsOfAMultiPartitionTransactionIntoOneUnit() {
        RecordingStore store = new RecordingStore();
        try (Space space = writeBehind("wb-multi", store, writeBehindSettings().build())) {
            for (int round = 0; round < 20; round++) {
                try (Transaction tx = space.beginTransaction()) {
                    for (int i = 0; i < SYMBOLS.size(); i++) {
                        tx.space().write(new Trade(round * 100L + i, SYMBOLS.get(i), 1.0, round));
                    }
                    if (round > 0) {
                        tx.space().takeMultiple(Query.of(Trade.class, "quantity = ?", round - 1), 100);
                    }
                    tx.commit();
                }
                space.write(new Trade(10_000 + round, SYMBOLS.get(round % 8), 1.0, -1)); // plain changes between them
            }
            assertThat(space.admin().flush(Duration.ofSeconds(20))).isTrue();
            assertThat(store.transactions).as("one unit per transaction").hasSize(20);
            String lowestLogId = readLogId(dir.resolve("wb-multi").resolve("partition-1"));
            for (TransactionData td : store.transactions) {
                assertThat(td.getSourceDetails().logId()).as("the lowest partition's outbox numbers the unit, whichever mirror"
                        + " delivers it").isEqualTo(lowestLogId);
                assertThat(td.isConsolidated()).isTrue();
                assertThat(partitionsOf(td)).containsExactlyInAnyOrder(0, 1, 2, 3);
                assertThat(td.getSourceDetails().durableSequences()).isTrue();
                assertThat(td.getTransactionParticipantDataItems()).hasSizeBetween(8, 16);
                assertThat(Arrays.stream(td.getTransactionParticipantDataItems()).map(DataSyncOperation::getSequence).distinct())
                        .as("every operation carries the sequence of the lowest partition's part").hasSize(1);
                assertThat(td.getSourceDetails().partitionId()).isZero();
            }
            assertThat(store.table(Trade.class).keySet()).containsExactlyInAnyOrderElementsOf(
                    space.readMultiple(Query.all(Trade.class)).stream().map(Trade::getId).toList());
            assertThat(store.count("afterTx")).isEqualTo(20);
        }
    }

    @Test
    void undeliveredTransactionsSurviveARestartAndAreDeliveredOnceAsOneUnit() {
        RecordingStore store = new RecordingStore();
        store.down = unavailable();
        WriteBehindSettings settings = writeBehindSettings().flushTimeout(Duration.ofMillis(100)).build();
        String multi;
        String single;
        try (Space space = writeBehind("wb-restart", store, settings)) {
            try (Transaction tx = space.beginTransaction()) {
                multi = tx.id();
                for (int i = 0; i < 4; i++) {
                    tx.space().write(new Trade(i, SYMBOLS.get(i), 1.0, 1));
                }
                tx.commit();
            }
            try (Transaction tx = space.beginTransaction()) {
                single = tx.id();
                tx.space().write(new Trade(10, "A", 1.0, 1));
                tx.space().change(Query.of(Trade.class, "id = 0"), ChangeSet.create().set("quantity", 7));
                tx.commit();
            }
            assertThat(space.admin().pendingChanges()).isEqualTo(4 + 1);
        }
        assertThat(store.transactions).isEmpty();
        store.down = null;
        try (Space space = writeBehind("wb-restart", store, settings)) {
            assertThat(space.readById(Trade.class, 0L, "A").getQuantity()).as("restored in memory").isEqualTo(7);
            assertThat(space.count(Query.all(Trade.class))).isEqualTo(5);
            assertThat(space.admin().flush(Duration.ofSeconds(10))).isTrue();
            assertThat(store.transactions).extracting(TransactionData::getTransactionId).containsExactly(multi, single);
            assertThat(partitionsOf(store.transactions.get(0))).hasSize(4);
            assertThat(((Trade) store.table(Trade.class).get(0L)).getQuantity()).isEqualTo(7);
        }
    }

    @Test
    void aPartAppendedForATransactionThatFailsLaterIsVoidedNeverDelivered() {
        RecordingStore store = new RecordingStore();
        store.down = unavailable();
        SpaceDocumentType doc = SpaceDocumentType.builder("Doc").id("id", String.class).property("payload", Object.class).build();
        WriteBehindSettings settings = writeBehindSettings().flushTimeout(Duration.ofMillis(100)).build();
        String low = null;
        String high = null;
        try (Space space = Spaces.embedded("wb-void").partitions(4).registerType(doc).synchronizationEndpoint(store)
                .writeBehind(settings).start()) {
            for (int i = 0; low == null || high == null; i++) {
                int p = Locks.partitionOf(space, "d" + i);
                if (p == 0) {
                    low = "d" + i;
                } else if (p == 3) {
                    high = "d" + i;
                }
            }
            Transaction tx = space.beginTransaction();
            tx.space().write(new SpaceDocument("Doc").setProperty("id", low).setProperty("payload", "fine"));
            tx.space().write(new SpaceDocument("Doc").setProperty("id", high).setProperty("payload", new Object()));
            assertThatThrownBy(tx::commit).isInstanceOf(TransactionException.class).hasMessageContaining("rolled back")
                    .hasCauseInstanceOf(SpacePersistenceException.class);
            assertThat(space.readById("Doc", low)).isNull();
            // partition 1 holds the voided part and its abort marker, unless its mirror already passed them (an aborted
            // part needs no delivery: it is acknowledged without reaching the store, which is down) — when depends on
            // the mirror thread's timing (1 in CI on a busy machine)
            assertThat(space.admin().pendingChanges()).as("at most the voided part and its abort marker").isBetween(0L, 2L);
        }
        store.down = null;
        try (Space space = Spaces.embedded("wb-void").partitions(4).registerType(doc).synchronizationEndpoint(store)
                .writeBehind(settings).start()) {
            assertThat(space.readById("Doc", low)).as("not restored").isNull();
            assertThat(space.admin().flush(Duration.ofSeconds(10))).isTrue();
            assertThat(space.admin().pendingChanges()).isZero();
            assertThat(store.transactions).as("never delivered").isEmpty();
            assertThat(store.calls).isEmpty();
        }
    }
}

package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.persistence.DataSyncOperationType;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.khora.internal.engine.EngineFixture.ITEM;
import static io.khora.internal.engine.EngineFixture.item;
import static io.khora.internal.engine.EngineFixture.qty;
import static io.khora.internal.engine.EngineFixture.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Transactions: a part's changes are its own until commit; the entries it touches are locked. */
class TransactionIsolationTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void aTransactionsWriteIsInvisibleToOthersUntilCommit() {
        EngineFixture.Tx tx = f.begin("t1");

        f.engine.txWrite(tx.part, ITEM, item("a", "x", 1), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);

        assertThat(f.read("a")).isNull();
        assertThat(f.engine.count(EngineFixture.all())).isZero();
        assertThat(f.engine.txReadById(tx.part, ITEM, "a", false)).isNotNull();
        assertThat(f.engine.txCount(tx.part, EngineFixture.all())).isEqualTo(1);
        assertThat(f.events).isEmpty();

        List<Change> changes = f.engine.commitOnePhase(tx.part, null);

        assertThat(changes).extracting(Change::type).containsExactly(DataSyncOperationType.WRITE);
        assertThat(qty(f.read("a"))).isEqualTo(1);
        assertThat(f.events).containsExactly("WRITE a");
        assertThat(f.engine.lockedEntries()).isZero();
    }

    @Test
    void anAbortRestoresTheCommittedEntries() {
        f.write("a", "x", 1);
        f.write("b", "x", 2);
        EngineFixture.Tx tx = f.begin("t1");
        f.engine.txChange(tx.part, query("id = ?", "a"), ChangeSet.create().set("qty", 10));
        assertThat(f.engine.txTakeById(tx.part, ITEM, "b", null)).isNotNull();
        assertThat(f.engine.txReadById(tx.part, ITEM, "b", false)).isNull();
        assertThat(f.read("b")).as("a take stays committed until the commit").isNotNull();

        f.engine.abort(tx.part, null);

        assertThat(qty(f.read("a"))).isEqualTo(1);
        assertThat(qty(f.read("b"))).isEqualTo(2);
        assertThat(f.engine.lockedEntries()).isZero();
        assertThat(tx.part.state()).isEqualTo(TxPart.State.ABORTED);
        assertThat(f.events).containsExactly("WRITE a", "WRITE b");
    }

    @Test
    void anotherPartysUpdateOfALockedEntryFailsAndItsTakeIsBlocked() {
        f.write("a", "x", 1);
        EngineFixture.Tx tx = f.begin("t1");
        f.engine.txWrite(tx.part, ITEM, item("a", "x", 2), Lease.FOREVER, WriteMode.UPDATE_ONLY);

        assertThatThrownBy(() -> f.write("a", "x", 3)).isInstanceOfSatisfying(EntryLockedException.class,
                e -> assertThat(e.holderPart()).isSameAs(tx.part));
        List<TxPart> blocked = new ArrayList<>();
        assertThat(f.engine.takeById(ITEM, "a", blocked)).isNull();
        assertThat(blocked).containsExactly(tx.part);
        assertThat(f.engine.takeMultiple(EngineFixture.all(), 10)).isEmpty();
        assertThatThrownBy(() -> f.engine.clear(EngineFixture.all())).isInstanceOf(EntryLockedException.class);
        EngineFixture.Tx other = f.begin("t2");
        assertThatThrownBy(() -> f.engine.txCompute(other.part, ITEM, "a",
                e -> new ComputeDecision(ComputeDecision.Kind.KEEP, null, null, null, null)))
                .isInstanceOf(EntryLockedException.class);

        f.engine.commitOnePhase(tx.part, null);

        assertThat(tx.part.released()).isDone();
        assertThat(qty(f.read("a"))).isEqualTo(2);
        assertThat(f.write("a", "x", 3).version()).isEqualTo(3L);
    }

    @Test
    void aPreparedPartCommitsItsChangesInTheTransactionsOrder() {
        f.write("a", "x", 1);
        EngineFixture.Tx tx = f.begin("t1");
        f.engine.txWrite(tx.part, ITEM, item("b", "y", 2), Lease.FOREVER, WriteMode.WRITE_ONLY);
        f.engine.txClear(tx.part, query("kind = ?", "x"));
        List<List<Change>> hooked = new ArrayList<>();

        List<Change> prepared = f.engine.prepare(tx.part, (changes, order) -> hooked.add(changes));
        f.engine.commit(tx.part);
        f.engine.commit(tx.part);

        assertThat(hooked).containsExactly(prepared);
        assertThat(prepared).extracting(Change::type)
                .containsExactly(DataSyncOperationType.WRITE, DataSyncOperationType.REMOVE);
        assertThat(f.read("a")).isNull();
        assertThat(f.read("b")).isNotNull();
        assertThat(f.events).containsExactly("WRITE a", "WRITE b", "TAKE a");
    }

    @Test
    void aWaiterForAnEntryATransactionHoldsIsServedWhenItAborts() {
        f.write("a", "x", 1);
        EngineFixture.Tx tx = f.begin("t1");
        f.engine.txTakeMultiple(tx.part, EngineFixture.all(), 1, null);
        WaiterFuture<Object> take = new WaiterFuture<>();
        assertThat(f.engine.serveOrRegister(new Waiter(EngineFixture.all(), null, true, SpaceEntry::id, take))).isFalse();

        f.engine.abort(tx.part, null);

        assertThat(take.join()).isEqualTo("a");
        assertThat(f.read("a")).isNull();
    }
}

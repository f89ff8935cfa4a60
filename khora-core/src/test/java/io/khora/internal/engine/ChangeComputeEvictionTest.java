package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.Lease;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.khora.internal.engine.EngineFixture.ITEM;
import static io.khora.internal.engine.EngineFixture.item;
import static io.khora.internal.engine.EngineFixture.qty;
import static io.khora.internal.engine.EngineFixture.query;
import static org.assertj.core.api.Assertions.assertThat;

/** Changes, entry processors (compute) and the LRU bound. */
class ChangeComputeEvictionTest {
    @Test
    void aChangeUpdatesEveryMatchAndBumpsItsVersion() {
        EngineFixture f = new EngineFixture();
        f.write("a", "x", 1);
        f.write("b", "x", 2);
        f.write("c", "y", 3);

        int n = f.engine.change(query("kind = ?", "x"), ChangeSet.create().increment("qty", 10).lease(Lease.ofMillis(100)));

        assertThat(n).isEqualTo(2);
        assertThat(qty(f.read("a"))).isEqualTo(11);
        assertThat(f.read("b").version()).isEqualTo(2L);
        assertThat(qty(f.read("c"))).isEqualTo(3);
        f.ticker.advance(100);
        assertThat(f.engine.sweep()).as("the change's lease").isEqualTo(2);
    }

    @Test
    void aTransactionsChangeIsAppliedAtCommit() {
        EngineFixture f = new EngineFixture();
        f.write("a", "x", 1);
        EngineFixture.Tx tx = f.begin("t1");

        assertThat(f.engine.txChange(tx.part, query("kind = ?", "x"), ChangeSet.create().set("qty", 5))).isEqualTo(1);
        assertThat(qty(f.read("a"))).isEqualTo(1);
        List<SpaceEntry> seen = new ArrayList<>();
        f.engine.txReadMultiple(tx.part, query("qty = ?", 5), 10, seen);
        assertThat(seen).extracting(SpaceEntry::id).containsExactly("a");

        f.engine.commitOnePhase(tx.part, null);

        assertThat(qty(f.read("a"))).isEqualTo(5);
        assertThat(f.events).containsExactly("WRITE a", "UPDATE a");
    }

    @Test
    void computePutsKeepsOrRemovesAsTheFunctionDecides() {
        EngineFixture f = new EngineFixture();
        f.write("a", "x", 1);

        Object put = f.engine.compute(ITEM, "a", e -> new ComputeDecision(ComputeDecision.Kind.PUT, ITEM,
                item("a", "x", qty(e) + 1), null, "put"));
        Object absent = f.engine.compute(ITEM, "zz", e -> new ComputeDecision(ComputeDecision.Kind.KEEP, null, null, null, e));
        assertThat(put).isEqualTo("put");
        assertThat(absent).isNull();
        assertThat(qty(f.read("a"))).isEqualTo(2);
        assertThat(f.read("a").version()).isEqualTo(2L);

        f.engine.compute(ITEM, "a", e -> new ComputeDecision(ComputeDecision.Kind.REMOVE, null, null, null, null));

        assertThat(f.read("a")).isNull();
        assertThat(f.events).containsExactly("WRITE a", "UPDATE a", "TAKE a");
    }

    @Test
    void aTransactionsComputeIsItsOwnUntilCommit() {
        EngineFixture f = new EngineFixture();
        EngineFixture.Tx tx = f.begin("t1");

        f.engine.txCompute(tx.part, ITEM, "n", e -> new ComputeDecision(ComputeDecision.Kind.PUT, ITEM, item("n", "x", 7), null, null));

        assertThat(f.read("n")).isNull();
        assertThat(qty(f.engine.txReadById(tx.part, ITEM, "n", false))).isEqualTo(7);
        f.engine.commitOnePhase(tx.part, null);
        assertThat(qty(f.read("n"))).isEqualTo(7);
    }

    @Test
    void writesBeyondTheBoundEvictTheLeastRecentlyUsedEntry() {
        EngineFixture f = new EngineFixture(2);
        f.write("a", "x", 1);
        f.write("b", "x", 2);
        assertThat(f.read("a")).isNotNull(); // a is now more recently used than b

        f.write("c", "x", 3);

        assertThat(f.engine.size()).isEqualTo(2);
        assertThat(f.read("b")).isNull();
        assertThat(f.read("a")).isNotNull();
        assertThat(f.engine.evictedCount()).isEqualTo(1);
        assertThat(f.events).as("eviction publishes nothing").containsExactly("WRITE a", "WRITE b", "WRITE c");
    }

    @Test
    void anEntryATransactionHoldsIsNotEvicted() {
        EngineFixture f = new EngineFixture(1);
        f.write("a", "x", 1);
        EngineFixture.Tx tx = f.begin("t1");
        f.engine.txReadById(tx.part, ITEM, "a", true);

        f.write("b", "x", 2);

        assertThat(f.read("a")).isNotNull();
        assertThat(f.engine.evictedCount()).isZero();
    }
}

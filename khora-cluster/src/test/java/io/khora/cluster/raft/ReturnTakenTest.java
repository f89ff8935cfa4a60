package io.khora.cluster.raft;

import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.cluster.CallId;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.khora.cluster.raft.StateMachineTest.TRADE;
import static io.khora.cluster.raft.StateMachineTest.apply;
import static io.khora.cluster.raft.StateMachineTest.machine;
import static io.khora.cluster.raft.StateMachineTest.trade;
import static org.assertj.core.api.Assertions.assertThat;

/** Entries a call took but could not deliver go back to the space — or to the call's retry, never to both. */
class ReturnTakenTest {
    private static PartitionStateMachine withOneTrade() {
        PartitionStateMachine sm = machine();
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1);
        apply(sm, new Command.Write(TRADE.name(), trade("t1", "S", 5), Lease.FOREVER, WriteMode.WRITE_ONLY), 1);
        return sm;
    }

    @Test
    void anUndeliveredTakeIsWrittenBackAndItsRetryTakesAnew() {
        PartitionStateMachine sm = withOneTrade();
        CallId call = new CallId(1, 2, 10, 10, false);
        StoredEntry taken = (StoredEntry) apply(sm, new Command.Call(call, new Command.TakeById(TRADE.name(), "t1")), 2);
        assertThat(taken).isNotNull();
        assertThat(apply(sm, new Command.ReturnTaken(call, List.of(taken)), 3)).isEqualTo(1);
        assertThat(sm.engine().size()).isEqualTo(1);
        StoredEntry retried = (StoredEntry) apply(sm, new Command.Call(new CallId(1, 2, 10, 10, true), new Command.TakeById(TRADE.name(), "t1")), 4);
        assertThat(retried).isNotNull(); // taken anew, once
        assertThat(sm.engine().size()).isZero();
    }

    @Test
    void entriesAlreadyRedeliveredToTheRetryAreNotWrittenBack() {
        PartitionStateMachine sm = withOneTrade();
        CallId call = new CallId(1, 2, 10, 10, false);
        StoredEntry taken = (StoredEntry) apply(sm, new Command.Call(call, new Command.TakeById(TRADE.name(), "t1")), 2);
        StoredEntry again = (StoredEntry) apply(sm, new Command.Call(new CallId(1, 2, 10, 10, true), new Command.TakeById(TRADE.name(), "t1")), 3);
        assertThat(again).isEqualTo(taken); // the retry got the remembered answer
        assertThat(apply(sm, new Command.ReturnTaken(call, List.of(taken)), 4)).isEqualTo(0);
        assertThat(sm.engine().size()).isZero(); // not twice
    }

    @Test
    void anEntryWrittenAgainMeanwhileIsNotOverwritten() {
        PartitionStateMachine sm = withOneTrade();
        CallId call = new CallId(1, 2, 10, 10, false);
        StoredEntry taken = (StoredEntry) apply(sm, new Command.Call(call, new Command.TakeById(TRADE.name(), "t1")), 2);
        apply(sm, new Command.Write(TRADE.name(), trade("t1", "NEW", 9), Lease.FOREVER, WriteMode.WRITE_ONLY), 3);
        assertThat(apply(sm, new Command.ReturnTaken(call, List.of(taken)), 4)).isEqualTo(0);
        assertThat(sm.contents()).singleElement().satisfies(e -> assertThat(e.values()).contains("NEW"));
    }
}

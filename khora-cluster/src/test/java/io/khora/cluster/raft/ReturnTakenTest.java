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

    /**
     * Seen in MultiProcessClusterIT's SIGSTOP test (entries taken twice): the retry was given the
     * remembered answer, the client's next call reported the call answered for good — which drops
     * the remembered answer — and only then did the node's give-back of the undelivered original
     * answer reach the log.
     */
    @Test
    void entriesRedeliveredToTheRetryAreNotWrittenBackAfterTheClientReportedTheCallAnswered() {
        PartitionStateMachine sm = withOneTrade();
        apply(sm, new Command.Write(TRADE.name(), trade("t2", "S", 6), Lease.FOREVER, WriteMode.WRITE_ONLY), 1);
        CallId call = new CallId(1, 2, 10, 10, false);
        StoredEntry taken = (StoredEntry) apply(sm, new Command.Call(call, new Command.TakeById(TRADE.name(), "t1")), 2);
        apply(sm, new Command.Call(new CallId(1, 2, 10, 10, true), new Command.TakeById(TRADE.name(), "t1")), 3);
        apply(sm, new Command.Call(new CallId(1, 2, 11, 11, false), new Command.TakeById(TRADE.name(), "t2")), 4); // #10 answered
        assertThat(apply(sm, new Command.ReturnTaken(call, List.of(taken)), 5)).isEqualTo(0);
        assertThat(sm.engine().size()).isZero(); // t1 with the client, t2 taken: nothing written back
    }

    @Test
    void theMarkThatARetryWasAnsweredSurvivesASnapshot() {
        PartitionStateMachine sm = withOneTrade();
        CallId call = new CallId(1, 2, 10, 10, false);
        StoredEntry taken = (StoredEntry) apply(sm, new Command.Call(call, new Command.TakeById(TRADE.name(), "t1")), 2);
        apply(sm, new Command.Call(new CallId(1, 2, 10, 10, true), new Command.TakeById(TRADE.name(), "t1")), 3);
        apply(sm, new Command.Call(new CallId(1, 2, 11, 11, false), new Command.TakeById(TRADE.name(), "none")), 4);
        PartitionStateMachine restored = StateMachineTest.restore(sm);
        assertThat(apply(restored, new Command.ReturnTaken(call, List.of(taken)), 5)).isEqualTo(0);
        assertThat(restored.engine().size()).isZero();
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

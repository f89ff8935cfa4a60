package io.khora.cluster.client;

import io.khora.EntryAlreadyExistsException;
import io.khora.SpaceException;
import io.khora.NoLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.persistence.PersistenceBacklogFullException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class CallOutcomeTest {
    private static final OutcomeUnknownException.Resend RESEND = new OutcomeUnknownException.Resend() {
        @Override
        public CompletableFuture<Object> resend() {
            return CompletableFuture.completedFuture("again");
        }

        @Override
        public void abandon() {
        }
    };

    private static SpaceException timeout() {
        return new SpaceException("node n1 did not answer within 6000 ms");
    }

    private static NoLeaderException noLeader() {
        return new NoLeaderException("s", 2, "node n2 is not the leader; it names n3");
    }

    @Test
    void aMutationWhoseAnswerWasLostAndThenMetNoLeaderEndsUnknownAndResendable() {
        CallOutcome o = new CallOutcome(true);
        o.unanswered(timeout());
        o.refused(noLeader());
        o.refused(noLeader());

        RuntimeException e = o.giveUp("space 's' partition 2: no answer within PT30S after 3 attempts", "s", 2, RESEND);

        assertThat(e).isInstanceOf(OutcomeUnknownException.class).isNotInstanceOf(NoLeaderException.class)
                .hasMessageContaining("may have been applied").hasMessageContaining("did not answer within 6000 ms")
                .hasMessageContaining("not the leader");
        assertThat(((OutcomeUnknownException) e).isResendable()).isTrue();
        assertThat(((OutcomeUnknownException) e).resend().join()).isEqualTo("again");
    }

    @Test
    void aMutationEveryAttemptOfWhichWasRefusedEndsNotApplied() {
        CallOutcome o = new CallOutcome(true);
        o.refused(new SpaceException("cannot connect to node n1"));
        o.refused(noLeader());

        RuntimeException e = o.giveUp("space 's' partition 2: no answer", "s", 2, RESEND);

        assertThat(e).isInstanceOf(NoLeaderException.class).hasMessageContaining("not applied");
        assertThat(o.mayHaveBeenApplied()).isFalse();
    }

    @Test
    void anOutcomeUnknownAnswerMakesTheCallMaybeApplied() {
        CallOutcome o = new CallOutcome(true);
        o.unanswered(new OutcomeUnknownException("node n1: the leader lost its leadership while it was in flight", null));
        o.refused(new SpaceException("node n2: space 's' is INITIAL"));

        assertThat(o.giveUp("no answer", "s", 0, RESEND)).isInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("lost its leadership");
    }

    @Test
    void aReadHasNoEffectAndFailsRetryablyWhateverHappened() {
        CallOutcome o = new CallOutcome(false);
        o.unanswered(timeout());
        o.refused(noLeader());

        assertThat(o.mayHaveBeenApplied()).isFalse();
        assertThat(o.giveUp("no answer", "s", 2, null)).isInstanceOf(NoLeaderException.class).hasMessageNotContaining("not applied");
    }

    @Test
    void theStateMachinesFailureIsDefinitiveEvenAfterALostAnswer() {
        CallOutcome o = new CallOutcome(true);
        o.unanswered(timeout());
        RuntimeException exists = new EntryAlreadyExistsException("Order", 7);
        RuntimeException full = new PersistenceBacklogFullException("s", 2, 10, 10, Duration.ZERO);

        assertThat(o.answered(exists, RESEND)).isSameAs(exists);
        assertThat(o.answered(full, RESEND)).isSameAs(full);
    }

    @Test
    void aForgottenCallIsUnknownAndCannotBeResent() {
        CallOutcome o = new CallOutcome(true);
        o.unanswered(timeout());
        OutcomeUnknownException forgotten = new OutcomeUnknownException("call #5 lies below its client's remembered calls", null);

        RuntimeException e = o.answered(forgotten, RESEND);

        assertThat(e).isSameAs(forgotten);
        assertThat(((OutcomeUnknownException) e).isResendable()).isFalse();
    }

    @Test
    void aNodesGenericFailureAfterALostAnswerLeavesTheOutcomeUnknown() {
        CallOutcome o = new CallOutcome(true);
        o.unanswered(timeout());
        RuntimeException overloaded = new SpaceException("partition 2 of space 's' is overloaded (Raft queue full); Write was not proposed");

        assertThat(o.answered(overloaded, RESEND)).isInstanceOf(OutcomeUnknownException.class).hasCause(overloaded);
        assertThat(new CallOutcome(true).answered(overloaded, RESEND)).as("without a lost answer it is what it says").isSameAs(overloaded);
    }

    @Test
    void aFailureBeforeSendingAfterALostAnswerIsUnknown() {
        CallOutcome o = new CallOutcome(true);
        o.unanswered(timeout());
        RuntimeException declaration = new io.khora.SpaceTypeException("type Order is declared differently");

        assertThat(o.failed(declaration, RESEND)).isInstanceOf(OutcomeUnknownException.class);
        assertThat(new CallOutcome(true).failed(declaration, RESEND)).isSameAs(declaration);
    }

    @Test
    void aClosedClientReportsAMaybeAppliedCallUnknownButNotResendable() {
        CallOutcome o = new CallOutcome(true);
        o.unanswered(timeout());

        RuntimeException e = o.giveUp("space 's' partition 0: the client is closed", "s", 0, null);

        assertThat(e).isInstanceOf(OutcomeUnknownException.class).hasMessageContaining("the client is closed");
        assertThat(((OutcomeUnknownException) e).isResendable()).isFalse();
    }
}

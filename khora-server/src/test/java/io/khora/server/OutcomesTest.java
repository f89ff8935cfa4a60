package io.khora.server;

import io.khora.EntryAlreadyExistsException;
import io.khora.EntryNotFoundException;
import io.khora.EntryVersionConflictException;
import io.khora.QueryException;
import io.khora.SpaceClosedException;
import io.khora.SpaceException;
import io.khora.SpaceTypeException;
import io.khora.TransactionConflictException;
import io.khora.TransactionException;
import io.khora.TransactionTimedOutException;
import io.khora.NoLeaderException;
import io.khora.NotLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.SizeLimitExceededException;
import io.khora.cluster.raft.EntryLockedException;
import io.khora.persistence.PersistenceBacklogFullException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.khora.server.Outcomes.Meaning.APPLIED;
import static io.khora.server.Outcomes.Meaning.NOT_APPLIED;
import static io.khora.server.Outcomes.Meaning.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

/** One test per row of docs/architecture.md's outcomes table, and what no row names. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutcomesTest {
    @Test
    void businessRefusalsAndBadInputMeanNotApplied() {
        assertThat(Outcomes.of(new EntryAlreadyExistsException("Item", "x"))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new EntryNotFoundException("Item", "x", "update"))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new EntryVersionConflictException("Item", "x", 1, 2))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new QueryException("bad", "routing = ", 10))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new SpaceTypeException("not declared"))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new IllegalArgumentException("max must be at least 1"))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new UnsupportedOperationException("entry processors"))).isEqualTo(NOT_APPLIED);
    }

    @Test
    void aFullWriteBehindBacklogMeansNotApplied() {
        assertThat(Outcomes.of(new PersistenceBacklogFullException("s", 0, 10, 10, Duration.ofSeconds(1)))).isEqualTo(NOT_APPLIED);
    }

    @Test
    void anEntryLockedByAPreparedTransactionAndARolledBackTransactionMeanNotApplied() {
        assertThat(Outcomes.of(new EntryLockedException("locked", "tx-1"))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new TransactionConflictException("conflict", "tx-1"))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new TransactionTimedOutException("timed out"))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new TransactionException("rolled back"))).isEqualTo(NOT_APPLIED);
    }

    @Test
    void anEntryOrRequestOverASizeLimitMeansNotApplied() {
        assertThat(Outcomes.of(new SizeLimitExceededException("an entry of type Item is 300 KiB encoded, over this client's"
                + " max-entry-size of 256 KiB; it was not written", 300 << 10, 256 << 10))).isEqualTo(NOT_APPLIED);
    }

    @Test
    void noLeaderMeansNotApplied() {
        assertThat(Outcomes.of(new NoLeaderException("s", 0, null))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new CompletionException(new NoLeaderException("s", 0, null)))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new ExecutionException(new NoLeaderException("s", 0, null)))).isEqualTo(NOT_APPLIED);
    }

    @Test
    void aCallNoAttemptMayHaveAppliedThatRanOutOfAttemptsOrWhoseClientClosedMeansNotApplied() {
        assertThat(Outcomes.of(new SpaceException("space 'chaos' partition 2: no answer within PT20S after 7 attempts; not applied;"
                + " last: node n1: starting"))).isEqualTo(NOT_APPLIED);
        assertThat(Outcomes.of(new SpaceException("space 'chaos' partition 2: the client is closed; not applied"))).isEqualTo(NOT_APPLIED);
    }

    @Test
    void aClosedSpaceMeansNotApplied() {
        assertThat(Outcomes.of(new SpaceClosedException("chaos"))).isEqualTo(NOT_APPLIED);
    }

    @Test
    void aWriteCommittedOnAMajorityButNotConfirmedByEveryReplicaMeansApplied() {
        assertThat(Outcomes.of(new SpaceException("the write is committed on a majority of space 'chaos' partition 1 but not every"
                + " replica confirmed it within PT5S (replicas' log positions {n2=10}, needed 12)"))).isEqualTo(APPLIED);
    }

    @Test
    void anOutcomeUnknownExceptionMeansUnknownWhateverItWraps() {
        assertThat(Outcomes.of(new OutcomeUnknownException("timed out", new NoLeaderException("s", 0, null)))).isEqualTo(UNKNOWN);
        assertThat(Outcomes.of(new OutcomeUnknownException("forgotten call", null))).isEqualTo(UNKNOWN);
        assertThat(Outcomes.of(new CompletionException(new OutcomeUnknownException("commit", new TransactionException("x")))))
                .isEqualTo(UNKNOWN);
    }

    @Test
    void aNotLeaderAnswerFromAnEmbeddedReplicaMeansNotApplied() {
        assertThat(Outcomes.of(new NotLeaderException("s", 0, "n1", "n2"))).isEqualTo(NOT_APPLIED);
    }

    @Test
    void whatNoRowNamesIsUnknownAndNotListed() {
        SpaceException other = new SpaceException("node n1 did not answer");
        assertThat(Outcomes.of(other)).isEqualTo(UNKNOWN);
        assertThat(Outcomes.isListed(other)).isFalse();
        assertThat(Outcomes.of(new IllegalStateException("boom"))).isEqualTo(UNKNOWN);
        // a read's failure when its client closed says nothing about applying (reads have no effect)
        assertThat(Outcomes.of(new SpaceException("space 'chaos': the client is closed"))).isEqualTo(UNKNOWN);
        assertThat(Outcomes.isListed(new NoLeaderException("s", 0, null))).isTrue();
    }
}

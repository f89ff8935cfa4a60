package io.khora.cluster.replica;

import io.khora.SpaceClosedException;
import io.khora.NoLeaderException;
import io.khora.cluster.raft.LeaderClock;
import io.khora.cluster.raft.LogTicker;

import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The confirmation a linearizable read waits for, without a group: it holds only if the probe's
 * majority answered and the very leadership that served when it was asked still serves.
 */
class LeadershipConfirmationUnitTest {
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final LeaderEvents events = new LeaderEvents("s", Runnable::run, 16);
    private final AtomicReference<LeaderState> serving = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Void>> probe = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Address self = UUID.randomUUID();
    private final ReplicaFailures failures = new ReplicaFailures("s", 0, "a", 1_000, () -> self, () -> self, () -> List.of(self),
            closed::get);
    private final LeadershipConfirmation confirmation = new LeadershipConfirmation("s", 0, "a", probe::get, serving::get, failures,
            closed::get);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private LeaderState servingTerm(long term) {
        LeaderState s = new LeaderState(term, new LeaderClock(new LogTicker(), () -> 0, () -> 0), new LeaderWaits(null, scheduler), events);
        s.startServing(term);
        serving.set(s);
        return s;
    }

    @Test
    void aReplicaThatDoesNotServeConfirmsNothingAndAsksNobody() {
        assertThatThrownBy(() -> confirmation.confirm().join()).hasCauseInstanceOf(NoLeaderException.class);
    }

    @Test
    void holdsWhenTheMajorityAnsweredAndTheSameLeadershipStillServes() {
        servingTerm(4);
        probe.set(new CompletableFuture<>());
        CompletableFuture<Void> f = confirmation.confirm();
        assertThat(f).isNotDone();
        probe.get().complete(null);
        assertThat(f).isCompleted();
    }

    @Test
    void failsWhenTheLeadershipEndedMeanwhileEvenIfTheMajorityAnswered() {
        servingTerm(4);
        probe.set(new CompletableFuture<>());
        CompletableFuture<Void> f = confirmation.confirm();
        servingTerm(6); // deposed and elected again: not the leadership that was asked about
        probe.get().complete(null);
        assertThatThrownBy(f::join).hasCauseInstanceOf(NoLeaderException.class).hasMessageContaining("term 4 (its term ended)");
    }

    @Test
    void failsWithTheProbesReasonOrAsClosed() {
        servingTerm(4);
        probe.set(CompletableFuture.failedFuture(new IllegalStateException("no majority")));
        assertThatThrownBy(() -> confirmation.confirm().join()).hasCauseInstanceOf(NoLeaderException.class)
                .hasMessageContaining("no majority");

        CompletableFuture<Void> pending = new CompletableFuture<>();
        probe.set(pending);
        CompletableFuture<Void> f = confirmation.confirm();
        closed.set(true);
        serving.set(null);
        pending.complete(null);
        assertThatThrownBy(f::join).hasCauseInstanceOf(SpaceClosedException.class);
    }
}

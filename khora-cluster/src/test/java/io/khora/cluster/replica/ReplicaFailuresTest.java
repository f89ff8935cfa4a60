package io.khora.cluster.replica;

import io.khora.SpaceClosedException;
import io.khora.SpaceException;
import io.khora.cluster.CallId;
import io.khora.NoLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.raft.Command;

import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failure a replica answers with, and that it says whether the call may have been applied. */
class ReplicaFailuresTest {
    private final Address self = UUID.randomUUID();
    private final AtomicReference<Address> leader = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReplicaFailures failures = new ReplicaFailures("s", 2, "a", 3_000, leader::get, () -> self,
            () -> List.of(self), closed::get);

    @Test
    void notServingSaysWhyAndNamesNoLeaderItDoesNotKnow() {
        assertThat(failures.notServing()).isInstanceOf(NoLeaderException.class).hasMessageContaining("sees no leader");

        leader.set(self);
        assertThat(failures.notServing()).isInstanceOf(NoLeaderException.class).hasMessageContaining("just elected");
        assertThat(failures.notLeader().getMessage()).doesNotContain(self.toString());

        closed.set(true);
        assertThat(failures.notServing()).isInstanceOf(SpaceClosedException.class);
    }

    @Test
    void aProposalInFlightHasAnUnknownOutcomeUnlessJgroupsRaftRefusedIt() {
        Command write = new Command.ExpireSweep();
        assertThat(failures.inFlightFailure(write, new CompletionException(new TimeoutException())))
                .isInstanceOf(OutcomeUnknownException.class).hasMessageContaining("did not commit within 3000 ms");
        assertThat(failures.inFlightFailure(new Command.Call(new CallId(1, 2, 7), write), new IllegalStateException("x")))
                .isInstanceOf(OutcomeUnknownException.class).hasMessageContaining("lost its leadership")
                .hasMessageContaining("ExpireSweep (call ");

        RuntimeException full = failures.inFlightFailure(write, new IllegalStateException("processing queue is full"));
        assertThat(full).isNotInstanceOf(OutcomeUnknownException.class).isInstanceOf(SpaceException.class)
                .hasMessageContaining("was not proposed");
        assertThat(failures.overloaded()).hasMessageContaining("nothing was proposed");
    }
}

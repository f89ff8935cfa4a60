package io.khora.cluster.replica;

import io.khora.NoLeaderException;
import io.khora.NotLeaderException;
import io.khora.cluster.node.LeadershipProbe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.khora.cluster.replica.FailoverTest.ELECTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A leader confirms its leadership with a majority of its group before a read is answered
 * ({@link ReplicatedPartition#confirmLeadership()}, {@link LeadershipProbe}): three replicas in this
 * JVM on real sockets.
 */
class LeadershipConfirmationTest {

    @Test
    @Timeout(60)
    void aServingLeaderIsConfirmedAndAFollowerIsNot() throws Exception {
        try (TestGroup g = TestGroup.startThree("confirm")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            leader.confirmLeadership().get(10, TimeUnit.SECONDS);
            for (ReplicatedPartition p : g.replicas()) {
                if (p != leader) {
                    assertThatThrownBy(() -> p.confirmLeadership().get(10, TimeUnit.SECONDS))
                            .hasCauseInstanceOf(NotLeaderException.class);
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void manyConcurrentConfirmationsAllCompleteInFewerRounds() throws Exception {
        try (TestGroup g = TestGroup.startThree("confirm-many")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            LeadershipProbe probe = leader.channel().getProtocolStack().findProtocol(LeadershipProbe.class);
            long roundsBefore = probe.roundCounts()[0];
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                all.add(leader.confirmLeadership());
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            long rounds = probe.roundCounts()[0] - roundsBefore;
            assertThat(rounds).as("probe rounds for 2,000 confirmations").isPositive().isLessThanOrEqualTo(2_000);
            assertThat(probe.roundCounts()[1]).as("failed rounds").isZero();
        }
    }

    @Test
    @Timeout(60)
    void aLeaderWithOneFollowerDownIsStillConfirmedByTheOther() throws Exception {
        try (TestGroup g = TestGroup.startThree("confirm-one-down")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            String follower = g.running.keySet().stream().filter(id -> !id.equals(leader.config().raftId())).findFirst().orElseThrow();
            g.crash(follower);
            leader.confirmLeadership().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The case leader-local reads get wrong: a leader cut off from its group still believes it
     * leads (its view has not changed yet) — it cannot confirm, so it answers no read, and the
     * failure names no leader.
     */
    @Test
    @Timeout(60)
    void aLeaderCutOffFromItsGroupCannotConfirmWhileItStillBelievesItLeads() throws Exception {
        try (TestGroup g = TestGroup.startThree("confirm-cut-off")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            g.isolate(leader.config().raftId());
            CompletableFuture<Void> confirmation = leader.confirmLeadership();
            assertThatThrownBy(() -> confirmation.get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(NoLeaderException.class)
                    .hasMessageContaining("could not confirm that it still leads");
        }
    }
}

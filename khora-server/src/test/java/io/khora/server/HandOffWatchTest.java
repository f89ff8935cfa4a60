package io.khora.server;

import io.khora.SpaceState;
import io.khora.cluster.protocol.NodeStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the other nodes' status says of a stopping node's partitions, poll by poll (times in ms). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HandOffWatchTest {
    private static long ms(long ms) {
        return ms * 1_000_000;
    }

    /** Node {@code id}'s status: for each partition in turn, the leader it names (null: none). */
    private static NodeStatus node(String id, String... leaders) {
        List<NodeStatus.ReplicaStatus> rs = new ArrayList<>();
        for (int p = 0; p < leaders.length; p++) {
            rs.add(new NodeStatus.ReplicaStatus("s", p, SpaceState.READY, leaders[p], 1, 0, 0, 0, Map.of()));
        }
        return new NodeStatus(id, List.of("n1", "n2", "n3"), rs);
    }

    @Test
    void aPartitionIsLedAgainWhenAnotherNodeClaimsItAndAMajorityNamesIt() {
        HandOffWatch w = new HandOffWatch("s", "n1", Set.of(0, 1), 3, ms(0), List::of);
        w.observe(ms(10), ms(20), List.of(node("n2", "n1", "n1", "n2"), node("n3", "n1", "n1", "n2")));
        w.observe(ms(40), ms(50), List.of(node("n2", null, "n1", "n2"), node("n3", null, "n1", "n2")));
        w.observe(ms(70), ms(80), List.of(node("n2", "n3", null, "n2"), node("n3", "n3", null, "n2")));
        assertThat(w.allLedAgain()).isFalse();
        w.observe(ms(100), ms(110), List.of(node("n2", "n3", "n2", "n2"), node("n3", "n3", "n2", "n2")));
        assertThat(w.allLedAgain()).isTrue();
        assertThat(w.partitions()).containsExactly(
                new HandOffWatch.Partition(0, ms(10), ms(80), "n3"),
                new HandOffWatch.Partition(1, ms(40), ms(110), "n2"));
        assertThat(w.partitions().get(0).leaderlessAtMostMillis()).isEqualTo(70);
        assertThat(w.polls()).isEqualTo(4);
    }

    @Test
    void aClaimOnlyOneReplicaNamesOrTheStoppingNodesOwnIsNoHandOff() {
        HandOffWatch w = new HandOffWatch("s", "n1", Set.of(0), 3, ms(0), List::of);
        w.observe(ms(10), ms(20), List.of(node("n2", "n2"), node("n3", "n1")));
        w.observe(ms(30), ms(40), List.of(node("n2", "n2")));
        assertThat(w.allLedAgain()).isFalse();
        assertThat(w.partitions().get(0).lastNamedVictimNanos()).as("n3 still named n1 at the poll begun at 10 ms").isEqualTo(ms(10));
        assertThat(w.partitions().get(0).leaderlessAtMostMillis()).isEqualTo(-1);
    }

    @Test
    void aNodeThatLedNothingHasNothingToHandOff() {
        HandOffWatch w = new HandOffWatch("s", "n1", Set.of(), 3, ms(0), () -> {
            throw new AssertionError("nothing to poll");
        });
        w.run();
        assertThat(w.allLedAgain()).isTrue();
        assertThat(w.partitions()).isEmpty();
    }
}

package io.khora.server;

import io.khora.SpaceState;
import io.khora.cluster.client.StatusClient;
import io.khora.cluster.protocol.NodeStatus;
import io.khora.cluster.protocol.SpaceLayout;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdict of {@code khora status} from nodes' answers (one space "s" of 1 partition × 3 replicas on n1, n2, n3). */
class StatusReportTest {
    private static final List<SpaceLayout.NodeAddress> NODES = List.of(new SpaceLayout.NodeAddress("n1", "h", 1),
            new SpaceLayout.NodeAddress("n2", "h", 2), new SpaceLayout.NodeAddress("n3", "h", 3));
    private static final SpaceLayout LAYOUT = new SpaceLayout("s", 1, SpaceState.READY, NODES,
            List.of(new SpaceLayout.PartitionPlacement(List.of("n1", "n2", "n3"), "n1")));

    private static InetSocketAddress at(int port) {
        return InetSocketAddress.createUnresolved("h", port);
    }

    private static StatusClient.Answer leader(Map<String, Long> match) {
        return new StatusClient.Answer(at(1), new NodeStatus("n1", List.of("n1", "n2", "n3"), List.of(
                new NodeStatus.ReplicaStatus("s", 0, SpaceState.READY, "n1", 2, 5_000, 5_000, 10, match)), List.of(LAYOUT)), null);
    }

    private static StatusClient.Answer follower(String id, int port, SpaceState state, String leader) {
        return new StatusClient.Answer(at(port), new NodeStatus(id, List.of("n1", "n2", "n3"), List.of(
                new NodeStatus.ReplicaStatus("s", 0, state, leader, 2, 5_000, 5_000, 10, Map.of())), List.of(LAYOUT)), null);
    }

    private static StatusClient.Answer down(int port) {
        return new StatusClient.Answer(at(port), null, "connection refused");
    }

    @Test
    void everyReplicaUpToDateIsHealthy() {
        StatusReport.Report r = StatusReport.of(List.of(leader(Map.of("n2", 5_000L, "n3", 4_990L)),
                follower("n2", 2, SpaceState.READY, "n1"), follower("n3", 3, SpaceState.READY, "n1")), 1_000);
        assertThat(r.exitCode()).isEqualTo(StatusReport.HEALTHY);
        assertThat(r.problems()).isEmpty();
        assertThat(r.text()).contains("HEALTHY").containsPattern("s/0 +READY +n1 .* n2=0 n3=10");
    }

    @Test
    void aDownNodeIsNamedByItsIdAndItsPartitionsAreUnderReplicated() {
        StatusReport.Report r = StatusReport.of(List.of(leader(Map.of("n2", 5_000L, "n3", 100L)), follower("n2", 2, SpaceState.READY, "n1"),
                down(3)), 1_000);
        assertThat(r.exitCode()).isEqualTo(StatusReport.DEGRADED);
        assertThat(r.problems()).containsExactly("node n3 (h:3) is down: connection refused", "s/0 is under-replicated: n3 is down");
    }

    @Test
    void aReplicaLaggingMoreThanTheLimitOrNotRunningIsUnderReplication() {
        StatusReport.Report lagging = StatusReport.of(List.of(leader(Map.of("n2", 5_000L, "n3", 3_000L)),
                follower("n2", 2, SpaceState.READY, "n1"), follower("n3", 3, SpaceState.READY, "n1")), 1_000);
        assertThat(lagging.exitCode()).isEqualTo(StatusReport.DEGRADED);
        assertThat(lagging.problems()).containsExactly("s/0 is under-replicated: n3 lags 2000 entries behind the leader (more than 1000)");

        StatusReport.Report starting = StatusReport.of(List.of(leader(Map.of("n2", 5_000L, "n3", 0L)),
                follower("n2", 2, SpaceState.READY, "n1"), follower("n3", 3, SpaceState.INITIAL, null)), 10_000);
        assertThat(starting.problems()).containsExactly("s/0 is under-replicated: n3 runs no replica");
    }

    @Test
    void aPartitionWhoseReplicasNameNoServingLeaderIsNotServing() {
        List<StatusClient.Answer> answers = new ArrayList<>();
        answers.add(follower("n1", 1, SpaceState.RECOVER, "n1")); // elected, still applying: not serving
        answers.add(follower("n2", 2, SpaceState.READY, "n1"));
        answers.add(down(3));
        StatusReport.Report r = StatusReport.of(answers, 1_000);
        assertThat(r.exitCode()).isEqualTo(StatusReport.NOT_SERVING);
        assertThat(r.problems()).contains("s/0 has no leader");
        assertThat(r.text()).contains("NOT SERVING: 1 partition has no leader");
    }

    @Test
    void aLeaderCutOffFromItsFollowersDoesNotCount() {
        StatusClient.Answer alone = new StatusClient.Answer(at(1), new NodeStatus("n1", List.of("n1"), List.of(
                new NodeStatus.ReplicaStatus("s", 0, SpaceState.READY, "n1", 2, 5_000, 5_000, 10, Map.of("n2", 5_000L, "n3", 5_000L))),
                List.of(LAYOUT)), null);
        StatusReport.Report r = StatusReport.of(List.of(alone, down(2), down(3)), 1_000);
        assertThat(r.exitCode()).isEqualTo(StatusReport.NOT_SERVING);
        assertThat(r.problems()).contains("s/0 has no leader (n1 still claims it, but its view [n1] holds no majority of [n1, n2, n3])");
    }

    @Test
    void noAnswerIsNotServing() {
        StatusReport.Report r = StatusReport.of(List.of(down(1), down(2)), 1_000);
        assertThat(r.exitCode()).isEqualTo(StatusReport.NOT_SERVING);
        assertThat(r.text()).contains("NOT SERVING: no node answered").containsPattern("\\? +h:1 +DOWN");
    }

    @Test
    void theNodesTheAnsweringOnesKnowOfAreAskedToo() {
        assertThat(StatusReport.unasked(List.of(leader(Map.of())))).extracting(a -> a.getHostString() + ":" + a.getPort())
                .containsExactly("h:2", "h:3");
    }
}

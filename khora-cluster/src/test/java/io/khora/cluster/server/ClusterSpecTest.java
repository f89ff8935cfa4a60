package io.khora.cluster.server;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSpecTest {
    private static ClusterSpec threeNodes(int partitions, int replicas) {
        return ClusterSpec.builder()
                .node("n1", "127.0.0.1", 7701, 7801).node("n2", "127.0.0.1", 7702, 7901).node("n3", "127.0.0.1", 7703, 8001)
                .space("orders", partitions, replicas, 2)
                .build();
    }

    @Test
    void placementPutsNoTwoReplicasOfAPartitionOnOneNodeAndSpreadsPreferredLeaders() {
        ClusterSpec spec = threeNodes(6, 3);
        Placement placement = new Placement(spec);
        Set<String> leaders = new HashSet<>();
        for (int p = 0; p < 6; p++) {
            List<String> r = placement.replicas("orders", p);
            assertThat(r).hasSize(3).doesNotHaveDuplicates();
            leaders.add(r.get(0));
        }
        assertThat(leaders).containsExactlyInAnyOrder("n1", "n2", "n3");
        assertThat(placement.replicas("orders", 1)).isEqualTo(new Placement(threeNodes(6, 3)).replicas("orders", 1));
    }

    @Test
    void replicaPortsFollowTheGroupOrdinal() {
        Placement placement = new Placement(threeNodes(4, 3));
        assertThat(placement.replicaPort("n2", "orders", 0)).isEqualTo(7903);
        assertThat(placement.replicaPort("n2", "orders", 3)).isEqualTo(7909);
    }

    @Test
    void refusesSpecsThatCannotWork() {
        assertThatThrownBy(() -> threeNodes(4, 4)).hasMessageContaining("4 replicas need as many nodes");
        assertThatThrownBy(() -> ClusterSpec.builder().node("n1", "h", 1, 2).node("n1", "h", 3, 100).space("s", 1, 1, 1).build())
                .hasMessageContaining("node id 'n1' appears twice");
        assertThatThrownBy(() -> ClusterSpec.builder().node("n1", "h", 7701, 7801).node("n2", "h", 7702, 7803).space("s", 4, 1, 1).build())
                .hasMessageContaining("overlapping port ranges");
        assertThatThrownBy(() -> ClusterSpec.builder().node("n 1", "h", 1, 2)).hasMessageContaining("node id 'n 1'");
        assertThatThrownBy(() -> threeNodesWithSeeders(4)).hasMessageContaining("min-seeders 4 exceeds the 3 nodes");
    }

    @Test
    void aNodeConfigRefusesAnUnknownNodeAndAHeartbeatSlowerThanFailureDetection() {
        ClusterSpec spec = threeNodes(4, 3);
        assertThatThrownBy(() -> NodeConfig.builder(spec, "n9")).hasMessageContaining("node 'n9' is not in the cluster spec");
        assertThatThrownBy(() -> NodeConfig.builder(spec, "n1").dataDirectory(java.nio.file.Path.of("d"))
                .failureDetection(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2)).build())
                .hasMessageContaining("must be shorter than the failure detection timeout");
        assertThatThrownBy(() -> NodeConfig.builder(spec, "n1").operationTimeout(java.time.Duration.ZERO))
                .hasMessageContaining("operationTimeout must be positive");
    }

    private static ClusterSpec threeNodesWithSeeders(int seeders) {
        return ClusterSpec.builder()
                .node("n1", "127.0.0.1", 7701, 7801).node("n2", "127.0.0.1", 7702, 7901).node("n3", "127.0.0.1", 7703, 8001)
                .space("orders", 4, 3, seeders)
                .build();
    }
}

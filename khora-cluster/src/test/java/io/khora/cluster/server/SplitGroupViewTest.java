package io.khora.cluster.server;

import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceState;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.cluster.replica.ReplicaFaults;
import io.khora.cluster.replica.ReplicatedPartition;
import io.khora.cluster.protocol.NodeStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.khora.cluster.server.LocalCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica split off its group's view for good while its node stays in the membership view — the
 * split that MERGE3 did not heal under TLS in ChaosIT — re-joins its group ({@link SplitViewWatchdog})
 * and catches up with what was written meanwhile.
 */
class SplitGroupViewTest {
    /** A plain entry routed by its id. */
    public record Note(@SpaceId String id, String text) {
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aReplicaAloneInItsGroupViewRejoinsAndCatchesUp() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("split-view", 3, "notes", 1, 3, 3).startAll(Duration.ofSeconds(90));
             Space space = Spaces.connect(cluster.uri("notes"))) {
            cluster.awaitBalanced("notes", Duration.ofSeconds(60));
            for (int i = 0; i < 20; i++) {
                space.write(new Note("before-" + i, "x"));
            }
            String leader = cluster.leaderOf("notes", 0);
            String lone = cluster.spec.nodes().stream().map(ClusterSpec.NodeSpec::id).filter(id -> !id.equals(leader))
                    .findFirst().orElseThrow();
            KhoraNode node = cluster.running.get(lone);
            ReplicatedPartition cut = node.hostedSpace("notes").replica(0);

            // its group channel drops everything in and out, for good; the node's membership channel is untouched
            ReplicaFaults.cutOff(cut);
            await(Duration.ofSeconds(60), () -> cut.groupView().equals(List.of(lone)) || cut != current(node),
                    () -> lone + "'s replica alone in its view, now " + cut.groupView());
            for (int i = 0; i < 20; i++) {
                space.write(new Note("during-" + i, "x"));
            }

            await(Duration.ofSeconds(120), () -> {
                ReplicatedPartition now = current(node);
                return now != null && now != cut && now.groupView().size() == 3 && now.state() == SpaceState.READY
                        && status(node).entries() == 40 && status(node).commitIndex() == status(cluster.running.get(leader)).commitIndex();
            }, () -> lone + "'s replica back in a whole view with all 40 entries: now " + status(node) + ", view "
                    + (current(node) == null ? "none" : current(node).groupView()));
            assertThat(cut.state()).as("the split-off replica was closed").isEqualTo(SpaceState.INVALID);
            assertThat(node.status().members()).as("the node never left the membership view").hasSize(3);
            assertThat(space.count(Query.all(Note.class))).isEqualTo(40);
        }
    }

    private static ReplicatedPartition current(KhoraNode node) {
        return node.hostedSpace("notes").replica(0);
    }

    private static NodeStatus.ReplicaStatus status(KhoraNode node) {
        return node.status().replicas().get(0);
    }
}

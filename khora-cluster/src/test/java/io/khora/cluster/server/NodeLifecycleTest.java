package io.khora.cluster.server;

import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceException;
import io.khora.SpaceState;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.cluster.protocol.Request;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Min-seeders, the replication requirement, and a stopped node rejoining. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeLifecycleTest {
    /** A plain entry routed by its id. */
    public record Note(@SpaceId String id, String text) {
    }

    @Test
    void aSpaceIsInitialUntilMinSeedersNodesAreUp() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("seeders", 3, "notes", 2, 3, 2)) {
            KhoraNode first = cluster.start("n1");
            Thread.sleep(500);
            assertThat(first.state("notes")).isEqualTo(SpaceState.INITIAL);
            assertThat(first.status().replicas()).allMatch(r -> r.state() == SpaceState.INITIAL);
            cluster.start("n2");
            cluster.awaitReady(Duration.ofSeconds(30));
            assertThat(first.state("notes")).isEqualTo(SpaceState.READY);
            try (Space space = Spaces.connect(cluster.uri("notes"))) {
                space.write(new Note("a", "two of three nodes are enough"));
                assertThat(space.readById(Note.class, "a").text()).isEqualTo("two of three nodes are enough");
            }
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aSpaceStaysReadyWhileOneNodeOfThreeRestartsAndRecoversWhenAPartitionLosesItsLeader() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("restart-ready", 3, "notes", 4, 3, 2).startAll(Duration.ofSeconds(60));
             Space space = Spaces.connect(cluster.uri("notes"))) {
            assertThat(space.waitForReady(Duration.ofSeconds(30))).isTrue();
            cluster.stop("n3");
            awaitLeaders(cluster, 4);
            assertThat(space.waitForReady(Duration.ofSeconds(30))).as("every partition has a leader on n1 or n2").isTrue();

            Map<SpaceState, Integer> seen = new ConcurrentHashMap<>(); // state → times seen
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    seen.merge(space.state(), 1, Integer::sum);
                }
            }, "state-sampler");
            sampler.start();
            try {
                cluster.start("n3"); // INITIAL until it joins, then its replicas start and catch up
                cluster.awaitReady(Duration.ofSeconds(60));
            } finally {
                sampling.set(false);
                sampler.join();
            }
            assertThat(seen).as("the states seen while n3 restarted (times)").containsOnlyKeys(SpaceState.READY);
            space.write(new Note("after", "n3 is back"));

            cluster.stop("n2");
            cluster.stop("n3");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (space.state() != SpaceState.RECOVER && System.nanoTime() - deadline < 0) {
                Thread.sleep(50);
            }
            assertThat(space.state()).as("n1 alone leads nothing").isEqualTo(SpaceState.RECOVER);
        }
    }

    /** Waits until each of the {@code partitions} of "notes" has a serving leader among the running nodes. */
    private static void awaitLeaders(LocalCluster cluster, int partitions) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int p = 0; p < partitions; p++) {
            while (cluster.leaderOf("notes", p) == null) {
                assertThat(System.nanoTime() - deadline).as("partition " + p + " has a leader within 60 s").isNegative();
                Thread.sleep(20);
            }
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aTypeDeclarationRefusedWhileTheSpaceIsInitialIsRetriedUntilMinSeedersAreUp() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("declare-initial", 3, "notes", 1, 3, 3).startAll(Duration.ofSeconds(60));
             Space space = Spaces.connect(cluster.uri("notes").replace("timeout=20s", "timeout=90s"))) {
            for (String id : List.of("n1", "n2", "n3")) {
                cluster.stop(id);
            }
            CountDownLatch refused = new CountDownLatch(1);
            for (String id : List.of("n1", "n2")) {
                KhoraNode n = cluster.start(id);
                assertThat(n.state("notes")).isEqualTo(SpaceState.INITIAL);
                n.dropAnswers(r -> { // drops nothing: notes that a declaration was answered while INITIAL
                    if (r instanceof Request.Declare) {
                        refused.countDown();
                    }
                    return false;
                });
            }
            CompletableFuture<?> write = space.async().write(new Note("early", "made while two of three min-seeders were up"));
            assertThat(refused.await(60, TimeUnit.SECONDS)).as("the client declared its type at an INITIAL node").isTrue();
            cluster.start("n3");

            write.get(90, TimeUnit.SECONDS); // before: "could not declare … UNAVAILABLE … min-seeders", at once
            assertThat(space.readById(Note.class, "early").text()).startsWith("made while");
        }
    }

    @Test
    void writesAcknowledgedByAllReplicasFailClearlyWhileOneIsDownAndAStoppedNodeCatchesUp() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("all-replicas", 3, "notes", 1, 3, 2).startAll(Duration.ofSeconds(60));
             Space all = Spaces.connect(cluster.uri("notes") + "&replication=all");
             Space majority = Spaces.connect(cluster.uri("notes"))) {
            all.write(new Note("x", "on every replica"));
            String leader = cluster.leaderOf("notes", 0);
            String follower = cluster.spec.nodes().stream().map(ClusterSpec.NodeSpec::id).filter(n -> !n.equals(leader)).findFirst().orElseThrow();
            cluster.stop(follower);
            assertThatThrownBy(() -> all.write(new Note("y", "needs every replica")))
                    .isInstanceOf(SpaceException.class).hasMessageContaining("committed on a majority");
            for (int i = 0; i < 50; i++) {
                majority.write(new Note("m" + i, "a majority is enough"));
            }
            KhoraNode back = cluster.start(follower);
            cluster.awaitReady(Duration.ofSeconds(60));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (back.status().replicas().get(0).entries() != 52 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(back.status().replicas().get(0).entries()).isEqualTo(52); // x, y (committed on a majority) and m0..m49
            assertThat(majority.count(Query.all(Note.class))).isEqualTo(52);
            all.write(new Note("z", "every replica again"));
        }
    }
}

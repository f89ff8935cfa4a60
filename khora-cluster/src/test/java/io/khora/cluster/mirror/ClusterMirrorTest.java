package io.khora.cluster.mirror;

import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;
import io.khora.cluster.server.ClusterSpec;
import io.khora.cluster.server.LocalCluster;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.PersistenceBacklogFullException;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.TransactionData;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Write-behind in a cluster: the outbox is part of each partition's replicated state, and a
 * {@link ClusterMirror} delivers it. A fail-over of a leader and a restart of the mirror lose
 * nothing, and an endpoint that keeps a checkpoint per outbox (as the Hibernate endpoint does)
 * applies nothing twice.
 */
class ClusterMirrorTest {
    /** An order routed by its account. */
    public record Order(@SpaceId String id, @SpaceRouting int account, int amount) {
    }

    static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.configure("cluster-mirror", 3, List.of(
                new ClusterSpec.SpaceSpec("wb", 3, 3, 2, new ClusterSpec.WriteBehindSpec(100_000, Duration.ofSeconds(5))),
                new ClusterSpec.SpaceSpec("tiny", 1, 3, 2, new ClusterSpec.WriteBehindSpec(20, Duration.ofMillis(300))),
                new ClusterSpec.SpaceSpec("plain", 1, 3, 2))).startAll(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * A store that keeps, per partition outbox, the last sequence it applied and skips anything at or
     * below it (what the sequences on every operation are for), and remembers what it skipped.
     */
    static final class CheckpointingStore extends SpaceSynchronizationEndpoint {
        final Map<String, Order> rows = new ConcurrentHashMap<>();
        final Map<String, Long> checkpoints = new HashMap<>();
        final Map<Integer, List<Long>> applied = new HashMap<>();
        int replayed;

        @Override
        public synchronized void onOperationsBatchSynchronization(OperationsBatchData batch) {
            String log = batch.getSourceDetails().partitionId() + "/" + logIdOf(batch);
            for (DataSyncOperation op : batch.getBatchDataItems()) {
                apply(log, op);
            }
        }

        @Override
        public synchronized void onTransactionSynchronization(TransactionData tx) {
            for (DataSyncOperation op : tx.getTransactionParticipantDataItems()) {
                apply(op.getPartitionId() + "/tx", op);
            }
        }

        private static String logIdOf(OperationsBatchData batch) {
            assertThat(batch.getSourceDetails().logId()).as("a cluster outbox has a log id").isNotNull();
            return batch.getSourceDetails().logId();
        }

        private void apply(String log, DataSyncOperation op) {
            long last = checkpoints.getOrDefault(log, 0L);
            if (op.getSequence() <= last) {
                replayed++;
                return;
            }
            checkpoints.put(log, op.getSequence());
            applied.computeIfAbsent(op.getPartitionId(), k -> new ArrayList<>()).add(op.getSequence());
            Order o = (Order) op.getDataAsObject();
            if (op.getDataSyncOperationType() == DataSyncOperationType.REMOVE) {
                rows.remove(o.id());
            } else {
                rows.put(o.id(), o);
            }
        }
    }

    @Test
    void everyAcknowledgedChangeReachesTheStoreOnceThroughAFailoverAndAMirrorRestart(@TempDir Path dir) throws Exception {
        CheckpointingStore store = new CheckpointingStore();
        Map<String, Order> expected = new HashMap<>();
        Random random = new Random(42);
        try (Space space = Spaces.connect(cluster.uri("wb"))) {
            ClusterMirror first = mirror("wb", store, dir).start();
            try {
                mutate(space, expected, random, 0, 300);
                awaitStore(store, expected);
                String leader = cluster.leaderOf("wb", 0);
                cluster.stop(leader); // the partition's new leader holds the same outbox under the same numbers
                mutate(space, expected, random, 300, 500);
                awaitStore(store, expected);
            } finally {
                first.close();
            }
            mutate(space, expected, random, 500, 700); // nobody delivers: the outboxes keep it
            try (ClusterMirror second = mirror("wb", store, dir).start()) {
                awaitStore(store, expected);
                assertThat(second.deadLetters()).isEmpty();
            }
            assertThat(space.count(Query.all(Order.class))).isEqualTo(expected.size());
        }
        synchronized (store) {
            for (Map.Entry<Integer, List<Long>> e : store.applied.entrySet()) {
                List<Long> seqs = e.getValue();
                for (int i = 1; i < seqs.size(); i++) {
                    assertThat(seqs.get(i)).as("partition %d applies in sequence order, each once", e.getKey()).isGreaterThan(seqs.get(i - 1));
                }
            }
        }
    }

    /** Writes, updates and takes orders {@code from}..{@code to}; {@code expected} follows what was acknowledged. */
    private static void mutate(Space space, Map<String, Order> expected, Random random, int from, int to) {
        for (int i = from; i < to; i++) {
            Order o = new Order("o" + i, i % 11, i);
            space.write(o);
            expected.put(o.id(), o);
            if (i % 5 == 0) {
                Order u = new Order(o.id(), o.account(), i + 100_000);
                space.write(u);
                expected.put(u.id(), u);
            }
            if (i % 7 == 3) {
                String victim = "o" + (from + random.nextInt(i - from + 1));
                Order taken = space.takeById(Order.class, victim, Integer.parseInt(victim.substring(1)) % 11);
                if (taken != null) {
                    expected.remove(victim);
                }
            }
        }
    }

    private static void awaitStore(CheckpointingStore store, Map<String, Order> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (store.rows.equals(expected)) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(store.rows).as("the store holds exactly the acknowledged state").isEqualTo(expected);
    }

    private static ClusterMirror mirror(String space, SpaceSynchronizationEndpoint endpoint, Path dir) {
        return ClusterMirror.builder(cluster.uri(space)).endpoint(endpoint).dataDirectory(dir).batchSize(64)
                .batchInterval(Duration.ofMillis(10)).connectTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void aFullOutboxMakesWritersWaitThenFailClearlyAndLosesNothing(@TempDir Path dir) throws Exception {
        CheckpointingStore store = new CheckpointingStore();
        Map<String, Order> expected = new HashMap<>();
        try (Space space = Spaces.connect(cluster.uri("tiny"))) {
            for (int i = 0; i < 20; i++) {
                Order o = new Order("t" + i, 1, i);
                space.write(o);
                expected.put(o.id(), o);
            }
            assertThatThrownBy(() -> space.write(new Order("t20", 1, 20)))
                    .isInstanceOf(PersistenceBacklogFullException.class)
                    .hasMessageContaining("write-behind outbox")
                    .hasMessageContaining("capacity 20");
            assertThat(space.readById(Order.class, "t20", 1)).as("the refused write changed nothing").isNull();
            try (ClusterMirror m = mirror("tiny", store, dir).start()) {
                awaitStore(store, expected);
                Order late = new Order("t20", 1, 20);
                space.write(late); // room again
                expected.put(late.id(), late);
                awaitStore(store, expected);
            }
        }
    }

    @Test
    void aMirrorOfASpaceWithoutWriteBehindFailsToStartWithTheReason(@TempDir Path dir) {
        ClusterMirror m = ClusterMirror.builder(cluster.uri("plain")).endpoint(new CheckpointingStore()).dataDirectory(dir)
                .connectTimeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(m::start).hasMessageContaining("outbox could not be read").hasMessageContaining("write-behind");
    }

    @Test
    void theMirrorBuilderRefusesBadSettingsWithTheReason() {
        assertThatThrownBy(() -> ClusterMirror.builder("khora://127.0.0.1:1/s").build()).hasMessageContaining("needs an endpoint");
        assertThatThrownBy(() -> ClusterMirror.builder("khora://127.0.0.1:1/s").batchSize(0)).hasMessageContaining("batchSize must be positive");
        assertThatThrownBy(() -> ClusterMirror.builder("khora://127.0.0.1:1/s").connectTimeout(Duration.ZERO))
                .hasMessageContaining("connectTimeout must be positive");
    }
}

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
import io.khora.persistence.MirrorFencedException;
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
                new ClusterSpec.SpaceSpec("plain", 1, 3, 2),
                new ClusterSpec.SpaceSpec("fenced", 2, 3, 2, new ClusterSpec.WriteBehindSpec(100_000, Duration.ofSeconds(5)))))
                .startAll(Duration.ofSeconds(60));
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
        /** Order id → the mirror lease epoch of the batch that last changed its row. */
        final Map<String, Long> epochs = new ConcurrentHashMap<>();
        int replayed;

        @Override
        public synchronized void onOperationsBatchSynchronization(OperationsBatchData batch) {
            String log = batch.getSourceDetails().partitionId() + "/" + logIdOf(batch);
            for (DataSyncOperation op : batch.getBatchDataItems()) {
                apply(log, op, batch.getSourceDetails().mirrorEpoch());
            }
        }

        @Override
        public synchronized void onTransactionSynchronization(TransactionData tx) {
            for (DataSyncOperation op : tx.getTransactionParticipantDataItems()) {
                apply(op.getPartitionId() + "/tx", op, tx.getSourceDetails().mirrorEpoch());
            }
        }

        private static String logIdOf(OperationsBatchData batch) {
            assertThat(batch.getSourceDetails().logId()).as("a cluster outbox has a log id").isNotNull();
            return batch.getSourceDetails().logId();
        }

        private void apply(String log, DataSyncOperation op, long epoch) {
            assertThat(epoch).as("a cluster mirror's batch carries its lease epoch").isPositive();
            long last = checkpoints.getOrDefault(log, 0L);
            if (op.getSequence() <= last) {
                replayed++;
                return;
            }
            checkpoints.put(log, op.getSequence());
            applied.computeIfAbsent(op.getPartitionId(), k -> new ArrayList<>()).add(op.getSequence());
            Order o = (Order) op.getDataAsObject();
            epochs.put(o.id(), epoch);
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
        mutate(space, expected, random, "o", from, to);
    }

    /** {@link #mutate(Space, Map, Random, int, int)} with ids {@code prefix + i}. */
    private static void mutate(Space space, Map<String, Order> expected, Random random, String prefix, int from, int to) {
        for (int i = from; i < to; i++) {
            Order o = new Order(prefix + i, i % 11, i);
            space.write(o);
            expected.put(o.id(), o);
            if (i % 5 == 0) {
                Order u = new Order(o.id(), o.account(), i + 100_000);
                space.write(u);
                expected.put(u.id(), u);
            }
            if (i % 7 == 3) {
                int k = from + random.nextInt(i - from + 1);
                String victim = prefix + k;
                Order taken = space.takeById(Order.class, victim, k % 11);
                if (taken != null) {
                    expected.remove(victim);
                }
            }
        }
    }

    private static void awaitStore(CheckpointingStore store, Map<String, Order> expected) throws InterruptedException {
        awaitStore(store, expected, "");
    }

    /** Waits until the store's rows whose ids start with {@code prefix} are {@code expected}. */
    private static void awaitStore(CheckpointingStore store, Map<String, Order> expected, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (rows(store, prefix).equals(expected)) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(rows(store, prefix)).as("the store holds exactly the acknowledged state").isEqualTo(expected);
    }

    private static Map<String, Order> rows(CheckpointingStore store, String prefix) {
        Map<String, Order> out = new HashMap<>();
        store.rows.forEach((id, o) -> {
            if (id.startsWith(prefix)) {
                out.put(id, o);
            }
        });
        return out;
    }

    private static ClusterMirror mirror(String space, SpaceSynchronizationEndpoint endpoint, Path dir) {
        return ClusterMirror.builder(cluster.uri(space)).endpoint(endpoint).dataDirectory(dir).batchSize(64)
                .batchInterval(Duration.ofMillis(10)).connectTimeout(Duration.ofSeconds(30)).build();
    }

    private static ClusterMirror fencedMirror(SpaceSynchronizationEndpoint endpoint, Path dir, Duration lease, Duration leaseWait) {
        return ClusterMirror.builder(cluster.uri("fenced")).endpoint(endpoint).dataDirectory(dir).batchSize(16)
                .batchInterval(Duration.ofMillis(10)).connectTimeout(Duration.ofSeconds(30)).leaseDuration(lease).leaseWait(leaseWait)
                .build();
    }

    @Test
    void aSecondMirrorOfASpaceIsRefusedNamingTheHolderAndStartsOnceTheFirstIsClosed(@TempDir Path dir) throws Exception {
        CheckpointingStore store = new CheckpointingStore();
        Map<String, Order> expected = new HashMap<>();
        try (Space space = Spaces.connect(cluster.uri("fenced"))) {
            ClusterMirror first = fencedMirror(store, dir, Duration.ofSeconds(60), Duration.ZERO).start();
            try {
                assertThat(first.delivering()).isTrue();
                ClusterMirror second = fencedMirror(store, dir.resolve("second"), Duration.ofSeconds(60), Duration.ZERO);
                assertThatThrownBy(second::start).isInstanceOfSatisfying(MirrorFencedException.class, e -> {
                    assertThat(e.holder()).isEqualTo(first.holder());
                    assertThat(e.lapsesAt()).isPositive();
                }).hasMessageContaining("a second mirror is refused").hasMessageContaining("held by " + first.holder())
                        .hasMessageContaining(" until ");
                mutate(space, expected, new Random(1), "r", 0, 100);
                awaitStore(store, expected, "r");
            } finally {
                first.close(); // releases the leases
            }
            try (ClusterMirror third = fencedMirror(store, dir, Duration.ofSeconds(60), Duration.ZERO).start()) {
                mutate(space, expected, new Random(2), "r", 100, 200);
                awaitStore(store, expected, "r");
            }
        }
    }

    @Test
    void afterAMirrorDiesWithoutReleasingItsLeaseTheNextTakesOverOnceItLapsesAndNothingIsLostOrAppliedTwice(@TempDir Path dir)
            throws Exception {
        CheckpointingStore store = new CheckpointingStore();
        Map<String, Order> expected = new HashMap<>();
        Duration lease = Duration.ofSeconds(10);
        try (Space space = Spaces.connect(cluster.uri("fenced"))) {
            ClusterMirror first = fencedMirror(store, dir, lease, Duration.ZERO).start();
            mutate(space, expected, new Random(3), "d", 0, 150);
            awaitStore(store, expected, "d");
            mutate(space, expected, new Random(4), "d", 150, 300); // the first mirror is delivering these when it dies
            first.crash();
            long died = System.nanoTime();
            assertThatThrownBy(() -> fencedMirror(store, dir.resolve("second"), lease, Duration.ZERO).start())
                    .as("the dead mirror's lease holds until it lapses").isInstanceOf(MirrorFencedException.class)
                    .hasMessageContaining(first.holder());
            mutate(space, expected, new Random(5), "d", 300, 400); // nobody delivers: the outboxes keep it
            try (ClusterMirror second = fencedMirror(store, dir, lease, Duration.ofSeconds(60)).start()) {
                long tookOver = System.nanoTime() - died;
                assertThat(tookOver).as("took over once the lease lapsed (%d ms after the death)", tookOver / 1_000_000)
                        .isGreaterThanOrEqualTo(lease.toNanos() / 2);
                mutate(space, expected, new Random(6), "d", 400, 500);
                awaitStore(store, expected, "d");
                assertThat(second.deadLetters()).isEmpty();
            }
        }
        assertAppliedInOrderOnce(store);
    }

    @Test
    void aMirrorThatCannotRenewItsLeaseStopsDeliveringAndTheMirrorThatTakesOverDeliversEverythingOnce(@TempDir Path dir)
            throws Exception {
        CheckpointingStore store = new CheckpointingStore();
        Map<String, Order> expected = new HashMap<>();
        Duration lease = Duration.ofSeconds(4);
        try (Space space = Spaces.connect(cluster.uri("fenced"))) {
            ClusterMirror first = fencedMirror(store, dir, lease, Duration.ZERO).start();
            try {
                mutate(space, expected, new Random(7), "c", 0, 100);
                awaitStore(store, expected, "c");
                first.renewing(false); // cut off: its renewals no longer reach the partitions
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (first.deliveringAny() && System.nanoTime() < deadline) { // each partition's lease lapses on its own
                    Thread.sleep(20);
                }
                assertThat(first.deliveringAny()).as("stopped delivering every partition 3/4 of a lease after its last renewal").isFalse();
                Map<String, Order> before = new HashMap<>(expected);
                mutate(space, expected, new Random(8), "c", 100, 200);
                try (ClusterMirror second = fencedMirror(store, dir.resolve("second"), lease, Duration.ofSeconds(60)).start()) {
                    awaitStore(store, expected, "c");
                    for (String id : expected.keySet()) {
                        if (!before.containsKey(id)) {
                            assertThat(store.epochs.get(id)).as("%s was delivered by the mirror that took over", id)
                                    .isGreaterThan(maxEpoch(store, before));
                        }
                    }
                    first.renewing(true); // back: its renewal is refused, the lease was taken over
                    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (first.failure() == null && System.nanoTime() < until) {
                        Thread.sleep(20);
                    }
                    assertThat(first.failure()).as("the old mirror learns it was fenced").isNotNull()
                            .contains("lost its lease").contains(second.holder());
                    assertThat(first.delivering()).isFalse();
                    mutate(space, expected, new Random(9), "c", 200, 300);
                    awaitStore(store, expected, "c");
                }
            } finally {
                first.close();
            }
        }
        assertAppliedInOrderOnce(store);
    }

    private static long maxEpoch(CheckpointingStore store, Map<String, Order> ids) {
        return ids.keySet().stream().mapToLong(id -> store.epochs.getOrDefault(id, 0L)).max().orElse(0L);
    }

    private static void assertAppliedInOrderOnce(CheckpointingStore store) {
        synchronized (store) {
            for (Map.Entry<Integer, List<Long>> e : store.applied.entrySet()) {
                List<Long> seqs = e.getValue();
                for (int i = 1; i < seqs.size(); i++) {
                    assertThat(seqs.get(i)).as("partition %d applies in sequence order, each once", e.getKey()).isGreaterThan(seqs.get(i - 1));
                }
            }
        }
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
        assertThatThrownBy(m::start).hasMessageContaining("the mirror lease could not be acquired").hasMessageContaining("has no write-behind");
    }

    @Test
    void theMirrorBuilderRefusesBadSettingsWithTheReason() {
        assertThatThrownBy(() -> ClusterMirror.builder("khora://127.0.0.1:1/s").build()).hasMessageContaining("needs an endpoint");
        assertThatThrownBy(() -> ClusterMirror.builder("khora://127.0.0.1:1/s").batchSize(0)).hasMessageContaining("batchSize must be positive");
        assertThatThrownBy(() -> ClusterMirror.builder("khora://127.0.0.1:1/s").connectTimeout(Duration.ZERO))
                .hasMessageContaining("connectTimeout must be positive");
        assertThatThrownBy(() -> ClusterMirror.builder("khora://127.0.0.1:1/s").leaseDuration(Duration.ofMillis(50)))
                .hasMessageContaining("leaseDuration must be 100 ms to 600000 ms, got PT0.05S");
        assertThatThrownBy(() -> ClusterMirror.builder("khora://127.0.0.1:1/s").leaseWait(Duration.ofSeconds(-1)))
                .hasMessageContaining("leaseWait must be zero or positive, got PT-1S");
    }
}

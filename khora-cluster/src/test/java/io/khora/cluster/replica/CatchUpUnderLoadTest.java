package io.khora.cluster.replica;

import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.node.CatchUpRaft;
import io.khora.cluster.raft.StoredEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static io.khora.cluster.replica.FailoverTest.ELECTION;
import static io.khora.cluster.replica.FailoverTest.idsOf;
import static io.khora.cluster.replica.FailoverTest.trade;
import static io.khora.cluster.replica.ReplicationTest.TRADE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica that was away catches up while the leader never idles ({@link CatchUpRaft}): writers
 * keep the leader's request queue busy the whole time (jgroups-raft 1.1.4 alone resends only when
 * that queue has been idle for the resend interval, so the returning replica stayed behind).
 */
class CatchUpUnderLoadTest {
    private static final int WRITERS = 4;
    /**
     * Longer than any pause of the writers' steady stream, so the leader's queue is never idle that
     * long: jgroups-raft alone would never resend (measured: with the plain RAFT protocol both tests
     * time out waiting for the catch-up; with 100 ms, a momentary lull on a busy machine lets it
     * resend, and the test would not tell).
     */
    private static final Duration RESEND = Duration.ofSeconds(2);

    @Test
    @Timeout(400)
    void aReturningReplicaCatchesUpFromTheLogWhileWritesContinue() throws Exception {
        catchesUpUnderLoad("catchup-log", b -> b.resendInterval(RESEND), false);
    }

    @Test
    @Timeout(400)
    void aReturningReplicaCatchesUpThroughASnapshotWhileWritesContinue() throws Exception {
        catchesUpUnderLoad("catchup-snapshot", b -> b.resendInterval(RESEND).snapshotThresholdBytes(64 * 1024), true);
    }

    private static void catchesUpUnderLoad(String name, UnaryOperator<io.khora.cluster.node.ReplicaConfig.Builder> custom,
                                           boolean expectSnapshot) throws Exception {
        try (TestGroup g = TestGroup.start(name, List.of("A", "B", "C"), custom)) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            String away = g.replicas().stream().filter(p -> p != leader).findFirst().orElseThrow().config().raftId();
            Set<Object> acked = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong seq = new AtomicLong();
            AtomicLong unknown = new AtomicLong();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        String id = "w" + seq.incrementAndGet();
                        try {
                            leader.write(TRADE, trade(id, (int) (seq.get() & 0xFFFF), 200), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE)
                                    .get(20, TimeUnit.SECONDS);
                            acked.add(id);
                        } catch (java.util.concurrent.ExecutionException e) {
                            // a write in flight while the view changes may time out (outcome unknown); the load goes on
                            if (!(e.getCause() instanceof OutcomeUnknownException)) {
                                throw new AssertionError("write " + id + " failed", e);
                            }
                            unknown.incrementAndGet();
                        } catch (Exception e) {
                            throw new AssertionError("write " + id + " failed", e);
                        }
                    }
                }, "writer-" + w);
                t.setDaemon(true);
                writers.add(t);
                t.start();
            }
            try {
                TestGroup.await(Duration.ofSeconds(120), () -> acked.size() >= 200, () -> "200 writes before the replica leaves");
                g.stop(away);
                int atStop = acked.size();
                TestGroup.await(Duration.ofSeconds(120), () -> acked.size() >= atStop + 1_000, () -> "1,000 writes while " + away + " is away");
                ReplicatedPartition back = g.start(away);
                long target = leader.lastAppended();
                // under continuous load, the returning replica's log reaches where the leader's was at its return
                TestGroup.await(Duration.ofSeconds(60), () -> back.lastAppended() >= target && back.commitIndex() >= target,
                        () -> away + " to reach index " + target + " while writes continue: " + g.describe());
                assertThat(((CatchUpRaft) leader.raft()).catchUpChunksSent()).as("catch-up chunks sent by the leader").isPositive();
                if (expectSnapshot) {
                    assertThat(leader.raft().numSnapshots()).as("snapshots taken by the leader").isPositive();
                }
                int atCatchUp = acked.size();
                TestGroup.await(Duration.ofSeconds(120), () -> acked.size() >= atCatchUp + 200, () -> "200 more writes after the catch-up");
            } finally {
                stop.set(true);
                for (Thread t : writers) {
                    t.join(30_000);
                }
            }
            List<StoredEntry> contents = g.awaitConverged(Duration.ofSeconds(60));
            assertThat(idsOf(contents)).containsAll(acked);
            assertThat(g.get(away).stateMachine().contents()).isEqualTo(contents);
        }
    }
}

package io.khora.cluster.replica;

import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.NoLeaderException;
import io.khora.NotLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.raft.StoredEntry;
import io.khora.cluster.raft.WriteOutcome;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static io.khora.cluster.replica.ReplicationTest.TRADE;
import static io.khora.cluster.replica.ReplicationTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fail-over, catch-up and quorum loss of one replicated partition (three replicas in this JVM). */
class FailoverTest {
    static final Duration ELECTION = Duration.ofSeconds(10);
    static final Duration CONVERGE = Duration.ofSeconds(10);

    static Object[] trade(String id, int qty, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        new java.util.Random(qty).nextBytes(payload);
        return TRADE.codec().toValues(new io.khora.cluster.fixtures.Trade(id, "S" + (qty % 5), qty, payload, 0));
    }

    /** Writes {@code ids} at {@code leader}, waits for every acknowledgement, returns the acknowledged ids. */
    static Set<Object> writeAll(ReplicatedPartition leader, List<String> ids) throws Exception {
        List<CompletableFuture<WriteOutcome>> fs = new ArrayList<>();
        for (String id : ids) {
            fs.add(leader.write(TRADE, trade(id, id.hashCode() & 0xFFFF, 100), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE));
        }
        Set<Object> acked = new HashSet<>();
        for (int i = 0; i < fs.size(); i++) {
            get(fs.get(i));
            acked.add(ids.get(i));
        }
        return acked;
    }

    static List<String> ids(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    static Set<Object> idsOf(List<StoredEntry> entries) {
        return entries.stream().map(e -> e.values()[0]).collect(Collectors.toSet());
    }

    @Test
    @Timeout(40)
    void aCrashedLeaderIsReplacedWithinBoundsAndNoAcknowledgedWriteIsLost() throws Exception {
        try (TestGroup g = TestGroup.startThree("crash")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            Set<Object> acked = writeAll(leader, ids("before", 150));
            // a write in flight when the leader dies: its outcome is unknown, never silently lost or doubled
            CompletableFuture<WriteOutcome> inFlight = leader.write(TRADE, trade("inflight", 1, 100), Lease.FOREVER, WriteMode.WRITE_ONLY);

            String old = leader.config().raftId();
            long crashedAt = System.nanoTime();
            g.crash(old);
            ReplicatedPartition next = g.awaitLeader(ELECTION);
            long failoverMs = (System.nanoTime() - crashedAt) / 1_000_000;
            assertThat(next.config().raftId()).isNotEqualTo(old);
            // failure detection 1.5 s + verification 0.5 s + election in the test configuration
            assertThat(failoverMs).as("fail-over time").isLessThan(8_000);
            System.out.printf("fail-over after a crash: new leader %s serving after %d ms%n", next.config().raftId(), failoverMs);

            Set<Object> present = idsOf(next.read(TRADE, io.khora.cluster.raft.Command.QuerySpec.all(), Integer.MAX_VALUE));
            assertThat(present).containsAll(acked);
            boolean inFlightAcked = inFlight.handle((r, ex) -> ex == null).join();
            if (inFlightAcked) {
                assertThat(present).contains("inflight");
            }
            // writes continue on the survivors
            acked.addAll(writeAll(next, ids("after", 100)));
            List<StoredEntry> contents = g.awaitConverged(CONVERGE);
            assertThat(idsOf(contents)).containsAll(acked);
            assertThat(contents).hasSize(acked.size() + (idsOf(contents).contains("inflight") ? 1 : 0));
        }
    }

    @Test
    @Timeout(40)
    void aRestartedReplicaCatchesUpThroughASnapshotAndAFullRestartKeepsEverything() throws Exception {
        // 16 KiB of log triggers a snapshot; 100-byte payloads make that every ~100 writes
        try (TestGroup g = TestGroup.start("catchup", List.of("A", "B", "C"), b -> b.snapshotThresholdBytes(16 * 1024))) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            Set<Object> acked = writeAll(leader, ids("first", 100));
            g.awaitConverged(CONVERGE);
            String away = g.replicas().stream().filter(p -> !p.isLeader()).findFirst().orElseThrow().config().raftId();
            long awayIndex = g.get(away).commitIndex();
            g.stop(away);

            // in rounds of 20: group commit would put a burst of 600 into a few large entries, and
            // a snapshot covers only committed entries, so the log would keep what the replica misses
            List<String> whileAway = ids("while-away", 600);
            for (int i = 0; i < whileAway.size(); i += 20) {
                acked.addAll(writeAll(leader, whileAway.subList(i, i + 20)));
            }
            // the leader's log no longer holds what the stopped replica misses: it must get a snapshot
            assertThat(leader.raft().log().firstAppended()).isGreaterThan(awayIndex + 1);
            assertThat(leader.raft().numSnapshots()).isPositive();

            ReplicatedPartition back = g.start(away);
            List<StoredEntry> contents = g.awaitConverged(CONVERGE);
            assertThat(idsOf(contents)).isEqualTo(acked);
            assertThat(back.stateMachine().contents()).isEqualTo(contents);

            // entries appended after the installed snapshot survive a restart of that replica (SnapshotSafeFileLog)
            acked.addAll(writeAll(leader, ids("after-snapshot", 20)));
            g.awaitConverged(CONVERGE);
            long appliedBefore = back.stateMachine().appliedCommands();
            g.stop(away);
            back = g.start(away);
            assertThat(back.stateMachine().appliedCommands()).as("replayed from its own log").isEqualTo(appliedBefore);
            assertThat(idsOf(back.stateMachine().contents())).isEqualTo(acked);

            // the whole group stops and starts again from its data directories
            long applied = leader.stateMachine().appliedCommands();
            for (String id : List.of("A", "B", "C")) {
                g.stop(id);
            }
            for (String id : List.of("A", "B", "C")) {
                g.start(id);
            }
            ReplicatedPartition again = g.awaitLeader(ELECTION);
            assertThat(again.stateMachine().appliedCommands()).isGreaterThanOrEqualTo(applied);
            assertThat(idsOf(again.read(TRADE, io.khora.cluster.raft.Command.QuerySpec.all(), Integer.MAX_VALUE))).isEqualTo(acked);
            acked.addAll(writeAll(again, ids("after-restart", 10)));
            assertThat(idsOf(g.awaitConverged(CONVERGE))).isEqualTo(acked);
        }
    }

    @Test
    @Timeout(40)
    void withTwoOfThreeDownWritesFailWithNoLeaderAndResumeWhenTheyReturn() throws Exception {
        try (TestGroup g = TestGroup.startThree("quorum")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            Set<Object> acked = writeAll(leader, ids("k", 50));
            g.awaitConverged(CONVERGE);
            List<String> others = g.replicas().stream().filter(p -> p != leader).map(p -> p.config().raftId()).collect(Collectors.toList());
            for (String id : others) {
                g.stop(id);
            }
            // the survivor has lost its majority: it steps down and refuses, with a clear error
            TestGroup.await(ELECTION, () -> !leader.isLeader(), () -> "the lone replica to step down: " + g.describe());
            assertThat(leader.state()).isEqualTo(io.khora.SpaceState.RECOVER);
            assertThatThrownBy(() -> get(leader.write(TRADE, trade("lost", 1, 100), Lease.FOREVER, WriteMode.WRITE_ONLY)))
                    .isInstanceOf(NoLeaderException.class).hasMessageContaining("RECOVER").hasMessageContaining("no leader");

            for (String id : others) {
                g.start(id);
            }
            ReplicatedPartition next = g.awaitLeader(ELECTION);
            acked.addAll(writeAll(next, ids("resumed", 20)));
            List<StoredEntry> contents = g.awaitConverged(CONVERGE);
            assertThat(idsOf(contents)).isEqualTo(acked);
        }
    }

    @Test
    @Timeout(40)
    void aLeaderCutOffFromTheOthersCannotCommitAndLosesNothingAcknowledgedWhenHealed() throws Exception {
        try (TestGroup g = TestGroup.startThree("partition")) {
            ReplicatedPartition isolated = g.awaitLeader(ELECTION);
            Set<Object> acked = writeAll(isolated, ids("before", 50));
            String cut = isolated.config().raftId();
            g.isolate(cut);

            // the minority side: a write there never commits (its outcome is unknown, then it is refused)
            CompletableFuture<WriteOutcome> minorityWrite =
                    isolated.write(TRADE, trade("minority", 1, 100), Lease.FOREVER, WriteMode.WRITE_ONLY);
            assertThatThrownBy(() -> get(minorityWrite))
                    .isInstanceOfAny(OutcomeUnknownException.class, NoLeaderException.class, NotLeaderException.class);

            // the majority side elects a leader and goes on
            Set<String> majority = new HashSet<>(g.running.keySet());
            majority.remove(cut);
            ReplicatedPartition leader = g.awaitLeader(ELECTION, majority);
            acked.addAll(writeAll(leader, ids("during", 50)));
            TestGroup.await(ELECTION, () -> !isolated.isLeader(), () -> "the cut-off leader to step down");
            assertThatThrownBy(() -> get(isolated.write(TRADE, trade("minority2", 1, 100), Lease.FOREVER, WriteMode.WRITE_ONLY)))
                    .isInstanceOfAny(NoLeaderException.class, NotLeaderException.class);

            // heal: the views merge, the old leader follows, drops what it never committed, and converges
            g.heal(cut);
            g.awaitLeader(Duration.ofSeconds(20));
            List<StoredEntry> contents = g.awaitConverged(Duration.ofSeconds(20));
            assertThat(idsOf(contents)).isEqualTo(acked).doesNotContain("minority", "minority2");
        }
    }

    @Test
    @Timeout(40)
    void aRestartedReplicaReplaysItsOwnLog() throws Exception {
        try (TestGroup g = TestGroup.startThree("replay")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            Set<Object> acked = writeAll(leader, ids("k", 30));
            g.awaitConverged(CONVERGE);
            String away = g.replicas().stream().filter(p -> !p.isLeader()).findFirst().orElseThrow().config().raftId();
            long applied = g.get(away).stateMachine().appliedCommands();
            g.stop(away);
            ReplicatedPartition back = g.start(away);
            System.out.printf("restarted %s: commit index %d, applied %d (before the stop: %d)%n", away, back.commitIndex(),
                    back.stateMachine().appliedCommands(), applied);
            acked.addAll(writeAll(leader, ids("after", 5)));
            assertThat(idsOf(g.awaitConverged(CONVERGE))).isEqualTo(acked);
        }
    }
}

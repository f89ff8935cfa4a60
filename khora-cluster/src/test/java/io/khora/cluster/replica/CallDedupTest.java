package io.khora.cluster.replica;

import io.khora.ChangeSet;
import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.cluster.raft.Command.QuerySpec;
import io.khora.cluster.raft.StoredEntry;
import io.khora.cluster.raft.WriteOutcome;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static io.khora.cluster.replica.ReplicationTest.TRADE;
import static io.khora.cluster.replica.ReplicationTest.get;
import static io.khora.cluster.replica.ReplicationTest.trade;
import static org.assertj.core.api.Assertions.assertThat;

/** Client call deduplication and group commit on a three-replica group. */
class CallDedupTest {
    static final Duration ELECTION = Duration.ofSeconds(10);
    static final Duration CONVERGE = Duration.ofSeconds(10);
    static final int QTY = TRADE.property("qty").position();

    @Test
    @Timeout(40)
    void aRepeatedCallIsAppliedOnceAlsoAtTheNextLeader() throws Exception {
        try (TestGroup g = TestGroup.startThree("dedup")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            UUID client = UUID.randomUUID();
            CallId w = CallId.of(client, 1);
            CallId ch = CallId.of(client, 2);
            CallId tk = CallId.of(client, 3);
            CallId rn = CallId.of(client, 4);
            get(leader.write(TRADE, trade("victim", "S", 1), Lease.FOREVER, WriteMode.WRITE_ONLY));

            WriteOutcome wrote = get(leader.write(TRADE, trade("a", "S", 10), Lease.FOREVER, WriteMode.WRITE_ONLY, w));
            assertThat(get(leader.write(TRADE, trade("a", "S", 10), Lease.FOREVER, WriteMode.WRITE_ONLY, w)))
                    .as("the first outcome, not EntryAlreadyExists").isEqualTo(wrote);
            int changed = get(leader.change(TRADE, QuerySpec.text("symbol = ?", "S"), ChangeSet.create().increment("qty", 5), ch));
            assertThat(get(leader.change(TRADE, QuerySpec.text("symbol = ?", "S"), ChangeSet.create().increment("qty", 5), ch)))
                    .isEqualTo(changed).isEqualTo(2);
            StoredEntry taken = get(leader.takeById(TRADE, "victim", tk));
            assertThat(taken).isNotNull();
            assertThat(get(leader.takeById(TRADE, "victim", tk))).isEqualTo(taken);
            long expiry = get(leader.renew(TRADE, "a", Lease.ofMillis(60_000), rn));
            g.awaitConverged(CONVERGE);

            // the leader dies; the client did not hear back and retries everything at the new one
            String old = leader.config().raftId();
            g.crash(old);
            ReplicatedPartition next = g.awaitLeader(ELECTION);
            assertThat(get(next.write(TRADE, trade("a", "S", 10), Lease.FOREVER, WriteMode.WRITE_ONLY, w))).isEqualTo(wrote);
            assertThat(get(next.change(TRADE, QuerySpec.text("symbol = ?", "S"), ChangeSet.create().increment("qty", 5), ch)))
                    .isEqualTo(changed);
            assertThat(get(next.takeById(TRADE, "victim", tk))).isEqualTo(taken);
            assertThat(get(next.renew(TRADE, "a", Lease.ofMillis(60_000), rn))).as("the first expiry").isEqualTo(expiry);

            List<StoredEntry> contents = g.awaitConverged(CONVERGE);
            assertThat(contents).hasSize(1);
            assertThat(contents.get(0).values()[QTY]).as("incremented once").isEqualTo(15);
            assertThat(contents.get(0).version()).as("written, changed once").isEqualTo(2);
            for (ReplicatedPartition p : g.replicas()) {
                assertThat(p.stateMachine().calls().clients()).isEqualTo(1);
            }
        }
    }

    @Test
    @Timeout(60)
    void aCallInFlightWhenTheLeaderCrashesIsAppliedExactlyOnceWhenRetried() throws Exception {
        try (TestGroup g = TestGroup.startThree("dedup-inflight")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            get(leader.write(TRADE, trade("counter", "S", 0), Lease.FOREVER, WriteMode.WRITE_ONLY));
            UUID client = UUID.randomUUID();
            // many increments in flight, then the leader dies: each is retried at the new leader with its call id
            List<CallId> ids = new ArrayList<>();
            List<CompletableFuture<Integer>> first = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                CallId id = CallId.of(client, i);
                ids.add(id);
                first.add(leader.change(TRADE, QuerySpec.all(), ChangeSet.create().increment("qty", 1), id));
            }
            g.crash(leader.config().raftId());
            ReplicatedPartition next = g.awaitLeader(ELECTION);
            for (int i = 0; i < ids.size(); i++) {
                boolean ok = first.get(i).handle((r, ex) -> ex == null).join();
                int retried = get(next.change(TRADE, QuerySpec.all(), ChangeSet.create().increment("qty", 1), ids.get(i)));
                assertThat(retried).isEqualTo(1);
                if (ok) {
                    assertThat(first.get(i).join()).isEqualTo(1);
                }
            }
            List<StoredEntry> contents = g.awaitConverged(CONVERGE);
            assertThat(contents.get(0).values()[QTY]).as("each of 200 calls applied exactly once").isEqualTo(200);
        }
    }

    @Test
    @Timeout(40)
    void concurrentProposalsShareLogEntriesAndKeepTheirOwnResults() throws Exception {
        try (TestGroup g = TestGroup.startThree("batch")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            long entriesBefore = leader.stateMachine().appliedCommands();
            int threads = 16;
            int perThread = 150;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            String key = "t" + id + "-" + i;
                            WriteOutcome o = get(leader.write(TRADE, trade(key, "S" + id, i), Lease.FOREVER, WriteMode.WRITE_ONLY));
                            assertThat(o.created()).isTrue();
                            if (i % 10 == 0) {
                                // a failure in a batch fails only its own command
                                try {
                                    get(leader.write(TRADE, trade(key, "S", 0), Lease.FOREVER, WriteMode.WRITE_ONLY));
                                    throw new AssertionError("a duplicate write succeeded");
                                } catch (io.khora.EntryAlreadyExistsException expected) {
                                    // fine
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            assertThat(failure.get()).isNull();
            List<StoredEntry> contents = g.awaitConverged(CONVERGE);
            assertThat(contents).hasSize(threads * perThread);
            long[] stats = leader.proposer().batchStats();
            long entries = leader.stateMachine().appliedCommands() - entriesBefore;
            System.out.printf("group commit: %d proposals in %d log entries (%d batches holding %d)%n",
                    threads * perThread + threads * perThread / 10, entries, stats[0], stats[1]);
            assertThat(stats[0]).as("some entries held several commands").isPositive();
            assertThat(entries).isLessThan(threads * perThread);
        }
    }
}

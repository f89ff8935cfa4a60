package io.khora.cluster.replica;

import io.khora.Lease;
import io.khora.SpaceClosedException;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.NotLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.raft.Command.QuerySpec;
import io.khora.cluster.raft.StoredEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static io.khora.cluster.replica.ReplicationTest.TRADE;
import static io.khora.cluster.replica.ReplicationTest.get;
import static io.khora.cluster.replica.ReplicationTest.trade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reads and takes that wait at the leader (three replicas in this JVM). */
class LeaderWaitTest {
    static final Duration ELECTION = Duration.ofSeconds(10);
    static final Duration CONVERGE = Duration.ofSeconds(10);
    static final QuerySpec JOBS = QuerySpec.text("symbol = ?", "JOB");

    static Object id(StoredEntry e) {
        return e.values()[0];
    }

    static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.get(20, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("the future did not complete: " + f, e);
        }
    }

    @Test
    @Timeout(40)
    void aWaitingReadOrTakeIsWokenByAMatchingWriteAndTimesOutEmpty() throws Exception {
        try (TestGroup g = TestGroup.startThree("wait-basic")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            CompletableFuture<List<StoredEntry>> read = leader.read(TRADE, JOBS, 10, Duration.ofSeconds(20));
            CompletableFuture<List<StoredEntry>> take = leader.take(TRADE, JOBS, 10, Duration.ofSeconds(20), null);
            TestGroup.await(Duration.ofSeconds(5), () -> leader.idleWaits() == 2, () -> "both parked");
            assertThat(read).isNotDone();
            assertThat(take).isNotDone();
            get(leader.write(TRADE, trade("other", "NOPE", 1), Lease.FOREVER, WriteMode.WRITE_ONLY)); // does not match
            Thread.sleep(50);
            assertThat(read).isNotDone();
            assertThat(take).isNotDone();

            get(leader.write(TRADE, trade("j1", "JOB", 1), Lease.FOREVER, WriteMode.WRITE_ONLY));
            assertThat(get(read)).extracting(LeaderWaitTest::id).containsExactly("j1");
            assertThat(get(take)).extracting(LeaderWaitTest::id).containsExactly("j1");
            assertThat(leader.readById(TRADE, "j1")).as("taken through the log").isNull();
            TestGroup.await(Duration.ofSeconds(5), () -> leader.parkedWaits() == 0, () -> "no waiter left");
            assertThat(g.awaitConverged(CONVERGE)).extracting(LeaderWaitTest::id).containsExactly("other");

            // an entry already there is returned at once; an update that makes an entry match wakes a take
            get(leader.write(TRADE, trade("j2", "JOB", 2), Lease.FOREVER, WriteMode.WRITE_ONLY));
            assertThat(get(leader.read(TRADE, JOBS, 10, Duration.ofSeconds(5)))).extracting(LeaderWaitTest::id).containsExactly("j2");
            assertThat(get(leader.take(TRADE, JOBS, 10, Duration.ofSeconds(5), null))).extracting(LeaderWaitTest::id).containsExactly("j2");
            CompletableFuture<List<StoredEntry>> woken = leader.take(TRADE, JOBS, 1, Duration.ofSeconds(20), null);
            TestGroup.await(Duration.ofSeconds(5), () -> leader.idleWaits() == 1, () -> "parked");
            get(leader.change(TRADE, QuerySpec.text("symbol = ?", "NOPE"), io.khora.ChangeSet.create().set("symbol", "JOB")));
            assertThat(get(woken)).extracting(LeaderWaitTest::id).containsExactly("other");

            // time-outs: an empty list, nothing left behind
            long t0 = System.nanoTime();
            assertThat(get(leader.take(TRADE, JOBS, 1, Duration.ofMillis(300), CallId.of(UUID.randomUUID(), 1)))).isEmpty();
            assertThat(get(leader.read(TRADE, JOBS, 1, Duration.ofMillis(300)))).isEmpty();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(550L, 5_000L);
            assertThat(leader.parkedWaits()).isZero();

            // not at a follower
            ReplicatedPartition follower = g.replicas().stream().filter(p -> p != leader).findFirst().orElseThrow();
            assertThatThrownBy(() -> get(follower.take(TRADE, JOBS, 1, Duration.ofSeconds(1), null))).isInstanceOf(NotLeaderException.class);
            assertThatThrownBy(() -> get(follower.read(TRADE, JOBS, 1, Duration.ofSeconds(1)))).isInstanceOf(NotLeaderException.class);
        }
    }

    @Test
    @Timeout(60)
    void concurrentTakersAndWritersTakeEveryEntryExactlyOnce() throws Exception {
        try (TestGroup g = TestGroup.startThree("wait-race")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            int entries = 300;
            int takers = 12;
            Map<Object, Integer> takenBy = new ConcurrentHashMap<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger done = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < takers; t++) {
                int taker = t;
                Thread th = new Thread(() -> {
                    try {
                        UUID client = UUID.randomUUID();
                        long seq = 0;
                        while (takenBy.size() < entries && failure.get() == null) {
                            // some take one, some several; some with call ids, some without; short and long waits
                            Duration wait = Duration.ofMillis(taker % 3 == 0 ? 50 : 2_000);
                            CallId call = taker % 2 == 0 ? CallId.of(client, ++seq) : null;
                            List<StoredEntry> got = get(leader.take(TRADE, JOBS, 1 + taker % 3, wait, call));
                            for (StoredEntry e : got) {
                                Integer before = takenBy.putIfAbsent(id(e), taker);
                                if (before != null) {
                                    throw new AssertionError(id(e) + " taken by " + before + " and " + taker);
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.incrementAndGet();
                    }
                });
                threads.add(th);
                th.start();
            }
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                Thread th = new Thread(() -> {
                    try {
                        java.util.Random rnd = new java.util.Random(writer);
                        for (int i = writer; i < entries; i += 3) {
                            get(leader.write(TRADE, trade("j" + i, "JOB", i), Lease.FOREVER, WriteMode.WRITE_ONLY));
                            if (rnd.nextInt(10) == 0) {
                                Thread.sleep(rnd.nextInt(20));
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                writers.add(th);
                th.start();
            }
            for (Thread th : writers) {
                th.join();
            }
            for (Thread th : threads) {
                th.join(30_000);
            }
            assertThat(failure.get()).isNull();
            assertThat(done.get()).isEqualTo(takers);
            assertThat(takenBy).hasSize(entries);
            assertThat(g.awaitConverged(CONVERGE)).isEmpty();
            TestGroup.await(Duration.ofSeconds(5), () -> leader.parkedWaits() == 0, () -> "no waiter left: " + leader.parkedWaits());
            Map<Integer, Long> perTaker = takenBy.values().stream().collect(Collectors.groupingBy(t -> t, Collectors.counting()));
            System.out.println("entries per taker: " + perTaker);
        }
    }

    @Test
    @Timeout(60)
    void cancelWithdrawsTheWaitAndNeverLosesAnEntry() throws Exception {
        try (TestGroup g = TestGroup.startThree("wait-cancel")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            CompletableFuture<List<StoredEntry>> parked = leader.take(TRADE, JOBS, 1, Duration.ofSeconds(30), null);
            TestGroup.await(Duration.ofSeconds(5), () -> leader.idleWaits() == 1, () -> "parked");
            assertThat(parked.cancel(false)).isTrue();
            assertThat(parked).isCancelled();
            assertThat(leader.parkedWaits()).isZero();
            get(leader.write(TRADE, trade("kept", "JOB", 1), Lease.FOREVER, WriteMode.WRITE_ONLY));
            Thread.sleep(100);
            assertThat(leader.readById(TRADE, "kept")).as("a cancelled take takes nothing").isNotNull();
            get(leader.takeById(TRADE, "kept"));

            // completing from outside also withdraws it
            CompletableFuture<List<StoredEntry>> other = leader.read(TRADE, JOBS, 1, Duration.ofSeconds(30));
            assertThat(other.completeExceptionally(new RuntimeException("client went away"))).isTrue();
            assertThat(leader.parkedWaits()).isZero();

            // cancel racing wake-ups: whatever cancel says, every entry is either still there or owned by exactly one future
            int rounds = 200;
            List<CompletableFuture<List<StoredEntry>>> futures = new ArrayList<>();
            List<Boolean> cancelled = new ArrayList<>();
            java.util.Random rnd = new java.util.Random(7);
            for (int i = 0; i < rounds; i++) {
                QuerySpec mine = QuerySpec.text("symbol = ?", "R" + i); // each round's own entry
                CompletableFuture<List<StoredEntry>> f = leader.take(TRADE, mine, 1, Duration.ofSeconds(30), null);
                TestGroup.await(Duration.ofSeconds(5), () -> leader.idleWaits() == 1, () -> "parked");
                CompletableFuture<io.khora.cluster.raft.WriteOutcome> w =
                        leader.write(TRADE, trade("r" + i, "R" + i, i), Lease.FOREVER, WriteMode.WRITE_ONLY);
                switch (i % 4) {
                    case 0 -> get(w); // the take is under way or done
                    case 1 -> { } // cancel at once: usually before the write lands
                    default -> {
                        long until = System.nanoTime() + rnd.nextInt(400_000);
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                }
                cancelled.add(f.cancel(false));
                futures.add(f);
                get(w);
                if (!cancelled.get(i)) {
                    get(f);
                }
            }
            Set<Object> owned = new HashSet<>();
            int cancels = 0;
            for (int i = 0; i < rounds; i++) {
                CompletableFuture<List<StoredEntry>> f = futures.get(i);
                if (cancelled.get(i)) {
                    cancels++;
                    assertThat(f).isCancelled();
                    continue;
                }
                List<StoredEntry> got = get(f); // a cancel that lost completes normally
                for (StoredEntry e : got) {
                    assertThat(owned.add(id(e))).isTrue();
                }
            }
            TestGroup.await(Duration.ofSeconds(5), () -> leader.parkedWaits() == 0, () -> "no waiter left: " + leader.parkedWaits());
            Set<Object> left = g.awaitConverged(CONVERGE).stream().map(LeaderWaitTest::id).collect(Collectors.toSet());
            assertThat(left).doesNotContainAnyElementsOf(owned);
            assertThat(left.size() + owned.size()).as("none lost").isEqualTo(rounds);
            System.out.printf("cancel race: %d cancelled, %d entries owned by a future, %d left in the space%n", cancels, owned.size(),
                    left.size());
        }
    }

    @Test
    @Timeout(90)
    void parkedTakersFailWithNotLeaderWhenTheLeaderIsCutOffAndLoseNothingWhenReissued() throws Exception {
        try (TestGroup g = TestGroup.startThree("wait-leader-loss")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            int takers = 6;
            UUID client = UUID.randomUUID();
            List<CompletableFuture<List<StoredEntry>>> parked = new ArrayList<>();
            for (int i = 0; i < takers; i++) {
                parked.add(leader.take(TRADE, JOBS, 1, Duration.ofSeconds(60), CallId.of(client, i)));
            }
            CompletableFuture<List<StoredEntry>> reader = leader.read(TRADE, JOBS, 1, Duration.ofSeconds(60));
            TestGroup.await(Duration.ofSeconds(5), () -> leader.idleWaits() == takers + 1, () -> "parked");

            String cut = leader.config().raftId();
            g.isolate(cut);
            Set<String> majority = new HashSet<>(g.running.keySet());
            majority.remove(cut);
            ReplicatedPartition next = g.awaitLeader(ELECTION, majority);
            for (CompletableFuture<List<StoredEntry>> f : parked) {
                assertThat(failureOf(f)).isInstanceOf(NotLeaderException.class);
            }
            assertThat(failureOf(reader)).isInstanceOf(NotLeaderException.class);
            assertThat(leader.parkedWaits()).isZero();

            // the client re-issues at the new leader with the same call ids; writes wake them there
            List<CompletableFuture<List<StoredEntry>>> again = new ArrayList<>();
            for (int i = 0; i < takers; i++) {
                again.add(next.take(TRADE, JOBS, 1, Duration.ofSeconds(30), CallId.of(client, i)));
            }
            for (int i = 0; i < takers; i++) {
                get(next.write(TRADE, trade("j" + i, "JOB", i), Lease.FOREVER, WriteMode.WRITE_ONLY));
            }
            Set<Object> owned = new HashSet<>();
            for (CompletableFuture<List<StoredEntry>> f : again) {
                List<StoredEntry> got = get(f);
                assertThat(got).hasSize(1);
                assertThat(owned.add(id(got.get(0)))).isTrue();
            }
            assertThat(owned).hasSize(takers);
            g.heal(cut);
            g.awaitLeader(Duration.ofSeconds(20));
            assertThat(g.awaitConverged(Duration.ofSeconds(20))).isEmpty();
        }
    }

    @Test
    @Timeout(90)
    void takersWokenJustBeforeALeaderCrashGetTheirEntriesWhenTheyRetryWithTheirCallIds() throws Exception {
        try (TestGroup g = TestGroup.startThree("wait-crash")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            int takers = 8;
            UUID client = UUID.randomUUID();
            List<CompletableFuture<List<StoredEntry>>> parked = new ArrayList<>();
            for (int i = 0; i < takers; i++) {
                parked.add(leader.take(TRADE, JOBS, 1, Duration.ofSeconds(60), CallId.of(client, i)));
            }
            TestGroup.await(Duration.ofSeconds(5), () -> leader.idleWaits() == takers, () -> "parked");
            // the writes wake the takers, whose takes are in flight (or done) when the leader dies
            List<CompletableFuture<io.khora.cluster.raft.WriteOutcome>> writes = new ArrayList<>();
            for (int i = 0; i < takers; i++) {
                writes.add(leader.write(TRADE, trade("j" + i, "JOB", i), Lease.FOREVER, WriteMode.WRITE_ONLY));
            }
            get(writes.get(takers - 1));
            g.crash(leader.config().raftId());
            ReplicatedPartition next = g.awaitLeader(ELECTION);

            Set<Object> owned = new HashSet<>();
            int retried = 0;
            for (int i = 0; i < takers; i++) {
                Throwable failure = failureOf(parked.get(i));
                List<StoredEntry> got;
                if (failure == null) {
                    got = parked.get(i).join();
                    if (got.isEmpty()) {
                        continue;
                    }
                } else {
                    assertThat(failure).isInstanceOfAny(SpaceClosedException.class, OutcomeUnknownException.class,
                            NotLeaderException.class);
                    retried++;
                    got = get(next.take(TRADE, JOBS, 1, Duration.ofMillis(200), CallId.of(client, i)));
                }
                for (StoredEntry e : got) {
                    assertThat(owned.add(id(e))).as("taken twice: " + id(e)).isTrue();
                }
            }
            Set<Object> left = g.awaitConverged(CONVERGE).stream().map(LeaderWaitTest::id).collect(Collectors.toSet());
            assertThat(left).doesNotContainAnyElementsOf(owned);
            assertThat(left.size() + owned.size()).as("none lost: owned " + owned + ", left " + left).isEqualTo(takers);
            System.out.printf("leader crash: %d takers retried, %d entries owned, %d left%n", retried, owned.size(), left.size());
        }
    }

    @Test
    @Timeout(40)
    void closingFailsTheWaitsWithSpaceClosed() throws Exception {
        try (TestGroup g = TestGroup.startThree("wait-close")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            CompletableFuture<List<StoredEntry>> take = leader.take(TRADE, JOBS, 1, Duration.ofSeconds(30), null);
            CompletableFuture<List<StoredEntry>> read = leader.read(TRADE, JOBS, 1, Duration.ofSeconds(30));
            TestGroup.await(Duration.ofSeconds(5), () -> leader.idleWaits() == 2, () -> "parked");
            g.stop(leader.config().raftId());
            assertThat(failureOf(take)).isInstanceOf(SpaceClosedException.class);
            assertThat(failureOf(read)).isInstanceOf(SpaceClosedException.class);
        }
    }
}

package io.khora.cluster.replica;

import io.khora.EntryAlreadyExistsException;
import io.khora.EntryNotFoundException;
import io.khora.EntryVersionConflictException;
import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.NotLeaderException;
import io.khora.cluster.fixtures.Job;
import io.khora.cluster.fixtures.Trade;
import io.khora.cluster.raft.Command.QuerySpec;
import io.khora.cluster.raft.StoredEntry;
import io.khora.cluster.raft.WriteOutcome;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Three replicas of one partition in this JVM: election, replicated writes, takes, reads at the leader. */
class ReplicationTest {
    static final TypeDescriptor TRADE = TypeIntrospector.describe(Trade.class);
    static final TypeDescriptor JOB = TypeIntrospector.describe(Job.class);
    static final Duration ELECTION = Duration.ofSeconds(10);
    static final Duration CONVERGE = Duration.ofSeconds(10);

    static Object[] trade(String id, String symbol, int qty) {
        return TRADE.codec().toValues(new Trade(id, symbol, qty, new byte[] {(byte) qty}, 0));
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    @Timeout(30)
    void threeReplicasElectOneLeaderAndApplyWritesIdentically() throws Exception {
        try (TestGroup g = TestGroup.startThree("writes")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            assertThat(g.replicas()).filteredOn(ReplicatedPartition::isLeader).containsExactly(leader);

            List<CompletableFuture<WriteOutcome>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                writes.add(leader.write(TRADE, trade("t" + i, "S" + (i % 7), i), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE));
            }
            for (CompletableFuture<WriteOutcome> w : writes) {
                WriteOutcome o = get(w);
                assertThat(o.created()).isTrue();
                assertThat(o.version()).isEqualTo(1);
            }
            // an update bumps the version; a stale version conflicts; modes are enforced — on every replica alike
            WriteOutcome updated = get(leader.write(TRADE, trade("t1", "S1", 1000), Lease.FOREVER, WriteMode.UPDATE_ONLY));
            assertThat(updated.version()).isEqualTo(2);
            assertThat(updated.created()).isFalse();
            Object[] stale = TRADE.codec().toValues(new Trade("t1", "S1", 5, new byte[0], 1));
            assertThatThrownBy(() -> get(leader.write(TRADE, stale, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE)))
                    .isInstanceOf(EntryVersionConflictException.class).hasMessageContaining("version 1");
            assertThatThrownBy(() -> get(leader.write(TRADE, trade("t2", "S2", 0), Lease.FOREVER, WriteMode.WRITE_ONLY)))
                    .isInstanceOf(EntryAlreadyExistsException.class).hasMessageContaining("t2");
            assertThatThrownBy(() -> get(leader.write(TRADE, trade("nope", "S2", 0), Lease.FOREVER, WriteMode.UPDATE_ONLY)))
                    .isInstanceOf(EntryNotFoundException.class).hasMessageContaining("nope");
            // generated ids are made by the proposer and replicated
            WriteOutcome job = get(leader.write(JOB, JOB.codec().toValues(new Job(null, "q", 3)), Lease.FOREVER, WriteMode.WRITE_ONLY));
            assertThat(job.created()).isTrue();

            List<StoredEntry> contents = g.awaitConverged(CONVERGE);
            assertThat(contents).hasSize(201);
            assertThat(contents).filteredOn(e -> e.typeName().equals(TRADE.name())).hasSize(200);
            StoredEntry t1 = leader.readById(TRADE, "t1");
            assertThat(t1.version()).isEqualTo(2);
            assertThat(t1.values()[TRADE.property("qty").position()]).isEqualTo(1000);
            assertThat(t1.values()[TRADE.versionIndex()]).isEqualTo(2L);
            assertThat(leader.count(TRADE, QuerySpec.text("symbol = ?", "S3"))).isEqualTo(29);
            assertThat(leader.read(TRADE, QuerySpec.text("qty >= ? ORDER BY qty DESC", 190), 3))
                    .extracting(e -> e.values()[0]).containsExactly("t1", "t199", "t198");

            // followers do not serve; they name the leader
            ReplicatedPartition follower = g.replicas().stream().filter(p -> !p.isLeader()).findFirst().orElseThrow();
            assertThatThrownBy(() -> follower.readById(TRADE, "t1")).isInstanceOf(NotLeaderException.class)
                    .hasMessageContaining("the leader is " + leader.config().raftId());
            assertThatThrownBy(() -> get(follower.write(TRADE, trade("x", "S", 1), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE)))
                    .isInstanceOf(NotLeaderException.class);
        }
    }

    @Test
    @Timeout(30)
    void concurrentTakesRemoveEachEntryOnAllReplicasExactlyOnce() throws Exception {
        try (TestGroup g = TestGroup.startThree("takes")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            int n = 120;
            List<CompletableFuture<WriteOutcome>> writes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                writes.add(leader.write(TRADE, trade("t" + i, "S" + (i % 3), i), Lease.FOREVER, WriteMode.WRITE_ONLY));
            }
            for (CompletableFuture<WriteOutcome> w : writes) {
                get(w);
            }
            // 6 takers race: by query (one or several at a time) and by id; every entry goes to exactly one
            java.util.Map<Object, Integer> takenBy = new java.util.concurrent.ConcurrentHashMap<>();
            List<Thread> takers = new ArrayList<>();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            for (int t = 0; t < 6; t++) {
                int taker = t;
                Thread th = new Thread(() -> {
                    try {
                        java.util.Random rnd = new java.util.Random(taker);
                        while (true) {
                            List<StoredEntry> got;
                            if (taker % 3 == 0) {
                                StoredEntry e = get(leader.takeById(TRADE, "t" + rnd.nextInt(n)));
                                got = e == null ? List.of() : List.of(e);
                                if (got.isEmpty() && leader.count(TRADE, QuerySpec.all()) == 0) {
                                    return;
                                }
                            } else {
                                got = get(leader.take(TRADE, QuerySpec.text("qty >= ?", 0), 1 + taker % 2 * 4));
                                if (got.isEmpty()) {
                                    return;
                                }
                            }
                            for (StoredEntry e : got) {
                                Integer before = takenBy.putIfAbsent(e.values()[0], taker);
                                if (before != null) {
                                    throw new AssertionError(e + " taken by " + before + " and " + taker);
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                takers.add(th);
                th.start();
            }
            for (Thread th : takers) {
                th.join(20_000);
            }
            assertThat(failure.get()).isNull();
            assertThat(takenBy).hasSize(n);
            assertThat(g.awaitConverged(CONVERGE)).isEmpty();
            assertThat(get(leader.takeById(TRADE, "t1"))).isNull();
        }
    }

    @Test
    @Timeout(30)
    void changeClearAndOrderedTakeAreReplicated() throws Exception {
        try (TestGroup g = TestGroup.startThree("change")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            for (int i = 0; i < 20; i++) {
                get(leader.write(TRADE, trade("t" + i, i % 2 == 0 ? "EVEN" : "ODD", i), Lease.FOREVER, WriteMode.WRITE_ONLY));
            }
            assertThat(get(leader.change(TRADE, QuerySpec.text("symbol = ?", "EVEN"), io.khora.ChangeSet.create().increment("qty", 100))))
                    .isEqualTo(10);
            assertThat(leader.readById(TRADE, "t4").values()[TRADE.property("qty").position()]).isEqualTo(104);
            assertThat(leader.readById(TRADE, "t4").version()).isEqualTo(2);
            // ordered take: highest qty first, the same entries on every replica
            List<StoredEntry> top = get(leader.take(TRADE, QuerySpec.text("qty >= ? ORDER BY qty DESC", 0), 3));
            assertThat(top).extracting(e -> e.values()[0]).containsExactly("t18", "t16", "t14");
            // a template take
            Object[] template = TRADE.codec().toValues(new Trade(null, "ODD", 0, null, 0));
            assertThat(get(leader.take(TRADE, QuerySpec.template(template), 2))).extracting(e -> e.values()[0])
                    .containsExactly("t1", "t11"); // unordered takes go by id
            assertThat(get(leader.clear(TRADE, QuerySpec.text("symbol = ?", "ODD")))).isEqualTo(8);
            assertThatThrownBy(() -> get(leader.take(TRADE, QuerySpec.text("nosuch = ?", 1), 1)))
                    .isInstanceOf(io.khora.QueryException.class).hasMessageContaining("nosuch");
            List<StoredEntry> left = g.awaitConverged(CONVERGE);
            assertThat(left).extracting(e -> e.values()[0]).containsExactlyInAnyOrder("t0", "t10", "t12", "t2", "t4", "t6", "t8");
        }
    }
}

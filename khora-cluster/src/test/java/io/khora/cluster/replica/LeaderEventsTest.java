package io.khora.cluster.replica;

import io.khora.ChangeSet;
import io.khora.Lease;
import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.Subscription;
import io.khora.WriteMode;
import io.khora.NotLeaderException;
import io.khora.cluster.raft.Command.QuerySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static io.khora.cluster.replica.ReplicationTest.TRADE;
import static io.khora.cluster.replica.ReplicationTest.get;
import static io.khora.cluster.replica.ReplicationTest.trade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Event subscriptions at the leader (three replicas in this JVM). */
class LeaderEventsTest {
    static final Duration ELECTION = Duration.ofSeconds(10);
    static final QuerySpec EV = QuerySpec.text("symbol = ?", "EV");

    static String describe(ReplicatedEvent e) {
        return e.type() + " " + e.entry().values()[0] + " v" + e.entry().version();
    }

    @Test
    @Timeout(40)
    void theLeaderFiresWhatItAppliesInApplyOrderOffTheRaftThread() throws Exception {
        try (TestGroup g = TestGroup.startThree("events")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            List<ReplicatedEvent> all = new CopyOnWriteArrayList<>();
            List<ReplicatedEvent> takes = new CopyOnWriteArrayList<>();
            Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Subscription s = leader.subscribe(TRADE, EV, EnumSet.allOf(SpaceEventType.class), e -> {
                threads.add(Thread.currentThread().getName());
                all.add(e);
            });
            Subscription onlyTakes = leader.subscribe(TRADE, EV, EnumSet.of(SpaceEventType.TAKE), takes::add);
            ReplicatedPartition follower = g.replicas().stream().filter(p -> p != leader).findFirst().orElseThrow();
            assertThatThrownBy(() -> follower.subscribe(TRADE, EV, EnumSet.allOf(SpaceEventType.class), e -> { }))
                    .isInstanceOf(NotLeaderException.class);

            get(leader.write(TRADE, trade("a", "EV", 1), Lease.FOREVER, WriteMode.WRITE_ONLY));
            get(leader.write(TRADE, trade("other", "NOPE", 1), Lease.FOREVER, WriteMode.WRITE_ONLY));
            get(leader.write(TRADE, trade("a", "EV", 2), Lease.FOREVER, WriteMode.UPDATE_ONLY));
            get(leader.change(TRADE, QuerySpec.all(), ChangeSet.create().increment("qty", 1)));
            get(leader.write(TRADE, trade("short", "EV", 3), Lease.ofMillis(200), WriteMode.WRITE_ONLY));
            get(leader.takeById(TRADE, "a"));
            TestGroup.await(Duration.ofSeconds(10), () -> all.size() == 6, () -> "6 events: " + all);
            assertThat(all).extracting(LeaderEventsTest::describe)
                    .containsExactly("WRITE a v1", "UPDATE a v2", "UPDATE a v3", "WRITE short v1", "TAKE a v3", "EXPIRE short v1");
            assertThat(all.get(2).entry().values()[TRADE.property("qty").position()]).isEqualTo(3);
            assertThat(takes).extracting(LeaderEventsTest::describe).containsExactly("TAKE a v3");
            assertThat(threads).allMatch(n -> n.contains("-events-"));

            s.close();
            assertThat(s.isActive()).isFalse();
            get(leader.write(TRADE, trade("b", "EV", 1), Lease.FOREVER, WriteMode.WRITE_ONLY));
            get(leader.takeById(TRADE, "b"));
            TestGroup.await(Duration.ofSeconds(5), () -> takes.size() == 2, () -> "the take of b");
            assertThat(all).hasSize(6);
            onlyTakes.close();
        }
    }

    @Test
    @Timeout(60)
    void losingTheLeadershipTerminatesTheSubscriptionWithNotLeader() throws Exception {
        try (TestGroup g = TestGroup.startThree("events-leader-loss")) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            List<ReplicatedEvent> seen = new CopyOnWriteArrayList<>();
            AtomicReference<SpaceException> terminated = new AtomicReference<>();
            CountDownLatch ended = new CountDownLatch(1);
            Subscription s = leader.subscribe(TRADE, EV, EnumSet.allOf(SpaceEventType.class), seen::add, reason -> {
                terminated.set(reason);
                ended.countDown();
            });
            get(leader.write(TRADE, trade("a", "EV", 1), Lease.FOREVER, WriteMode.WRITE_ONLY));
            TestGroup.await(Duration.ofSeconds(5), () -> seen.size() == 1, () -> "the write");

            String cut = leader.config().raftId();
            g.isolate(cut);
            Set<String> majority = new HashSet<>(g.running.keySet());
            majority.remove(cut);
            ReplicatedPartition next = g.awaitLeader(ELECTION, majority);
            assertThat(ended.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(terminated.get()).isInstanceOf(NotLeaderException.class);
            assertThat(s.isActive()).isFalse();

            // the client re-subscribes at the new leader (and re-reads: what happened in between is not replayed)
            List<ReplicatedEvent> again = new CopyOnWriteArrayList<>();
            next.subscribe(TRADE, EV, EnumSet.allOf(SpaceEventType.class), again::add);
            get(next.write(TRADE, trade("b", "EV", 1), Lease.FOREVER, WriteMode.WRITE_ONLY));
            TestGroup.await(Duration.ofSeconds(5), () -> again.size() == 1, () -> "the write at the new leader");
            assertThat(again).extracting(LeaderEventsTest::describe).containsExactly("WRITE b v1");
            assertThat(seen).hasSize(1);
            g.heal(cut);
        }
    }

    @Test
    @Timeout(40)
    void aListenerThatFallsTooFarBehindIsTerminatedAndWritersNeverBlock() throws Exception {
        try (TestGroup g = TestGroup.start("events-overflow", List.of("A", "B", "C"), b -> b,
                PartitionOptions.DEFAULTS.withEventQueueCapacity(10))) {
            ReplicatedPartition leader = g.awaitLeader(ELECTION);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<SpaceException> terminated = new AtomicReference<>();
            leader.subscribe(TRADE, EV, EnumSet.allOf(SpaceEventType.class), e -> {
                try {
                    release.await();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }, terminated::set);
            for (int i = 0; i < 50; i++) {
                get(leader.write(TRADE, trade("k" + i, "EV", i), Lease.FOREVER, WriteMode.WRITE_ONLY));
            }
            release.countDown();
            TestGroup.await(Duration.ofSeconds(10), () -> terminated.get() != null, () -> "termination");
            assertThat(terminated.get()).hasMessageContaining("fell 10 events behind");
            assertThat(g.awaitConverged(Duration.ofSeconds(10)).stream().map(e -> e.values()[0]).collect(Collectors.toSet())).hasSize(50);
        }
    }
}

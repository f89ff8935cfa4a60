package io.khora.cluster.server;

import io.khora.ChangeSet;
import io.khora.EntryAlreadyExistsException;
import io.khora.Lease;
import io.khora.Period;
import io.khora.Query;
import io.khora.QueryException;
import io.khora.Space;
import io.khora.SpaceState;
import io.khora.Spaces;
import io.khora.WriteMode;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceIndex;
import io.khora.annotation.SpaceRouting;
import io.khora.annotation.SpaceIndexType;
import io.khora.keyed.Accessor;
import io.khora.keyed.Item;
import io.khora.keyed.Key;
import io.khora.keyed.KeyItem;
import io.khora.keyed.KeyedSpace;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Space API through Spaces.connect against three nodes in this JVM (4 partitions × 3 replicas). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteSpaceTest {
    /** An order routed by its account. */
    public record Order(@SpaceId String id, @SpaceRouting @SpaceIndex int account, @SpaceIndex(type = SpaceIndexType.ORDERED) int amount,
                        String status) {
    }

    static LocalCluster cluster;
    static Space space;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.configure("remote-space", 3, List.of(new ClusterSpec.SpaceSpec("orders", 4, 3, 2),
                new ClusterSpec.SpaceSpec("items", 2, 3, 2))).startAll(Duration.ofSeconds(60));
        space = Spaces.connect(cluster.uri("orders"));
        for (int p = 0; p < 4; p++) {
            leadersAtStart.add(cluster.leaderOf("orders", p));
        }
    }

    static final List<String> leadersAtStart = new java.util.ArrayList<>();

    @AfterAll
    static void stop() {
        if (space != null) {
            space.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void empty() {
        space.clear(Query.all(Order.class));
    }

    @Test
    void writeThenReadAndTakeByIdAndQuery() {
        for (int i = 0; i < 40; i++) {
            space.write(new Order("o" + i, i % 7, i * 10, i % 2 == 0 ? "NEW" : "PAID"));
        }
        assertThat(space.count(Query.all(Order.class))).isEqualTo(40);
        assertThat(space.readById(Order.class, "o3", 3)).isEqualTo(new Order("o3", 3, 30, "PAID"));
        assertThat(space.readById(Order.class, "o3")).isEqualTo(new Order("o3", 3, 30, "PAID")); // no routing: every partition asked
        assertThat(space.count(Query.of(Order.class, "account = ?", 2))).isEqualTo(6);
        assertThat(space.readMultiple(Query.of(Order.class, "amount >= ? ORDER BY amount DESC", 300), 3))
                .extracting(Order::amount).containsExactly(390, 380, 370);
        assertThat(space.takeById(Order.class, "o5", 5)).isEqualTo(new Order("o5", 5, 50, "PAID"));
        assertThat(space.takeById(Order.class, "o5", 5)).isNull();
        assertThat(space.takeMultiple(Query.of(Order.class, "status = 'NEW' ORDER BY amount"), 2)).extracting(Order::id)
                .containsExactly("o0", "o2");
        assertThat(space.count(Query.all(Order.class))).isEqualTo(37);
        assertThat(space.change(Query.of(Order.class, "account = ?", 1), ChangeSet.create().set("status", "SHIPPED"))).isEqualTo(6);
        assertThat(space.count(Query.of(Order.class, "status = 'SHIPPED'"))).isEqualTo(6);
        assertThat(space.clear(Query.of(Order.class, "status = 'SHIPPED'"))).isEqualTo(6);
        assertThat(space.count(Query.all(Order.class))).isEqualTo(31);
    }

    @Test
    void writeOnlyOfAnExistingIdFailsWithTheCoreException() {
        space.write(new Order("dup", 1, 1, "NEW"));
        assertThatThrownBy(() -> space.write(new Order("dup", 1, 2, "NEW"), Lease.FOREVER, WriteMode.WRITE_ONLY))
                .isInstanceOf(EntryAlreadyExistsException.class);
        assertThat(space.readById(Order.class, "dup", 1).amount()).isEqualTo(1);
    }

    @Test
    void aBadQueryFailsOnTheClientWithTheCaret() {
        assertThatThrownBy(() -> space.count(Query.of(Order.class, "amount >> 3")))
                .isInstanceOf(QueryException.class).hasMessageContaining("^");
    }

    @Test
    void takeWaitsAtTheLeaderUntilAMatchingWrite() throws Exception {
        CompletableFuture<Order> waiting = space.async().take(Query.of(Order.class, "account = ?", 9), Period.of(Duration.ofSeconds(20)));
        Thread.sleep(200);
        assertThat(waiting).isNotDone();
        space.write(new Order("late", 9, 1, "NEW"));
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(new Order("late", 9, 1, "NEW"));
        assertThat(space.count(Query.all(Order.class))).isZero();
    }

    @Test
    void takeWithoutRoutingWaitsOnEveryPartitionAndTakesOnce() throws Exception {
        CompletableFuture<Order> waiting = space.async().take(Query.of(Order.class, "status = ?", "URGENT"), Period.of(Duration.ofSeconds(20)));
        Thread.sleep(200);
        space.write(new Order("u1", 13, 1, "URGENT"));
        assertThat(waiting.get(10, TimeUnit.SECONDS).id()).isEqualTo("u1");
        assertThat(space.count(Query.all(Order.class))).isZero();
    }

    @Test
    void aTimedTakeWithNoMatchAnswersNullAfterThePeriod() {
        long t0 = System.nanoTime();
        assertThat(space.take(Query.of(Order.class, "account = ?", 11), Period.of(Duration.ofMillis(300)))).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    }

    @Test
    void theKeyedProtocolWorksOnADistributedSpace() throws Exception {
        try (Accessor accessor = Accessor.create(cluster.nodes() + "?timeout=20s" + cluster.security("admin"))) {
            KeyedSpace items = accessor.distributedSpaceFor("items");
            CompletableFuture<Optional<KeyItem<String>>> waiting = items.take(Key.of("k1"), Period.of(Duration.ofSeconds(20)));
            items.put(Key.of("k1"), Item.of("v1", Lease.FOREVER)).get(10, TimeUnit.SECONDS);
            assertThat(waiting.get(10, TimeUnit.SECONDS)).map(KeyItem::value).contains("v1");
            assertThat(items.<String>get(Key.of("k1"), Period.NONE).get(10, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void subscribersGetTheEventsOfMatchingEntriesFromEveryPartition() throws Exception {
        java.util.concurrent.BlockingQueue<io.khora.SpaceEvent<Order>> got = new java.util.concurrent.LinkedBlockingQueue<>();
        try (io.khora.Subscription sub = space.subscribe(Query.of(Order.class, "status = 'EVT'"),
                java.util.EnumSet.of(io.khora.SpaceEventType.WRITE, io.khora.SpaceEventType.TAKE), got::add)) {
            for (int i = 0; i < 8; i++) {
                space.write(new Order("e" + i, i, i, "EVT"));
            }
            space.write(new Order("other", 1, 1, "NEW"));
            space.takeById(Order.class, "e3", 3);
            List<String> seen = new java.util.ArrayList<>();
            for (int i = 0; i < 9; i++) {
                io.khora.SpaceEvent<Order> e = got.poll(10, TimeUnit.SECONDS);
                assertThat(e).as("event %d of 9", i).isNotNull();
                seen.add(e.type() + ":" + e.id());
            }
            assertThat(seen).contains("WRITE:e0", "WRITE:e7", "TAKE:e3").doesNotContain("WRITE:other");
            assertThat(sub.isActive()).isTrue();
        }
    }

    @Test
    void aLeasedSubscriptionIsEndedByTheClientAtExpiryAndItsListenerIsTold() throws Exception {
        CompletableFuture<io.khora.SpaceException> terminated = new CompletableFuture<>();
        io.khora.SpaceListener<Order> listener = new io.khora.SpaceListener<>() {
            @Override
            public void onEvent(io.khora.SpaceEvent<Order> event) {
            }

            @Override
            public void onTerminated(io.khora.SpaceException reason) {
                terminated.complete(reason);
            }
        };
        io.khora.EventRegistration r = space.subscribe(Query.all(Order.class), java.util.EnumSet.of(io.khora.SpaceEventType.WRITE),
                listener, Lease.ofMillis(300));
        assertThat(r.expiresAt()).isNotEqualTo(Long.MAX_VALUE);
        assertThat(terminated.get(20, TimeUnit.SECONDS)).hasMessageContaining("lease expired");
        assertThat(r.isActive()).isFalse();
        assertThatThrownBy(() -> r.renew(Lease.FOREVER)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSubscriptionUnderAClusterTransactionIsRefusedNotSilentlyMadeOutsideIt() {
        try (io.khora.Transaction tx = space.beginTransaction()) {
            assertThatThrownBy(() -> tx.space().subscribe(Query.all(Order.class), java.util.EnumSet.of(io.khora.SpaceEventType.WRITE),
                    e -> { }, Lease.FOREVER)).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("transaction");
        }
    }

    @Test
    void waitForReadyWithoutATimeoutReturnsOnAReadyClusterSpace() {
        space.waitForReady();
        assertThat(space.isReady()).isTrue();
    }

    @Test
    void leadersAreSpreadOverTheNodesWhenTheyStartTogether() {
        // placement prefers n1, n2, n3, n1 for partitions 0..3
        assertThat(new java.util.HashSet<>(leadersAtStart)).as("leaders of the 4 partitions: %s", leadersAtStart).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void theSpaceIsReadyAndReportsItsPartitions() {
        assertThat(space.waitForReady(Duration.ofSeconds(10))).isTrue();
        assertThat(space.state()).isEqualTo(SpaceState.READY);
        assertThat(space.clusterInfo().numberOfInstances()).isEqualTo(4);
    }

    @Test
    void writesGoOnAfterTheLeaderOfAPartitionStops() throws Exception {
        for (int i = 0; i < 20; i++) {
            space.write(new Order("f" + i, i, i, "NEW"));
        }
        String leader = cluster.leaderOf("orders", 0);
        assertThat(leader).isNotNull();
        cluster.stop(leader);
        try {
            for (int i = 20; i < 40; i++) {
                space.write(new Order("f" + i, i, i, "NEW"));
            }
            assertThat(space.count(Query.all(Order.class))).isEqualTo(40);
            List<Order> p0 = space.readMultiple(Query.of(Order.class, "account = ?", 4), 10);
            assertThat(p0).extracting(Order::id).containsExactly("f4");
        } finally {
            cluster.start(leader);
            cluster.awaitReady(Duration.ofSeconds(60));
        }
    }
}

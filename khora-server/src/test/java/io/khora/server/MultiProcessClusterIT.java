package io.khora.server;

import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.cluster.client.StatusClient;
import io.khora.cluster.protocol.Response;
import io.khora.persistence.Partitioning;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster issue's multi-process tests: three server nodes as separate JVMs on 127.0.0.1, a
 * space of 4 partitions × 3 replicas, eight client threads writing, reading and taking, and nodes
 * killed (SIGKILL), restarted, and cut off (SIGSTOP / SIGCONT) under that load. Each test ends with
 * the {@link History} checker: every acknowledged write present exactly once (in the space or
 * taken), nothing taken twice, nothing that was never written.
 *
 * <p>Bounded: each test runs its load for about 20 s, a fixed number of threads, fixed moments for
 * the faults and seeded randomness; each has a time-out.
 */
class MultiProcessClusterIT {
    static final String SPACE = "orders";
    static final String CLIENT_OPTIONS = "timeout=20s&attempt-timeout=2s&connect-timeout=1s";
    static final int WRITERS = 5;
    static final int TAKERS = 3;
    static final long PAUSE_MICROS = 2_000;
    static final Duration START = Duration.ofSeconds(120); // JVM start-up alone took 23 s at load average 20
    static final Duration RECOVER = Duration.ofSeconds(45);

    static ProcessCluster cluster(TestInfo info) throws Exception {
        String name = info.getTestMethod().orElseThrow().getName();
        ProcessCluster c = ProcessCluster.configure(name, 3, SPACE, 4, 3, 2);
        long t0 = System.nanoTime();
        c.startAll();
        c.awaitReady(START);
        ProcessCluster.trace("cluster " + name + " READY in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms; leaders "
                + c.leaders());
        return c;
    }

    /** Every entry in the space, read with a fresh client, and the history checked against it. */
    static void check(ProcessCluster c, History h) {
        List<Item> remaining;
        try (Space reader = Spaces.connect(c.uri(CLIENT_OPTIONS))) {
            remaining = reader.readMultiple(Query.all(Item.class), Integer.MAX_VALUE);
            assertThat(reader.count(Query.all(Item.class))).as("count of the space").isEqualTo(remaining.size());
        }
        ProcessCluster.trace(h.summary() + "; " + remaining.size() + " entries remain");
        assertThat(c.leaderEntries(c.status())).as("entries the partitions' leaders report").isEqualTo(remaining.size());
        List<String> violations = h.check(remaining).all();
        assertThat(violations).as("violations of the history").isEmpty();
    }

    static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    static <T> T withTails(ProcessCluster c, ThrowingSupplier<T> body) throws Exception {
        try {
            T result = body.get();
            c.passed();
            return result;
        } catch (Throwable t) {
            System.out.println("FAILED: " + t + "\n" + c.statusReport() + "\n" + c.tails());
            throw t;
        }
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    // ============================================================================ 1. SIGKILL of a leader

    /**
     * A partition's leader node is killed with SIGKILL mid-load: the clients carry on after the
     * fail-over (every writer gets writes acknowledged afterwards, takers take), and afterwards every
     * acknowledged write is present exactly once and nothing was taken twice.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void acknowledgedWritesSurviveALeaderKilledMidLoad(TestInfo info) throws Exception {
        long t0 = System.nanoTime();
        try (ProcessCluster c = cluster(info)) {
            withTails(c, () -> {
                History h = new History();
                long killedAt;
                String victim;
                try (Space space = Spaces.connect(c.uri(CLIENT_OPTIONS));
                         Load load = new Load(space, h, WRITERS, TAKERS, 1, PAUSE_MICROS)) {
                    load.start();
                    sleep(6_000);
                    victim = c.leaderOf(0);
                    assertThat(victim).as("leader of partition 0").isNotNull();
                    long before = h.acknowledgedCount();
                    killedAt = System.nanoTime();
                    c.kill(victim);
                    ProcessCluster.trace("killed the leader of partition 0, " + victim + ", after " + before + " acknowledged writes");
                    sleep(14_000);
                    load.stop(Duration.ofSeconds(30));
                }
                ProcessCluster.trace("load stopped: " + h.summary());
                Map<Integer, Long> after = h.acknowledgedAfter(killedAt + TimeUnit.SECONDS.toNanos(8));
                assertThat(after).as("writes acknowledged per writer from 8 s after the kill").hasSize(WRITERS);
                assertThat(h.takenAfter(killedAt + TimeUnit.SECONDS.toNanos(8))).as("entries taken from 8 s after the kill").isPositive();
                // the survivors agree: same log, commit index and entries on both replicas of every partition
                c.awaitConverged(RECOVER);
                assertThat(c.leaders().values()).as("leaders after the kill").doesNotContain(victim);
                check(c, h);
                return null;
            });
        }
        ProcessCluster.trace("test took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    }

    // ============================================================================ 2. restart and catch-up

    /**
     * A node killed mid-load misses thousands of log entries; started again on its data directory
     * while the load goes on, it rejoins (every replica READY, every partition's leader known to it);
     * it catches up and the cluster returns to READY: every partition has a leader, every follower's
     * log matches the leader's (lag 0), and every replica has the same commit index and the same
     * number of entries ({@code khora status}). Then another node is killed, so the restarted one is
     * in every majority, and the checker reads everything.
     *
     * <p>The catch-up is checked once the load has stopped: jgroups-raft 1.1.4 resends a lagging
     * follower's missing entries only when its leader's request queue has been idle for the resend
     * interval, so under a steady load a follower that is behind stays behind (measured: no progress
     * in 20 s of load, caught up within a second of the load stopping).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aKilledNodeRestartedRejoinsCatchesUpAndTheClusterIsReadyAgain(TestInfo info) throws Exception {
        long t0 = System.nanoTime();
        try (ProcessCluster c = cluster(info)) {
            withTails(c, () -> {
                History h = new History();
                String victim;
                long restartedAt;
                try (Space space = Spaces.connect(c.uri(CLIENT_OPTIONS));
                         Load load = new Load(space, h, WRITERS, TAKERS, 2, PAUSE_MICROS)) {
                    load.start();
                    sleep(4_000);
                    victim = c.leaderOf(1);
                    assertThat(victim).as("leader of partition 1").isNotNull();
                    c.kill(victim);
                    long acksAtKill = h.acknowledgedCount();
                    sleep(6_000);
                    ProcessCluster.trace(victim + " missed " + (h.acknowledgedCount() - acksAtKill) + " acknowledged writes; restarting it");
                    restartedAt = System.nanoTime();
                    c.start(victim);
                    c.awaitReady(RECOVER);
                    ProcessCluster.trace(victim + " rejoined under load " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt)
                            + " ms after its restart");
                    sleep(Math.max(0, 8_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt)));
                    load.stop(Duration.ofSeconds(30));
                }
                ProcessCluster.trace("load stopped: " + h.summary());
                c.awaitConverged(RECOVER);
                ProcessCluster.trace(victim + " caught up " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt)
                        + " ms after its restart");
                String report = c.statusReport();
                ProcessCluster.trace(report);
                assertThat(report).startsWith("khora status exit 0").doesNotContain("DOWN", "RECOVER", "INITIAL", "no leader");
                List<StatusClient.Answer> answers = c.status();
                assertThat(answers).allSatisfy(a -> assertThat(a.status()).as("status of " + a.address()).isNotNull());

                String other = c.nodes.stream().map(ProcessCluster.Node::id).filter(id -> !id.equals(victim)).findFirst().orElseThrow();
                c.kill(other);
                c.awaitReady(RECOVER);
                ProcessCluster.trace("with " + other + " killed too, leaders " + c.leaders());
                check(c, h);
                return null;
            });
        }
        ProcessCluster.trace("test took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    }

    // ============================================================================ 3. network partition (SIGSTOP)

    /**
     * A node cut off mid-load — frozen with SIGSTOP, so its peers and clients get no answer while
     * its sockets stay open, the way a network partition looks to them. (a) The leader node is cut
     * off: the majority elects new leaders and the writes go on there; a client pinned to the cut-off
     * node gets nothing acknowledged, and a new client that knows only that node cannot connect.
     * After SIGCONT the node steps down and acknowledges nothing on its own (the pinned writes it
     * received while frozen are not acknowledged unless the majority committed them); it catches up
     * (checked once the load has stopped, see the restart test).
     * (b) The other two nodes are frozen, leaving that node as a live minority: it refuses every
     * write (no acknowledgement; OUTCOME_UNKNOWN, NO_LEADER or NOT_LEADER answers). After the heal
     * nothing acknowledged is lost and nothing is duplicated.
     */
    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aCutOffNodeAcknowledgesNothingAndNothingAcknowledgedIsLostWhenItHeals(TestInfo info) throws Exception {
        long t0 = System.nanoTime();
        try (ProcessCluster c = cluster(info)) {
            withTails(c, () -> {
                History h = new History();
                try (Space space = Spaces.connect(c.uri(CLIENT_OPTIONS));
                     Space impatient = Spaces.connect(c.uri("timeout=3s&attempt-timeout=1s&connect-timeout=500ms"));
                     Load load = new Load(space, h, WRITERS, TAKERS, 3, PAUSE_MICROS)) {
                    load.start();
                    sleep(5_000);

                    // (a) the leader of partition 0 is cut off
                    String cut = c.leaderOf(0);
                    assertThat(cut).as("leader of partition 0").isNotNull();
                    Map<Integer, Long> termsBeforeTheCut = c.leaderTerms();
                    List<Integer> led = new ArrayList<>();
                    c.leaders().forEach((p, n) -> {
                        if (n.equals(cut)) {
                            led.add(p);
                        }
                    });
                    List<CompletableFuture<Response>> frozenWrites = new ArrayList<>();
                    List<Item> frozenItems = new ArrayList<>();
                    try (PinnedClient pinned = new PinnedClient(c.node(cut).client(), SPACE, c.securityDir().orElse(null))) {
                        c.pause(cut);
                        long pausedAt = System.nanoTime();
                        for (int i = 0; i < led.size(); i++) {
                            Item item = new Item(Item.idOf(90, i), led.get(i), 90, i); // routing value p lands in partition p
                            assertThat(Partitioning.partitionOf(item.routing(), 4)).isEqualTo(led.get(i));
                            h.attempt(item);
                            frozenItems.add(item);
                            frozenWrites.add(pinned.write(item, led.get(i)));
                        }
                        for (CompletableFuture<Response> f : frozenWrites) {
                            assertThat(PinnedClient.outcome(f, 2_000)).as("a write pinned to the frozen node").startsWith("no answer");
                        }
                        assertThatThrownBy(() -> Spaces.connect(c.uri("timeout=2s&attempt-timeout=1s&connect-timeout=500ms", cut)).close())
                                .as("a new client that knows only the frozen node").isInstanceOf(RuntimeException.class);
                        long acksBefore = h.acknowledgedCount();
                        sleep(Math.max(0, 7_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt)));
                        long duringPause = h.acknowledgedCount() - acksBefore;
                        ProcessCluster.trace(duringPause + " writes acknowledged by the majority while " + cut + " was frozen; leaders "
                                + c.leaders());
                        assertThat(duringPause).as("writes acknowledged while " + cut + " was cut off").isPositive();
                        assertThat(c.leaders().values()).as("leaders while " + cut + " is cut off").doesNotContain(cut);

                        c.resume(cut);
                        // what the resumed node answers to the writes it received while frozen: never OK unless committed
                        for (int i = 0; i < frozenWrites.size(); i++) {
                            String outcome = PinnedClient.outcome(frozenWrites.get(i), 8_000);
                            ProcessCluster.trace("pinned write " + frozenItems.get(i).id() + " to " + cut + " after SIGCONT: " + outcome);
                            if (outcome.equals("OK")) {
                                h.acknowledged(frozenItems.get(i));
                            } else {
                                h.maybe(frozenItems.get(i), new RuntimeException(outcome));
                            }
                        }
                    }
                    // it steps down: every replica, its own included, names the same leader, and that is not it
                    c.awaitReady(RECOVER);
                    // it led no partition on since the cut: where it leads again (the balancer hands its preferred partitions
                    // back to it), it does so in a later term, after an election or a transfer
                    Map<Integer, String> leadersAfter = c.leaders();
                    Map<Integer, Long> termsAfter = c.leaderTerms();
                    for (int p : led) {
                        if (cut.equals(leadersAfter.get(p))) {
                            assertThat(termsAfter.get(p)).as("term of partition " + p + ", led by " + cut + " again after it resumed")
                                    .isGreaterThan(termsBeforeTheCut.get(p));
                        }
                    }
                    ProcessCluster.trace(cut + " rejoined as a follower; leaders " + c.leaders());

                    // (b) the other two nodes are frozen: the cut-off node is a live minority
                    List<String> others = c.nodes.stream().map(ProcessCluster.Node::id).filter(id -> !id.equals(cut)).toList();
                    try (PinnedClient pinned = new PinnedClient(c.node(cut).client(), SPACE, c.securityDir().orElse(null))) {
                        for (String o : others) {
                            c.pause(o);
                        }
                        // the node notices it is alone (its failure detection removes the frozen ones from its view)
                        c.await(cut + " alone in its view", Duration.ofSeconds(15), answers -> answers.stream()
                                .anyMatch(a -> a.status() != null && a.status().nodeId().equals(cut) && a.status().members().equals(List.of(cut))));
                        List<CompletableFuture<Void>> refused = new ArrayList<>();
                        List<CompletableFuture<Response>> minorityWrites = new ArrayList<>();
                        for (int p = 0; p < 4; p++) {
                            Item viaClient = new Item(Item.idOf(91, p), p, 91, p);
                            Item viaPinned = new Item(Item.idOf(92, p), p, 92, p);
                            h.attempt(viaClient);
                            h.attempt(viaPinned);
                            refused.add(CompletableFuture.runAsync(() -> {
                                try {
                                    impatient.write(viaClient);
                                    h.acknowledged(viaClient);
                                } catch (RuntimeException e) {
                                    h.maybe(viaClient, e);
                                }
                            }));
                            minorityWrites.add(pinned.write(viaPinned, p));
                        }
                        CompletableFuture.allOf(refused.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                        for (int p = 0; p < 4; p++) {
                            String outcome = PinnedClient.outcome(minorityWrites.get(p), 10_000);
                            ProcessCluster.trace("write pinned to the minority node " + cut + ", partition " + p + ": " + outcome);
                            assertThat(outcome).as("a write to the minority node").isNotEqualTo("OK");
                            h.maybe(new Item(Item.idOf(92, p), p, 92, p), new RuntimeException(outcome));
                        }
                        for (int p = 0; p < 4; p++) {
                            assertThat(h.writes.get(Item.idOf(91, p)).outcome()).as("a write while only the minority is up, partition " + p)
                                    .isEqualTo(History.Outcome.MAYBE);
                        }
                        for (String o : others) {
                            c.resume(o);
                        }
                    }
                    c.awaitReady(RECOVER);
                    sleep(3_000); // the load runs on after the heal
                    load.stop(Duration.ofSeconds(30));
                }
                ProcessCluster.trace("load stopped: " + h.summary());
                // the cut-off node has caught up: same log, commit index and entries as the leaders
                c.awaitConverged(RECOVER);
                check(c, h);
                return null;
            });
        }
        ProcessCluster.trace("test took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    }
}

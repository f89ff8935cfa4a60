package io.khora.cluster.server;

import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node stopped gracefully ({@link KhoraNode#close()}, what SIGTERM runs) hands the leadership of
 * its partitions off before it leaves: its led replicas leave their groups first, all at once, so
 * the groups elect new leaders by a view change, not by failure detection. Failure detection is set
 * to a minute here, so a partition led again within seconds was handed off.
 */
class GracefulStopTest {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulStopTest.class);

    /** An entry routed to a chosen partition. */
    public record Note(@SpaceId String id, @SpaceRouting int partition) {
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aStoppedLeaderHandsItsPartitionsOffWithoutWaitingForFailureDetectionAndNoWriteFails() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("graceful-stop", 3, "notes", 4, 3, 2)
                .withNodeSettings(b -> b.failureDetection(Duration.ofSeconds(60), Duration.ofSeconds(5)))
                .startAll(Duration.ofSeconds(90));
             Space space = Spaces.connect(cluster.uri("notes").replace("timeout=20s", "timeout=60s"))) {
            String victim = cluster.leaderOf("notes", 0);
            assertThat(victim).isNotNull();
            List<Integer> led = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                if (victim.equals(cluster.leaderOf("notes", p))) {
                    led.add(p);
                }
            }
            Set<String> written = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong longestGapMillis = new AtomicLong();
            List<Thread> writers = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int p : led) {
                Thread t = new Thread(() -> {
                    long last = System.nanoTime();
                    for (int i = 0; !stop.get(); i++) {
                        String id = "p" + p + "-" + i;
                        space.write(new Note(id, p)); // any failure fails the test (uncaught below)
                        written.add(id);
                        long now = System.nanoTime();
                        longestGapMillis.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(now - last), Math::max);
                        last = now;
                    }
                }, "writer-p" + p);
                t.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                t.setDaemon(true);
                writers.add(t);
            }
            writers.forEach(Thread::start);
            awaitCount(space, 50, Duration.ofSeconds(60));

            long t0 = System.nanoTime();
            cluster.stop(victim);
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            for (int p : led) {
                int partition = p;
                awaitCondition(Duration.ofSeconds(15), () -> {
                    String l = cluster.leaderOf("notes", partition);
                    return l != null && !l.equals(victim);
                }, "partition " + p + " led by another node");
            }
            long ledAgainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            int before = written.size();
            awaitCondition(Duration.ofSeconds(60), () -> !failures.isEmpty() || written.size() >= before + 20 * led.size(),
                    "writes after the stop");
            assertThat(failures).as("writes that failed across the hand-off").isEmpty();
            stop.set(true);
            for (Thread t : writers) {
                t.join(60_000);
                assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
            }
            LOG.info("{} stopped in {} ms; its {} partitions led again {} ms after the stop began; longest gap between a writer's writes {} ms",
                    victim, stopMillis, led.size(), ledAgainMillis, longestGapMillis.get());
            assertThat(space.count(Query.all(Note.class))).as("every acknowledged write is there").isEqualTo(written.size());
        }
    }

    private static void awaitCount(Space space, int n, Duration timeout) throws InterruptedException {
        awaitCondition(timeout, () -> space.count(Query.all(Note.class)) >= n, n + " entries");
    }

    private static void awaitCondition(Duration timeout, java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}

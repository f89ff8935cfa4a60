package io.khora.cluster.server;

import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leaders move back to their preferred nodes ({@link LeaderBalancer}) after a node returns, while
 * writes go on and none fails.
 */
class LeaderBalanceTest {
    /** An entry routed to a chosen partition. */
    public record Note(@SpaceId String id, @SpaceRouting int partition) {
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void leadersReturnToTheirPreferredNodesAfterARestartWhileWritesContinue() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("leader-balance", 3, "notes", 4, 3, 2).startAll(Duration.ofSeconds(90));
             Space space = Spaces.connect(cluster.uri("notes").replace("timeout=20s", "timeout=60s"))) {
            Placement placement = new Placement(cluster.spec);
            Map<Integer, String> preferred = new TreeMap<>();
            for (int p = 0; p < 4; p++) {
                preferred.put(p, placement.replicas("notes", p).get(0));
            }
            String restarted = preferred.get(0);
            Set<String> written = ConcurrentHashMap.newKeySet();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String id = "n" + i;
                    try {
                        space.write(new Note(id, i % 4));
                        written.add(id);
                    } catch (RuntimeException e) {
                        failures.add(e);
                        return;
                    }
                }
            }, "writer");
            writer.setDaemon(true);
            writer.start();

            cluster.stop(restarted);
            await(Duration.ofSeconds(60), () -> leaders(cluster).size() == 4 && !leaders(cluster).containsValue(restarted),
                    () -> "every partition led without " + restarted + ": " + leaders(cluster));
            cluster.start(restarted);
            cluster.awaitReady(Duration.ofSeconds(90));
            await(Duration.ofSeconds(120), () -> leaders(cluster).equals(preferred),
                    () -> "leaders back on their preferred nodes " + preferred + ", now " + leaders(cluster));

            int before = written.size();
            await(Duration.ofSeconds(60), () -> !failures.isEmpty() || written.size() >= before + 20, () -> "writes after the balancing");
            stop.set(true);
            writer.join(60_000);
            assertThat(failures).as("writes that failed while leaders moved").isEmpty();
            assertThat(space.count(Query.all(Note.class))).isEqualTo(written.size());
        }
    }

    private static Map<Integer, String> leaders(LocalCluster cluster) {
        Map<Integer, String> out = new TreeMap<>();
        for (int p = 0; p < 4; p++) {
            String l = cluster.leaderOf("notes", p);
            if (l != null) {
                out.put(p, l);
            }
        }
        return out;
    }

    private static void await(Duration timeout, java.util.function.BooleanSupplier c, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout + ": " + what.get());
            }
            Thread.sleep(50);
        }
    }
}

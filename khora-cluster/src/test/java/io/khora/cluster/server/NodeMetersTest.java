package io.khora.cluster.server;

import io.khora.annotation.SpaceId;
import io.khora.cluster.client.KhoraUri;
import io.khora.cluster.client.RemoteSpace;
import io.khora.metrics.MeterRegistrar;
import io.khora.metrics.MetricsListener;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 3-node cluster in this JVM reports what its nodes served and what its client saw to their
 * {@link MetricsListener}s, and each node's {@link KhoraNode#meters()} read its replicas' Raft state.
 */
class NodeMetersTest {
    /** An entry. */
    public record Note(@SpaceId String id, String text) {
    }

    /** Samples a source's meters by name and tags. */
    static final class Sampled implements MeterRegistrar {
        final Map<String, DoubleSupplier> meters = new ConcurrentHashMap<>();

        @Override
        public void gauge(String name, String description, Map<String, String> tags, DoubleSupplier value) {
            meters.put(name + new java.util.TreeMap<>(tags), value);
        }

        @Override
        public void counter(String name, String description, Map<String, String> tags, DoubleSupplier total) {
            gauge(name, description, tags, total);
        }

        double read(String name, Map<String, String> tags) {
            DoubleSupplier s = meters.get(name + new java.util.TreeMap<>(tags));
            assertThat(s).as(name + tags + " among " + meters.keySet()).isNotNull();
            return s.getAsDouble();
        }
    }

    private static Sampled sample(KhoraNode node) {
        Sampled m = new Sampled();
        node.meters().declareTo(m);
        return m;
    }

    private static Map<String, String> at(Map<String, String> tags, KhoraNode node) {
        Map<String, String> here = new java.util.HashMap<>(tags);
        here.put("node", node.id());
        return here;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void nodesReportServedOperationsAndRaftStateAndTheClientReportsOutcomes() throws Exception {
        List<String> served = new CopyOnWriteArrayList<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        MetricsListener nodes = new MetricsListener() {
            @Override
            public void operation(String space, String operation, String outcome, long nanos) {
                served.add(space + " " + operation + " " + outcome);
            }
        };
        MetricsListener client = new MetricsListener() {
            @Override
            public void clientOutcome(String space, String outcome) {
                seen.add(space + " " + outcome);
            }
        };
        try (LocalCluster cluster = LocalCluster.configure("node-meters", 3, "notes", 2, 3, 2)
                .withNodeSettings(b -> b.metrics(nodes)).startAll(Duration.ofSeconds(90))) {
            KhoraUri uri = KhoraUri.parse(cluster.uri("notes"));
            try (RemoteSpace space = RemoteSpace.connect(new KhoraUri(uri.seeds(), uri.space(), uri.options().withMetrics(client)))) {
                space.write(new Note("a", "one"));
                assertThat(space.readById(Note.class, "a")).isEqualTo(new Note("a", "one"));
            }
            assertThat(served).contains("notes write ok", "notes readById ok");
            assertThat(seen).contains("notes ok");

            for (int p = 0; p < 2; p++) {
                Map<String, String> tags = Map.of("space", "notes", "partition", Integer.toString(p));
                for (KhoraNode node : cluster.running.values()) {
                    Sampled m = sample(node);
                    assertThat(m.read("khora.raft.term", at(tags, node))).isGreaterThanOrEqualTo(1);
                    // a follower learns the commit index with the leader's next append: polled
                    LocalCluster.await(Duration.ofSeconds(60), () -> m.read("khora.raft.commit.index", at(tags, node)) >= 1,
                            () -> "commit index of " + tags + " at " + node.id());
                    assertThat(m.read("khora.leases.expired", at(tags, node))).isZero();
                    assertThat(m.read("khora.node.members", Map.of("node", node.id()))).isEqualTo(3);
                }
                // one replica leads (polled: a busy machine may be between two leaders)
                LocalCluster.await(Duration.ofSeconds(60), () -> cluster.running.values().stream()
                        .mapToDouble(n -> sample(n).read("khora.raft.leader", at(tags, n))).sum() == 1, () -> "one leader of " + tags);
            }
        }
    }
}

package io.khora.server;

import io.khora.Space;
import io.khora.Spaces;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three node processes and a mirror process started with {@code --metrics-port}, scraped over HTTP
 * as Prometheus would: the nodes expose the operations they served and their replicas' Raft state,
 * waiters, write-behind backlog, expiries and evictions; the mirror its lag and dead letters.
 */
class MetricsEndpointIT {
    static final String SPACE = "watched";
    static final Duration START = Duration.ofSeconds(120);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void nodesAndTheMirrorExposeTheirMetersOnMetrics() throws Exception {
        try (ProcessCluster c = ProcessCluster.configure("metrics", 3, SPACE, 2, 3, 2, true)) {
            try {
                for (ProcessCluster.Node n : c.nodes) {
                    // a free port of the node's block (its client and raft ports use the block's first 8)
                    c.withNodeFlags(n.id(), List.of("--metrics-port", Integer.toString(metricsPort(n)), "--metrics-jmx", "true"));
                }
                c.startAll();
                c.awaitReady(START);
                try (Space space = Spaces.connect(c.uri("timeout=20s&attempt-timeout=2s&connect-timeout=1s"))) {
                    for (int i = 0; i < 20; i++) {
                        space.write(Item.sized(1, i, i, 16));
                    }
                    assertThat(space.readById(Item.class, Item.idOf(1, 3))).isEqualTo(Item.sized(1, 3, 3, 16));
                }
                List<String> scrapes = new ArrayList<>();
                for (ProcessCluster.Node n : c.nodes) {
                    String body = scrape(metricsPort(n));
                    scrapes.add(body);
                    for (String meter : List.of("khora_raft_term", "khora_raft_commit_index", "khora_raft_leader", "khora_replica_lag",
                            "khora_partition_state", "khora_waiters", "khora_outbox_backlog", "khora_leases_expired_total",
                            "khora_lru_evicted_total")) {
                        for (int p = 0; p < 2; p++) {
                            assertThat(body).as(n.id() + " " + meter + " partition " + p)
                                    .containsPattern(meter + "\\{[^}]*node=\"" + n.id() + "\"[^}]*partition=\"" + p + "\"[^}]*space=\"" + SPACE + "\"");
                        }
                    }
                    assertThat(body).contains("khora_node_members{node=\"" + n.id() + "\"} 3.0");
                    assertThat(body).contains("jvm_memory_used_bytes");
                    assertThat(value(body, "khora_raft_term", n.id(), 0)).isGreaterThanOrEqualTo(1);
                }
                // the writes were served by the partitions' leaders, and timed there
                double writes = 0;
                for (String body : scrapes) {
                    writes += sum(body, "khora_operation_seconds_count\\{[^}]*operation=\"write\",outcome=\"ok\"[^}]*space=\"" + SPACE + "\"\\}");
                }
                assertThat(writes).isGreaterThanOrEqualTo(20); // a write resent after a lost answer is answered twice

                int mirrorPort = c.nodes.get(0).clientPort() + 13;
                List<String> args = new ArrayList<>(List.of("--connect", c.uri("timeout=20s&attempt-timeout=2s&connect-timeout=1s"),
                        "--data", c.root.resolve("mirror-data").toString(), "--endpoint-class", AcceptingEndpoint.class.getName(),
                        "--progress-interval", "1s", "--metrics-port", Integer.toString(mirrorPort)));
                args.addAll(c.clientFlags());
                c.startMirror("mirror", args);
                // the mirror delivers the 20 writes: its lag falls to 0 on both partitions, and it says how much it delivered
                long deadline = System.nanoTime() + START.toNanos();
                String mirror = "";
                while (System.nanoTime() < deadline) {
                    mirror = scrapeOrEmpty(mirrorPort);
                    if (mirror.contains("khora_mirror_delivering{space=\"" + SPACE + "\"} 1.0")
                            && sum(mirror, "khora_mirror_delivered\\{[^}]*\\}") >= 20 && sum(mirror, "khora_mirror_lag\\{[^}]*\\}") == 0) {
                        break;
                    }
                    assertThat(c.isRunning("mirror")).as("the mirror runs\n" + ProcessCluster.tail(c.log("mirror"), 40)).isTrue();
                    Thread.sleep(500);
                }
                assertThat(sum(mirror, "khora_mirror_delivered\\{[^}]*\\}")).as(mirror).isGreaterThanOrEqualTo(20);
                assertThat(sum(mirror, "khora_mirror_lag\\{[^}]*\\}")).isZero();
                assertThat(mirror).contains("khora_mirror_dead_letters_total{space=\"" + SPACE + "\"} 0.0");
                // the mirror's outbox acknowledgements reach the nodes' gauges too: nothing left in any outbox eventually
                LocalAwait.until(START, () -> c.nodes.stream().mapToDouble(n -> sum(scrapeOrEmpty(metricsPort(n)),
                        "khora_outbox_backlog\\{[^}]*\\}")).sum() == 0, "every outbox acknowledged");

                HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mirrorPort + "/metrics"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(post.statusCode()).isEqualTo(405);
                c.passed();
            } catch (Throwable t) {
                System.out.println("FAILED: " + t + "\n" + c.statusReport() + "\n" + c.tails());
                throw t;
            }
        }
    }

    static int metricsPort(ProcessCluster.Node n) {
        return n.clientPort() + 12;
    }

    private String scrape(int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
        return r.body();
    }

    private String scrapeOrEmpty(int port) {
        try {
            return scrape(port);
        } catch (Exception | AssertionError e) {
            return ""; // not up yet
        }
    }

    /** The value of {@code meter} of node {@code node}, partition {@code partition}. */
    static double value(String body, String meter, String node, int partition) {
        return sum(body, meter + "\\{[^}]*node=\"" + node + "\"[^}]*partition=\"" + partition + "\"[^}]*\\}");
    }

    /** The sum of the values of the samples whose name and labels match {@code sample}. */
    static double sum(String body, String sample) {
        Matcher m = Pattern.compile("(?m)^" + sample + " ([0-9.eE+-]+|NaN)$").matcher(body);
        double total = 0;
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            total += Double.isNaN(v) ? 0 : v;
        }
        return total;
    }

    /** Polls a condition. */
    static final class LocalAwait {
        static void until(Duration timeout, java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(what + " not within " + timeout);
                }
                Thread.sleep(500);
            }
        }
    }
}

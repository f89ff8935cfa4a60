package io.khora.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code khora status} through {@link Khora#run} against three node processes (4 partitions × 3
 * replicas): healthy (0), one node killed (3: the node named DOWN by its id, every partition
 * under-replicated), two killed (1: no leader), all killed (1: no node answers).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KhoraStatusTest {
    /** One run of the command. */
    record Run(int code, String out, String err) {
    }

    /** The flags {@code khora status} connects with (the cluster's security directory: TLS, the admin user). */
    private static java.util.List<String> security = java.util.List.of();

    private static Run status(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("status"));
        all.addAll(security);
        all.addAll(java.util.List.of(args));
        int code = Khora.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code khora status} until {@code until} holds (the cluster is settling); the last run. */
    private static Run statusUntil(Predicate<Run> until, String... args) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Run r = status(args);
        while (!until.test(r) && System.nanoTime() - deadline < 0) {
            Thread.sleep(250);
            r = status(args);
        }
        ProcessCluster.trace("khora status exit " + r.code() + "\n" + r.out() + r.err());
        return r;
    }

    @Test
    void exitsNonZeroWithoutALeaderOrAnswerAndNamesDownNodesAndUnderReplicatedPartitions() throws Exception {
        try (ProcessCluster c = ProcessCluster.configure("khora-status", 3, "orders", 4, 3, 2)) {
            security = c.clientFlags();
            c.startAll();
            c.awaitConverged(Duration.ofSeconds(120));
            String n1 = c.node("n1").address();
            String n3 = c.node("n3").address();
            String[] askN1 = {"--nodes", n1, "--timeout", "10s"}; // it names the others, which are asked too

            Run healthy = statusUntil(r -> r.code() == StatusReport.HEALTHY, askN1);
            assertThat(healthy.code()).as(healthy.out() + healthy.err()).isZero();
            assertThat(healthy.out()).contains("HEALTHY").containsPattern("n2 +" + c.node("n2").address() + " +UP")
                    .containsPattern("n3 +" + n3 + " +UP").doesNotContain("DOWN", "no leader", "under-replicated");

            c.kill("n3");
            Run degraded = statusUntil(r -> r.code() == StatusReport.DEGRADED, askN1);
            assertThat(degraded.code()).as(degraded.out()).isEqualTo(StatusReport.DEGRADED);
            assertThat(degraded.out()).containsPattern("n3 +" + n3 + " +DOWN").contains("node n3 (" + n3 + ") is down")
                    .contains("orders/0 is under-replicated: n3 is down", "orders/3 is under-replicated: n3 is down")
                    .doesNotContain("no leader");

            c.kill("n2");
            Run leaderless = statusUntil(r -> r.out().contains("NOT SERVING: 4 partitions"), askN1); // n1 alone leads nothing
            assertThat(leaderless.code()).as(leaderless.out()).isEqualTo(StatusReport.NOT_SERVING);
            assertThat(leaderless.out()).contains("NOT SERVING: 4 partitions have no leader", "orders/1 has no leader", "node n2 (");

            c.kill("n1");
            Run none = status(askN1);
            assertThat(none.code()).as(none.out()).isEqualTo(StatusReport.NOT_SERVING);
            assertThat(none.out()).contains("NOT SERVING: no node answered").containsPattern("\\? +" + n1 + " +DOWN");
        }
    }
}

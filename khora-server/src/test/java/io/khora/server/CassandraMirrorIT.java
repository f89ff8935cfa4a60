package io.khora.server;

import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.cassandra.CassandraSchema;
import io.khora.cassandra.CassandraServer;
import io.khora.server.MultiProcessWriteBehindIT.Load;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.khora.server.MirrorFencingIT.awaitCondition;
import static io.khora.server.MirrorFencingIT.awaitLog;
import static io.khora.server.MultiProcessWriteBehindIT.CLIENT_OPTIONS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code khora mirror --cassandra} with real processes and a real Cassandra 5.0 (khora-cassandra's
 * {@link CassandraServer}, in its own JVM on {@code khora-cassandra/target/cassandra-server.classpath}):
 * three server nodes with a write-behind space, a {@code khora mirror} process delivering into
 * Cassandra through the built-in endpoint (the table {@code mirroreditem}, created by {@code --schema
 * create}), and the write/update/take load of {@link MultiProcessWriteBehindIT}, recorded in a
 * {@link MirrorHistory}. The mirror is SIGKILLed once mid-load and started again: it replays what it
 * had not acknowledged, and the endpoint's {@code USING TIMESTAMP} writes make the replay change
 * nothing. At the end the table equals the space and satisfies the history: no acknowledged write
 * missing, no taken entry resurrected, every row a state that was written.
 */
class CassandraMirrorIT {
    static final String SPACE = "cmirrored";
    static final int PARTITIONS = 2;
    static final String KEYSPACE = "mirror_it";

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theTableEqualsTheSpaceAfterTheLoadAndAMirrorKilledMidLoadResurrectsNothing(TestInfo info) throws Exception {
        String name = info.getTestMethod().orElseThrow().getName();
        String classPath = cassandraClassPath();
        try (ProcessCluster c = ProcessCluster.configure(name, 3, SPACE, PARTITIONS, 3, 2, true)) {
            // Cassandra starts while the nodes do: both are mostly JVM start-up and waiting
            CompletableFuture<CassandraServer> starting = CompletableFuture.supplyAsync(
                    () -> CassandraServer.start(c.root.resolve("cassandra"), classPath));
            try {
                c.startAll();
                try (CqlSession session = starting.join().session()) {
                    CassandraSchema.createKeyspace(session, KEYSPACE, 1);
                    c.awaitReady(MirrorFencingIT.START);
                    run(c, starting.join().nativePort(), session);
                }
                c.passed();
            } catch (Throwable t) {
                System.out.println("FAILED: " + t + "\n" + c.statusReport() + "\n" + c.tails());
                throw t;
            } finally {
                try {
                    starting.join().stop();
                } catch (CompletionException notStarted) {
                    // reported by the join above
                }
            }
        }
    }

    /** The class path of the Cassandra server, written by khora-cassandra's build. */
    private static String cassandraClassPath() throws Exception {
        Path file = Path.of("..", "khora-cassandra", "target", "cassandra-server.classpath");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " is missing: build khora-cassandra first"
                    + " (mvn -pl khora-server -am verify does)");
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    private static void run(ProcessCluster c, int cassandraPort, CqlSession session) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--connect", c.uri(CLIENT_OPTIONS),
                "--data", c.root.resolve("mirror-data").toString(),
                "--cassandra", "127.0.0.1:" + cassandraPort,
                "--cassandra-keyspace", KEYSPACE,
                "--cassandra-datacenter", "datacenter1",
                "--entities", MirroredItem.class.getName(),
                "--schema", "create",
                "--batch-size", "8",
                "--batch-interval", "5ms",
                "--connect-timeout", "60s",
                "--progress-interval", "2s",
                // the restarted mirror waits until the killed one's lease lapsed
                "--lease-duration", "2s",
                "--lease-wait", "60s"));
        args.addAll(c.clientFlags()); // the mirror's own certificate (role mirror)
        MirrorHistory h = new MirrorHistory();
        try (Space space = Spaces.connect(c.uri(CLIENT_OPTIONS)); Load load = new Load(space, h)) {
            c.startMirror("mirror", args);
            awaitLog(c, "mirror", "delivering to io.khora.cassandra.CassandraSpaceSynchronizationEndpoint", Duration.ofSeconds(90));
            load.start();
            load.awaitStep(1);
            awaitCondition("rows in Cassandra", Duration.ofSeconds(60), () -> rowCount(session) > 0);
            assertThat(load.running()).as("the load runs when the mirror is SIGKILLed").isTrue();
            c.kill("mirror");
            ProcessCluster.trace(load.fault("mirror SIGKILLed with " + rowCount(session) + " rows in Cassandra"));
            c.startMirror("mirror", args);
            awaitLog(c, "mirror", "delivering to", Duration.ofSeconds(90)); // since this start
            long before = rowCount(session);
            awaitCondition("the restarted mirror delivering while the load runs", Duration.ofSeconds(60),
                    () -> rowCount(session) != before);
            assertThat(load.running()).as("the load runs while the restarted mirror delivers").isTrue();
            ProcessCluster.trace(load.fault("the restarted mirror delivers"));
            load.finish(MultiProcessWriteBehindIT.LOAD);
        }
        ProcessCluster.trace("load done: " + h.summary());

        c.awaitConverged(Duration.ofSeconds(45));
        Map<Long, MirroredItem> space = new TreeMap<>();
        try (Space reader = Spaces.connect(c.uri(CLIENT_OPTIONS))) {
            for (MirroredItem m : reader.readMultiple(Query.all(MirroredItem.class), Integer.MAX_VALUE)) {
                space.put(m.getId(), m);
            }
        }
        long deadline = System.nanoTime() + MirrorFencingIT.DRAIN.toNanos();
        while (!table(session).equals(space) && System.nanoTime() < deadline && c.isRunning("mirror")) {
            Thread.sleep(250);
        }
        Map<Long, MirroredItem> table = table(session);
        List<String> violations = new ArrayList<>();
        violations.addAll(MirrorHistory.diff("table", table, "space", space, 20).stream()
                .map(d -> "the table differs from the space: " + d).toList());
        violations.addAll(h.check("table", table));
        violations.addAll(h.check("space", space));
        h.anomalies.forEach(a -> violations.add("a client saw an anomaly: " + a));
        String log = Files.readString(c.log("mirror"), StandardCharsets.UTF_8);
        if (log.contains("dead letter")) {
            violations.add("the mirror set changes aside: " + log.lines().filter(l -> l.contains("dead letter")).findFirst().orElse(""));
        }
        ProcessCluster.trace(table.size() + " rows, " + space.size() + " entries");
        assertThat(violations).as(violations.size() + " violations: " + String.join("\n", violations.stream().limit(30).toList()))
                .isEmpty();
        assertThat(table).isNotEmpty();
        assertThat(log).as("the mirror was started twice").contains("start #2");
    }

    private static long rowCount(CqlSession session) {
        return session.execute("SELECT COUNT(*) FROM " + KEYSPACE + ".mirroreditem").one().getLong(0);
    }

    /** The table's rows as items. */
    private static Map<Long, MirroredItem> table(CqlSession session) {
        Map<Long, MirroredItem> rows = new TreeMap<>();
        for (Row r : session.execute("SELECT id, routing, writer, rev, amount FROM " + KEYSPACE + ".mirroreditem")) {
            MirroredItem m = new MirroredItem(r.getLong("id"), r.getInt("routing"), r.getInt("writer"), r.getLong("rev"));
            m.setAmount(r.getLong("amount"));
            rows.put(m.getId(), m);
        }
        return rows;
    }
}

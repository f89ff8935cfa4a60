package io.khora.cassandra;

import io.khora.Query;
import io.khora.Space;
import io.khora.cassandra.model.Item;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Write-behind to a real Cassandra with the writer SIGKILLed mid-load: a child JVM writes items (and
 * takes every fifth right after writing it) and is killed at its k-th acknowledgement (k from a fixed
 * seed); a space restarted on the same outbox delivers the rest — replaying what the dead mirror may
 * already have applied. Afterwards the table equals the acknowledged state:
 * <ul>
 *   <li>every acknowledged write that was not taken is a row;</li>
 *   <li>no acknowledged take is a row — nothing is resurrected by a replayed write, because the
 *       delete's tombstone carries the higher, sequence-derived timestamp;</li>
 *   <li>a row not acknowledged at all can only be a writer's single in-flight write (the next id
 *       after its last acknowledgement), and an id whose write was acknowledged but whose take was
 *       in flight may be either; at most one per writer.</li>
 * </ul>
 * The restarted space (initial load from Cassandra plus the outbox's pending changes) holds exactly
 * the table's rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 900, unit = TimeUnit.SECONDS) // a hang detector; ChildProgress bounds the wait for the child by its progress
class CassandraWriteBehindCrashIT {
    static final int TOTAL = 20_000;
    static final int THREADS = 4;
    static final int PARTITIONS = 4;

    @TempDir
    static Path tmp;
    TestKeyspace ks;

    @BeforeAll
    void createSchema() {
        ks = new TestKeyspace("crash");
    }

    @AfterAll
    void dropSchema() {
        if (ks != null) {
            ks.close();
        }
    }

    /** What the child acknowledged. */
    static final class Acks {
        final BitSet written = new BitSet(TOTAL + 1);
        final BitSet taken = new BitSet(TOTAL + 1);
        final List<String> errors = new ArrayList<>();
        int count;
        int countAtKill = -1;
        boolean ready;
        boolean done;
        IOException readFailure;
    }

    @Test
    void afterSigkillAndRestartTheTableEqualsTheAcknowledgedWritesAndTakesWithNothingResurrected() throws Exception {
        String spaceName = "cass-crash";
        Path outbox = tmp.resolve("outbox");
        Path childLog = tmp.resolve("child.log");
        Path ackFile = tmp.resolve("acks.txt");
        int killAt = 2_000 + new Random(0x4B484F5241_1601L).nextInt(TOTAL * 3 / 4 - 2_000);

        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), CassandraCrashChild.class.getName(),
                String.valueOf(CassandraServer.shared().nativePort()), ks.name, outbox.toString(), spaceName,
                String.valueOf(PARTITIONS), String.valueOf(THREADS), String.valueOf(TOTAL));
        Process child = new ProcessBuilder(cmd).redirectOutput(ackFile.toFile()).redirectError(childLog.toFile()).start();
        Acks acks = new Acks();
        Thread reader = new Thread(() -> followAndKill(child, ackFile, acks, killAt), "crash-child-follower");
        reader.setDaemon(true);
        reader.start();
        // bounded by the child's progress, not wall time (a hang detector): the kill is tied to the acknowledgement count
        io.khora.testing.ChildProgress.awaitEnd(child, () -> {
            synchronized (acks) {
                return acks.count + (acks.ready ? 1L << 40 : 0);
            }
        }, Duration.ofSeconds(120), () -> "killAt " + killAt + ", acks " + acks.count + "\n" + tail(childLog));
        reader.join(30_000);
        assertThat(reader.isAlive()).as("the child's output was read to its end").isFalse();
        synchronized (acks) {
            assertThat(acks.readFailure).isNull();
            assertThat(acks.errors).as("failures the child saw\n" + tail(childLog)).isEmpty();
            assertThat(acks.ready).as("the child's space became READY\n" + tail(childLog)).isTrue();
            assertThat(acks.countAtKill).as("killed by the test at its k-th acknowledgement\n" + tail(childLog)).isEqualTo(killAt);
            assertThat(child.exitValue()).as("exit status of a SIGKILLed process (128 + 9)").isEqualTo(137);
            assertThat(acks.done).as("killed while still writing").isFalse();
        }

        try (Space space = CassandraCrashChild.start(ks.session, ks.name, outbox, spaceName, PARTITIONS)) {
            assertThat(space.waitForReady(Duration.ofSeconds(120))).as("restarted space READY").isTrue();
            assertThat(space.admin().flush(Duration.ofSeconds(120))).as("flush after restart").isTrue();
            assertThat(space.admin().deadLetters()).isEmpty();

            Map<Long, Long> table = ks.itemRevs();
            List<Long> missing = new ArrayList<>();
            List<Long> resurrected = new ArrayList<>();
            for (int id = acks.written.nextSetBit(0); id >= 0; id = acks.written.nextSetBit(id + 1)) {
                boolean takeAcked = acks.taken.get(id);
                boolean takeInFlight = !takeAcked && id % 5 == 0 && isLastOfWriter(acks, id);
                if (takeAcked && table.containsKey((long) id)) {
                    resurrected.add((long) id);
                } else if (!takeAcked && !takeInFlight && !table.containsKey((long) id)) {
                    missing.add((long) id);
                }
            }
            assertThat(resurrected).as("acknowledged takes that are rows again").isEmpty();
            assertThat(missing).as("acknowledged writes missing from the table").isEmpty();

            TreeSet<Long> unacknowledged = new TreeSet<>();
            for (Long id : table.keySet()) {
                if (id < 1 || id > TOTAL || !acks.written.get(id.intValue())) {
                    unacknowledged.add(id);
                }
            }
            for (Long id : unacknowledged) {
                int t = (int) ((id - 1) * THREADS / TOTAL);
                assertThat(id).as("unacknowledged row %d must be writer %d's in-flight write", id, t).isEqualTo(lastWritten(acks, t) + 1);
            }
            assertThat(unacknowledged.size()).isLessThanOrEqualTo(THREADS);
            assertThat(table.values()).as("every row has the only revision ever written").allMatch(rev -> rev == 1L);
            assertThat(space.count(Query.all(Item.class))).as("the restarted space holds the table's rows").isEqualTo(table.size());
        }
    }

    private static long lastWritten(Acks acks, int writer) {
        long from = (long) writer * TOTAL / THREADS + 1;
        long to = (long) (writer + 1) * TOTAL / THREADS;
        long last = from - 1;
        while (last < to && acks.written.get((int) (last + 1))) {
            last++;
        }
        return last;
    }

    private static boolean isLastOfWriter(Acks acks, int id) {
        int t = (int) ((long) (id - 1) * THREADS / TOTAL);
        return lastWritten(acks, t) == id;
    }

    private static void followAndKill(Process child, Path ackFile, Acks acks, int killAt) {
        try {
            while (!Files.exists(ackFile)) {
                Thread.sleep(50);
            }
            try (BufferedReader in = Files.newBufferedReader(ackFile, StandardCharsets.US_ASCII)) {
                StringBuilder partial = new StringBuilder();
                while (true) {
                    int c = in.read();
                    if (c < 0) {
                        if (!child.isAlive()) {
                            return; // the file is complete once the child is gone
                        }
                        Thread.sleep(20);
                        continue;
                    }
                    if (c != '\n') {
                        partial.append((char) c);
                        continue;
                    }
                    String line = partial.toString();
                    partial.setLength(0);
                    synchronized (acks) {
                        if (line.equals("READY")) {
                            acks.ready = true;
                        } else if (line.equals("DONE")) {
                            acks.done = true;
                        } else if (line.startsWith("E ")) {
                            acks.errors.add(line);
                        } else if (line.startsWith("A ") || line.startsWith("T ")) {
                            int id = Integer.parseInt(line.substring(2));
                            (line.charAt(0) == 'A' ? acks.written : acks.taken).set(id);
                            if (line.charAt(0) == 'A' && ++acks.count == killAt) {
                                acks.countAtKill = acks.count;
                                child.destroyForcibly();
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            synchronized (acks) {
                acks.readFailure = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}

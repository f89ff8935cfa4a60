package io.khora.hibernate.writebehind;

import io.khora.Query;
import io.khora.Space;
import io.khora.hibernate.DefaultHibernateSpaceSynchronizationEndpoint;
import io.khora.hibernate.writebehind.model.WbItem;
import io.khora.persistence.WriteBehindSettings.Durability;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
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
 * Done-when of issue 4, the crash test: a child JVM writes 100,000 entries with write-behind to
 * PostgreSQL and is killed with SIGKILL at a (seeded) random moment; a space restarted on the same
 * outbox finishes delivery; the table then holds exactly the acknowledged writes — none missing, none
 * applied twice.
 *
 * <p>How each claim is proved:
 * <ul>
 *   <li><b>Acknowledged</b>: the child prints {@code A <id>} (one unbuffered {@code write(2)} to its
 *       standard output, redirected to a file) right after {@code space.write} returned. What the
 *       child wrote is in the page cache and survives its SIGKILL; the parent reads the file to its
 *       end after the child is gone, so its set is exactly the acknowledgements the child made.</li>
 *   <li><b>SIGKILL at a random moment</b>: the parent calls {@code Process.destroyForcibly()} (SIGKILL
 *       on Linux; the exit status 137 = 128 + 9 is asserted) when it has read the k-th acknowledgement,
 *       k drawn from a fixed seed in [5,000, 75,000): mid-write, with the mirror behind.</li>
 *   <li><b>None missing</b>: every acknowledged id is a row after the restarted space's
 *       {@code flush}.</li>
 *   <li><b>Nothing unacknowledged beyond what was in flight</b>: a write can be in the outbox and not
 *       yet acknowledged when the JVM dies (appended, then killed before {@code write} returned or
 *       before the {@code A} line was written). Each writer writes its ids in increasing order and
 *       has at most one write in flight, so a row that was not acknowledged must be the next id of
 *       its writer after its last acknowledged one: at most one per writer (4).</li>
 *   <li><b>None twice</b>: an {@code AFTER INSERT OR UPDATE OR DELETE} trigger logs every applied
 *       row change into {@code wb_audit} within the applying transaction (a rolled-back attempt
 *       leaves nothing). Every id is written once, so exactly one audit row per row, an INSERT, is
 *       required: a batch replayed after the restart without the exactly-once checkpoint would show
 *       as an extra UPDATE row (the endpoint upserts). This does not depend on how the mirror cut or
 *       consolidated the batches.</li>
 *   <li>The restarted space also holds exactly the table's rows in memory (initial load + the
 *       outbox's pending changes applied on top).</li>
 * </ul>
 * Both durabilities are run; PER_BATCH is the interesting one for a JVM kill (the changes are only in
 * the OS page cache when the write returns).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 900, unit = TimeUnit.SECONDS) // a hang detector; ChildProgress bounds the wait for the child by its progress
class WriteBehindCrashIT {
    static final int TOTAL = 100_000;
    static final int THREADS = 4;
    static final int PARTITIONS = 4;

    @TempDir
    static Path tmp;
    WbPostgres pg;

    @BeforeAll
    void startPostgres() {
        pg = WbPostgres.start(tmp.resolve("pg"));
    }

    @AfterAll
    void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void perBatchDurabilityLosesNothingAcknowledgedAndAppliesNothingTwiceAfterSigkill() throws Exception {
        crashAndRecover(Durability.PER_BATCH, 0x4B484F5241_0401L);
    }

    @Test
    void perOperationDurabilityLosesNothingAcknowledgedAndAppliesNothingTwiceAfterSigkill() throws Exception {
        crashAndRecover(Durability.PER_OPERATION, 0x4B484F5241_0402L);
    }

    /** What the child reported. */
    static final class Acks {
        final BitSet acked = new BitSet(TOTAL + 1);
        final List<String> errors = new ArrayList<>();
        int count;
        int countAtKill = -1;
        boolean ready;
        boolean done;
        IOException readFailure;
    }

    /**
     * How long the child may go without a new acknowledgement (or, before the first, without becoming
     * READY): a hang detector. Progress, not wall time, bounds the wait for the child: the fault is
     * tied to the acknowledgement count, and on a busy machine the child reached only 43,548 of 66,142
     * in the 90 s this once allowed (its initial load of an empty table alone took 22 s).
     */
    static final Duration STALL = Duration.ofSeconds(120);

    private void crashAndRecover(Durability durability, long seed) throws Exception {
        String spaceName = "crash-" + durability.name().toLowerCase().replace('_', '-');
        Path outbox = tmp.resolve("outbox-" + durability);
        Path childLog = tmp.resolve("child-" + durability + ".log");
        int killAt = 5_000 + new Random(seed).nextInt(TOTAL * 3 / 4 - 5_000);

        try (WbDb db = WbDb.create(pg, "crash")) {
            // ---- the child: write, acknowledge, be killed
            long t0 = System.nanoTime();
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Dorg.jboss.logging.provider=slf4j",
                    "-cp", System.getProperty("java.class.path"),
                    WriteBehindCrashChild.class.getName(),
                    db.jdbcUrl(), outbox.toString(), spaceName, durability.name(),
                    String.valueOf(PARTITIONS), String.valueOf(THREADS), String.valueOf(TOTAL));
            Path ackFile = tmp.resolve("acks-" + durability + ".txt");
            Process child = new ProcessBuilder(cmd).redirectOutput(ackFile.toFile()).redirectError(childLog.toFile()).start();
            Acks acks = new Acks();
            Thread reader = new Thread(() -> followAndKill(child, ackFile, acks, killAt), "crash-child-follower");
            reader.setDaemon(true);
            reader.start();
            io.khora.testing.ChildProgress.awaitEnd(child, () -> {
                synchronized (acks) {
                    return acks.count + (acks.ready ? 1L << 40 : 0);
                }
            }, STALL, () -> "killAt " + killAt + ", acks " + acks.count + "\n" + tail(childLog));
            reader.join(10_000);
            assertThat(reader.isAlive()).as("the child's output was read to its end").isFalse();
            long childMs = (System.nanoTime() - t0) / 1_000_000;
            synchronized (acks) {
                assertThat(acks.readFailure).isNull();
                assertThat(acks.errors).as("writes the child saw fail\n" + tail(childLog)).isEmpty();
                assertThat(acks.ready).as("the child's space became READY\n" + tail(childLog)).isTrue();
                assertThat(acks.countAtKill).as("killed by the test at its k-th acknowledgement\n" + tail(childLog)).isEqualTo(killAt);
                assertThat(child.exitValue()).as("exit status of a SIGKILLed process (128 + 9)").isEqualTo(137);
                assertThat(acks.done).as("killed while still writing").isFalse();
                assertThat(acks.count).as("acknowledged in all").isLessThan(TOTAL);
            }
            long rowsAtKill = db.count("select count(*) from wb_items");
            Map<Integer, Long> checkpointsAtKill = db.checkpoints(spaceName);

            // every writer's acknowledged ids are a prefix of its range (the acks are what the child did)
            long[] lastAcked = new long[THREADS];
            for (int t = 0; t < THREADS; t++) {
                long from = (long) t * TOTAL / THREADS + 1;
                long to = (long) (t + 1) * TOTAL / THREADS;
                long last = from - 1;
                while (last < to && acks.acked.get((int) (last + 1))) {
                    last++;
                }
                lastAcked[t] = last;
                int beyond = acks.acked.nextSetBit((int) last + 1);
                assertThat(beyond == -1 || beyond > to).as("writer " + t + " acknowledged its ids in order (gap after " + last + ")")
                        .isTrue();
            }

            // ---- a new space on the same outbox finishes delivery
            long t1 = System.nanoTime();
            SessionFactory sf = db.sessionFactory(false);
            try (Space space = WbSpaces.start(spaceName, PARTITIONS, new DefaultHibernateSpaceSynchronizationEndpoint(sf), sf,
                    WriteBehindCrashChild.settings(outbox, durability))) {
                assertThat(space.waitForReady(Duration.ofSeconds(60))).as("restarted space READY").isTrue();
                long pendingAtRestart = space.admin().pendingChanges();
                assertThat(space.admin().flush(Duration.ofSeconds(30))).as("flush after restart").isTrue();
                long restartMs = (System.nanoTime() - t1) / 1_000_000;
                assertThat(space.admin().pendingChanges()).isZero();
                assertThat(space.admin().deadLetters()).isEmpty();

                Map<Long, WbItem> table = db.items();
                List<Long> missing = new ArrayList<>();
                for (int id = acks.acked.nextSetBit(0); id >= 0; id = acks.acked.nextSetBit(id + 1)) {
                    if (!table.containsKey((long) id)) {
                        missing.add((long) id);
                    }
                }
                assertThat(missing).as("acknowledged writes missing from the table").isEmpty();

                TreeSet<Long> unacknowledged = new TreeSet<>();
                for (Long id : table.keySet()) {
                    if (id < 1 || id > TOTAL || !acks.acked.get(id.intValue())) {
                        unacknowledged.add(id);
                    }
                }
                for (Long id : unacknowledged) {
                    int t = (int) ((id - 1) * THREADS / TOTAL);
                    assertThat(id).as("unacknowledged row %d must be writer %d's in-flight write", id, t).isEqualTo(lastAcked[t] + 1);
                }
                assertThat(unacknowledged.size()).as("rows not acknowledged (writes in flight at the kill)").isLessThanOrEqualTo(THREADS);

                List<String> wrong = new ArrayList<>();
                table.values().forEach(r -> {
                    if (r.getRev() != 1 || r.getAmount() != r.getId() || !("crash-" + r.getId()).equals(r.getNote())) {
                        wrong.add(r.toString());
                    }
                });
                assertThat(wrong).as("rows whose content is not what was written").isEmpty();

                Map<Long, List<WbDb.Audit>> audit = db.auditByItem();
                List<String> notOnce = new ArrayList<>();
                audit.forEach((id, rows) -> {
                    if (rows.size() != 1 || !rows.get(0).op().equals("INSERT")) {
                        notOnce.add(id + "=" + rows);
                    }
                });
                assertThat(notOnce).as("ids applied other than exactly once (audit trigger)").isEmpty();
                assertThat(audit.keySet()).as("audited ids = ids in the table").isEqualTo(table.keySet());
                assertThat(space.count(Query.all(WbItem.class))).as("entries in the restarted space").isEqualTo(table.size());

                System.out.printf("crash test %s: seed %x, killed at ack %d (acknowledged %d, child ran %d ms); rows at kill %d, "
                                + "checkpoints at kill %s; pending when the restarted space was READY %d; restart + flush %d ms; "
                                + "rows %d, unacknowledged rows %s; "
                                + "checkpoints now %s%n",
                        durability, seed, killAt, acks.count, childMs, rowsAtKill, checkpointsAtKill, pendingAtRestart, restartMs,
                        table.size(), unacknowledged, db.checkpoints(spaceName));
            }
        }
    }

    /**
     * Follows the child's acknowledgement file as it grows (the child's standard output is redirected
     * to it: each line one {@code write(2)}, in the page cache at once, so it survives the SIGKILL),
     * kills the child at the {@code killAt}-th acknowledgement, and reads on to the file's end once
     * the child is gone. (Not a pipe: {@code Process.destroyForcibly()} closes the parent's end of
     * the child's stdout, which would throw away acknowledgements still in the pipe.)
     */
    private static void followAndKill(Process child, Path ackFile, Acks acks, int killAt) {
        try (FileChannel ch = FileChannel.open(ackFile, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            StringBuilder partial = new StringBuilder();
            boolean exited = false;
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n <= 0) {
                    if (exited) {
                        break; // the child is gone and the file is read to its end
                    }
                    exited = !child.isAlive(); // read once more after it is gone, then stop at the end
                    if (!exited) {
                        Thread.sleep(1);
                    }
                    continue;
                }
                buf.flip();
                synchronized (acks) {
                    while (buf.hasRemaining()) {
                        char c = (char) buf.get();
                        if (c != '\n') {
                            partial.append(c);
                            continue;
                        }
                        String line = partial.toString();
                        partial.setLength(0);
                        if (line.startsWith("A ")) {
                            acks.acked.set(Integer.parseInt(line.substring(2)));
                            acks.count++;
                            if (acks.count == killAt) {
                                acks.countAtKill = acks.count;
                                child.destroyForcibly(); // SIGKILL
                            }
                        } else if (line.equals("READY")) {
                            acks.ready = true;
                        } else if (line.equals("DONE")) {
                            acks.done = true;
                        } else {
                            acks.errors.add(line);
                        }
                    }
                }
            }
            if (partial.length() > 0) {
                synchronized (acks) {
                    acks.errors.add("torn last line: " + partial);
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
            return "--- child log (last 40 lines) ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no child log: " + e + ")";
        }
    }
}

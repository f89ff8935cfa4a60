package io.khora.server;

import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.server.MultiProcessWriteBehindIT.Load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.khora.server.MultiProcessWriteBehindIT.CLIENT_OPTIONS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's second mirror, with real processes and a real PostgreSQL: three server nodes with a
 * write-behind space, {@code khora mirror} processes delivering into an embedded PostgreSQL with an
 * audit trigger ({@link MirrorDb}), and the write/update/take load of
 * {@link MultiProcessWriteBehindIT} recorded in a {@link MirrorHistory}. While the load runs:
 * <ol>
 *   <li>a second mirror is started while the first delivers: it exits at once with code 4, its log
 *       naming the holder (the first mirror's process id) and when its lease lapses;</li>
 *   <li>it is started again, and a third, as standbys ({@code --lease-wait}); the load begins; the
 *       first mirror is SIGKILLed right after a batch commit: one standby takes over once the dead
 *       mirror's lease lapsed;</li>
 *   <li>that mirror is frozen (SIGSTOP) right after a batch commit: the other standby takes over once
 *       the frozen mirror's lease lapsed; then the frozen one is resumed (SIGCONT): a batch it froze
 *       in may still commit or be refused by the checkpoint, it starts no other, finds its lease
 *       taken over and exits with code 4.</li>
 * </ol>
 * At the end the table equals the space and satisfies the history (nothing lost, no row that was
 * taken), the audit trail shows no change applied twice, and no mirror saw a sequence gap (the
 * only signal two unfenced mirrors used to give) or set anything aside.
 */
class MirrorFencingIT {
    static final String SPACE = "fenced";
    static final int PARTITIONS = 2;
    static final String LEASE = "3s";
    static final Duration START = Duration.ofSeconds(120); // JVM start-up alone took 23 s at load average 20
    static final Duration DRAIN = Duration.ofSeconds(90);

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aSecondMirrorIsRefusedAndTakesOverOnlyOnceTheFirstsLeaseLapsedAndNothingIsLostOrAppliedTwice(TestInfo info) throws Exception {
        String name = info.getTestMethod().orElseThrow().getName();
        try (ProcessCluster c = ProcessCluster.configure(name, 3, SPACE, PARTITIONS, 3, 2, true)) {
            MirrorDb db = null;
            try {
                db = MirrorDb.start(c.root.resolve("postgres"));
                c.startAll();
                c.awaitReady(START);
                run(c, db);
                c.passed();
            } catch (Throwable t) {
                System.out.println("FAILED: " + t + "\n" + c.statusReport() + "\n"
                        + (db == null ? "" : "CHECKPOINTS\n" + db.checkpointReport()) + "\n" + c.tails());
                throw t;
            } finally {
                if (db != null) {
                    db.close();
                }
            }
        }
    }

    private static List<String> args(ProcessCluster c, MirrorDb db, String id, String leaseWait) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--connect", c.uri(CLIENT_OPTIONS),
                "--data", c.root.resolve(id + "-data").toString(),
                "--entities", MirroredItem.class.getName(),
                "--schema", "none",
                "--batch-size", "8",
                "--batch-interval", "5ms",
                "--connect-timeout", "60s",
                "--progress-interval", "1s",
                "--lease-duration", LEASE,
                "--lease-wait", leaseWait));
        args.addAll(db.mirrorArgs(c.root.resolve("secrets")));
        args.addAll(c.clientFlags()); // the mirror's own certificate (role mirror), not the URI's admin
        return args;
    }

    private static void run(ProcessCluster c, MirrorDb db) throws Exception {
        MirrorHistory h = new MirrorHistory();
        List<String> steps = new ArrayList<>();
        String last;
        try (Space space = Spaces.connect(c.uri(CLIENT_OPTIONS)); Load load = new Load(space, h)) {
            c.startMirror("m1", args(c, db, "m1", "0s"));
            awaitLog(c, "m1", "delivering to", Duration.ofSeconds(60));
            long m1 = c.pid("m1");

            // ---- a second mirror while the first runs: refused, naming the holder
            c.startMirror("m2", args(c, db, "m2", "0s"));
            int refused = c.awaitExit("m2", Duration.ofSeconds(60));
            String m2Log = log(c, "m2");
            steps.add("a second mirror exited " + refused + ": " + line(m2Log, "refused"));
            assertThat(refused).as("exit code of a refused mirror").isEqualTo(MirrorCommand.FENCED);
            assertThat(m2Log).contains("a second mirror is refused").contains("held by ").contains("/pid " + m1 + " (epoch ")
                    .contains(" until ");

            // ---- two standbys wait for the lease (started before the load, which is shorter than their start-up)
            c.startMirror("m2", args(c, db, "m2", "300s"));
            c.startMirror("m3", args(c, db, "m3", "300s"));
            awaitLog(c, "m2", "waiting up to", Duration.ofSeconds(60));
            awaitLog(c, "m3", "waiting up to", Duration.ofSeconds(60));
            load.start();

            // ---- the first dies without releasing: a standby takes over once its lease lapsed
            load.awaitStep(2);
            awaitBatchCommit(db);
            long at = load.done.get();
            assertThat(load.running()).as("the load runs when m1 is SIGKILLed").isTrue();
            c.kill("m1");
            long killed = System.nanoTime();
            String active = awaitOneDelivering(c, List.of("m2", "m3"), Duration.ofSeconds(90));
            String standby = active.equals("m2") ? "m3" : "m2";
            long tookOver = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            steps.add(at + ": m1 SIGKILLed; " + active + " delivering " + tookOver + " ms later");
            assertThat(tookOver).as("the dead mirror's lease (%s) held until it lapsed", LEASE).isGreaterThanOrEqualTo(1_500);

            // ---- the active mirror freezes: the other standby takes over; resumed, the frozen one is fenced
            load.awaitStep(4);
            awaitBatchCommit(db);
            at = load.done.get();
            assertThat(load.running()).as("the load runs when " + active + " is SIGSTOPped").isTrue();
            c.pause(active);
            long paused = System.nanoTime();
            awaitLog(c, standby, "delivering to", Duration.ofSeconds(90));
            steps.add(at + ": " + active + " SIGSTOPped; " + standby + " holds the leases "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - paused) + " ms later");
            // the frozen mirror may have stopped inside a batch's database transaction, holding a checkpoint row the new
            // one's batches wait for: resumed, that batch commits or is refused by the checkpoint; it starts no other
            // and finds its lease taken over
            c.resume(active);
            int fenced = c.awaitExit(active, Duration.ofSeconds(60));
            steps.add(load.done.get() + ": " + active + " resumed, exited " + fenced + ": " + line(log(c, active), "lost its lease"));
            assertThat(fenced).as("exit code of a mirror whose lease was taken over").isEqualTo(MirrorCommand.FENCED);
            assertThat(log(c, active)).contains("lost its lease");
            long applied = db.auditHighWater();
            awaitCondition(standby + " delivers", Duration.ofSeconds(60), () -> db.auditHighWater() > applied);
            last = standby;

            load.finish(MultiProcessWriteBehindIT.LOAD);
        }
        ProcessCluster.trace("load done: " + h.summary() + "\n  " + String.join("\n  ", steps));

        c.awaitConverged(Duration.ofSeconds(45));
        Map<Long, MirroredItem> space = new TreeMap<>();
        try (Space reader = Spaces.connect(c.uri(CLIENT_OPTIONS))) {
            for (MirroredItem m : reader.readMultiple(Query.all(MirroredItem.class), Integer.MAX_VALUE)) {
                space.put(m.getId(), m);
            }
        }
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (!db.items().equals(space) && System.nanoTime() < deadline && c.isRunning(last)) {
            Thread.sleep(250);
        }
        Map<Long, MirroredItem> table = db.items();
        List<String> violations = new ArrayList<>();
        violations.addAll(MirrorHistory.diff("table", table, "space", space, 20).stream()
                .map(d -> "the table differs from the space: " + d).toList());
        violations.addAll(h.check("table", table));
        violations.addAll(h.checkAudit(db.auditByItem(), table));
        violations.addAll(h.check("space", space));
        h.anomalies.forEach(a -> violations.add("a client saw an anomaly: " + a));
        for (String id : List.of("m1", "m2", "m3")) {
            String log = log(c, id);
            if (log.contains("the outbox continues at sequence")) {
                violations.add(id + " saw a sequence gap: " + line(log, "continues at sequence"));
            }
            if (log.contains("dead letter")) {
                violations.add(id + " set changes aside: " + line(log, "dead letter"));
            }
        }
        ProcessCluster.trace(table.size() + " rows, " + space.size() + " entries; checkpoints\n" + db.checkpointReport());
        assertThat(violations).as(violations.size() + " violations: " + String.join("\n", violations.stream().limit(30).toList()))
                .isEmpty();
        assertThat(table).isNotEmpty();
    }

    /** Waits until one of {@code ids} logs that it delivers (since its last start); returns it. */
    private static String awaitOneDelivering(ProcessCluster c, List<String> ids, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String id : ids) {
                if (log(c, id).substring(startOffset(c, id)).contains("delivering to")) {
                    return id;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("none of " + ids + " delivers within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /** Waits (bounded) until the audit trail grows: a batch was just committed. */
    private static void awaitBatchCommit(MirrorDb db) throws InterruptedException {
        long before = db.auditHighWater();
        awaitCondition("a batch commit", Duration.ofSeconds(30), () -> db.auditHighWater() != before);
    }

    static void awaitCondition(String what, Duration timeout, java.util.function.BooleanSupplier test) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!test.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within " + timeout);
            }
            Thread.sleep(5);
        }
    }

    /** Waits until process {@code id} logs {@code text} since its last start. */
    static void awaitLog(ProcessCluster c, String id, String text, Duration timeout) throws Exception {
        int from = startOffset(c, id);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log(c, id).substring(from).contains(text)) {
            if (System.nanoTime() > deadline || !c.isRunning(id)) {
                throw new AssertionError(id + " did not log '" + text + "' within " + timeout + (c.isRunning(id) ? "" : " (it ended)")
                        + "\n" + ProcessCluster.tail(c.log(id), 40));
            }
            Thread.sleep(50);
        }
    }

    /** Where the process's last start begins in its log. */
    private static int startOffset(ProcessCluster c, String id) throws Exception {
        String log = log(c, id);
        Matcher m = Pattern.compile("(?m)^=== .* start #").matcher(log);
        int at = 0;
        while (m.find()) {
            at = m.start();
        }
        return at;
    }

    private static String log(ProcessCluster c, String id) throws Exception {
        return Files.readString(c.log(id), StandardCharsets.UTF_8);
    }

    private static String line(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing)).findFirst().orElse("(none)");
    }
}

package io.khora.server;

import io.khora.EntryAlreadyExistsException;
import io.khora.EntryNotFoundException;
import io.khora.Lease;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.WriteMode;
import io.khora.server.MirrorHistory.Kind;
import io.khora.server.MirrorHistory.Outcome;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4's cluster "Done when": a fail-over of a primary or a restart of the mirror loses and
 * duplicates nothing — with real processes and a real PostgreSQL.
 *
 * <p>Three server nodes as child JVMs ({@link ProcessCluster}), a space of 4 partitions × 3 replicas
 * with write-behind, and a {@code khora mirror} child process delivering it through the built-in
 * Hibernate endpoint into an embedded PostgreSQL 15 (in the test JVM) whose table has an audit
 * trigger recording every applied row change. Six client threads, each on its own id range with a
 * seeded random, write new entries, update them (the next revision) and take them by id — about
 * 18,000 operations in 15 s on an idle machine — and every outcome goes into a {@link MirrorHistory}.
 * The faults follow the load's observed progress, one every {@link #STEP} acknowledged operations,
 * and the load runs until the schedule is done (bounded by {@link #LOAD}), so every fault lands while
 * the load runs however fast or slow the machine is: the leader of partition 0 is SIGKILLed (step 1);
 * the mirror is SIGKILLed (2), a new one started on the same data (3), SIGKILLed again while it
 * catches up on the backlog and started again; the killed node is started again (5); the mirror's
 * kills and restarts are repeated with the node back (6, 7); the load then runs on for one more step
 * (and at least 5 s after the leader's kill). Every new mirror is delivering before it is killed. The
 * mirror delivers in batches of at most 8 changes, and each kill comes right after a batch's database
 * commit, when its acknowledgement through the partition's log may still be on its way (more likely
 * while catching up): the new mirror then redelivers what the checkpoint already has, and the endpoint
 * must skip it. The report says how many changes were redelivered that way; whether an
 * acknowledgement won its race is not asserted, the checks hold either way.
 *
 * <p>Then (the restarted node caught up) the test reads the space's final contents and waits, bounded,
 * until the mirror reports every partition delivered and acknowledged through the partition's log up
 * to the last sequence it has seen — an acknowledgement follows the database commit of what it covers
 * — and the table equals the space; and checks:
 * <ul>
 * <li>the table against the history: every id's row is the state its last acknowledged operation left
 *     (absent after a take), or — only where operations with unknown outcome came after it — one of
 *     theirs; the row's content is the one written; no row that was never written. Nothing acknowledged
 *     is lost;
 * <li>the audit trail: no change applied twice, revisions applied in increasing order, nothing after
 *     a delete, the trail ends in the table's state;
 * <li>the table equals the space's final contents, and the space satisfies the history too;
 * <li>the mirror set nothing aside as a dead letter.
 * </ul>
 */
class MultiProcessWriteBehindIT {
    static final String SPACE = "mirrored";
    static final int PARTITIONS = 4;
    static final String CLIENT_OPTIONS = "timeout=20s&attempt-timeout=2s&connect-timeout=1s";
    static final int THREADS = 6;
    /** Acknowledged operations between two steps of the fault schedule. */
    static final long STEP = 1_800;
    /** A guard: no thread runs more operations than this (the schedule needs about 8 × {@link #STEP} in all). */
    static final int MAX_OPS_PER_THREAD = 20_000;
    static final int ROUTING_VALUES = 64;
    static final long SEED = 0x4B48_4F52_4134L;
    static final long PAUSE_MICROS = 3_000;
    static final String MIRROR = "mirror";
    /** A restarted mirror is killed once it has applied this many more row changes: catching up, in back-to-back rounds. */
    static final long CATCHING_UP = 100;
    static final Duration START = Duration.ofSeconds(120); // JVM start-up alone took 23 s at load average 20
    static final Duration RECOVER = Duration.ofSeconds(45);
    static final Duration DRAIN = Duration.ofSeconds(90);
    static final Duration LOAD = Duration.ofSeconds(180);

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aFailoverOfAPrimaryAndARestartOfTheMirrorLoseAndDuplicateNothing(TestInfo info) throws Exception {
        long t0 = System.nanoTime();
        String name = info.getTestMethod().orElseThrow().getName();
        try (ProcessCluster c = ProcessCluster.configure(name, 3, SPACE, PARTITIONS, 3, 2, true)) {
            MirrorDb db = null;
            try {
                db = MirrorDb.start(c.root.resolve("postgres"));
                ProcessCluster.trace("PostgreSQL up: " + db.jdbcUrl());
                c.startAll();
                c.awaitReady(START);
                ProcessCluster.trace("cluster READY in " + millis(t0) + " ms; leaders " + c.leaders());
                run(c, db, t0);
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
        ProcessCluster.trace("test took " + millis(t0) + " ms");
    }

    private static void run(ProcessCluster c, MirrorDb db, long t0) throws Exception {
        List<String> mirrorArgs = new java.util.ArrayList<>(List.of(
                "--connect", c.uri(CLIENT_OPTIONS),
                "--data", c.root.resolve("mirror-data").toString(),
                "--entities", MirroredItem.class.getName(),
                "--schema", "none",
                "--batch-size", "8",
                "--batch-interval", "5ms",
                "--connect-timeout", "60s",
                "--progress-interval", "2s",
                // a mirror started right after the previous one was SIGKILLed waits until that one's lease lapsed
                "--lease-duration", "1s",
                "--lease-wait", "60s"));
        mirrorArgs.addAll(db.mirrorArgs(c.root.resolve("secrets")));
        mirrorArgs.addAll(c.clientFlags()); // the mirror's own certificate (role mirror), not the URI's admin
        c.startMirror(MIRROR, mirrorArgs);

        MirrorHistory h = new MirrorHistory();
        String victim;
        long killedAt;
        List<String> faults = new ArrayList<>();
        List<Map<String, Long>> kills = new ArrayList<>(); // the checkpoints (log id -> sequence) at each kill of the mirror
        long tLoad = System.nanoTime();
        try (Space space = Spaces.connect(c.uri(CLIENT_OPTIONS)); Load load = new Load(space, h)) {
            load.start();

            // ---- fail-over of a primary: SIGKILL of partition 0's leader
            load.awaitStep(1);
            victim = leaderOf(c, 0);
            killedAt = System.nanoTime();
            faults.add(load.fault("SIGKILL of " + victim + ", the leader of partition 0 (leaders " + c.leaders() + ")"));
            c.kill(victim);

            // ---- restarts of the mirror: SIGKILL (once caught up, once while catching up), a new process on the same data
            load.awaitStep(2);
            killMirror(c, db, load, faults, kills, 0);
            load.awaitStep(3);
            startMirror(c, db, load, faults, mirrorArgs);
            killMirror(c, db, load, faults, kills, CATCHING_UP);
            startMirror(c, db, load, faults, mirrorArgs);

            // ---- the killed node comes back
            load.awaitStep(5);
            faults.add(load.fault(victim + " started again"));
            c.start(victim);

            // ---- the same again, with the node back
            load.awaitStep(6);
            killMirror(c, db, load, faults, kills, 0);
            load.awaitStep(7);
            startMirror(c, db, load, faults, mirrorArgs);
            killMirror(c, db, load, faults, kills, CATCHING_UP);
            startMirror(c, db, load, faults, mirrorArgs);

            // ---- the load runs on after the last fault, and for a while after the fail-over
            load.awaitStep(8);
            load.awaitAcknowledgedAfter(killedAt + TimeUnit.SECONDS.toNanos(5));
            load.finish(Duration.ofSeconds(60));
        }
        long loadMs = millis(tLoad);
        ProcessCluster.trace("load done in " + loadMs + " ms: " + h.summary() + "\n  faults at operation "
                + String.join("\n  faults at operation ", faults));

        c.awaitConverged(RECOVER);

        Map<Long, MirroredItem> space = new TreeMap<>();
        try (Space reader = Spaces.connect(c.uri(CLIENT_OPTIONS))) {
            for (MirroredItem m : reader.readMultiple(Query.all(MirroredItem.class), Integer.MAX_VALUE)) {
                assertThat(space.put(m.getId(), m)).as("id " + m.getId() + " read twice from the space").isNull();
            }
        }

        // ---- the mirror delivers everything
        long tDrain = System.nanoTime();
        Drain drain = awaitDrained(c, db, space);
        long drainMs = millis(tDrain);

        Map<Long, MirroredItem> table = db.items();
        Map<Long, List<MirrorDb.Audit>> audit = db.auditByItem();
        List<String> violations = new ArrayList<>();
        if (!drain.delivered()) {
            violations.add("the mirror did not report every partition delivered and acknowledged within " + DRAIN + ": its last progress "
                    + drain.progress().values() + (c.isRunning(MIRROR) ? "" : " (the mirror process has ended)"));
        }
        violations.addAll(h.check("table", table));
        violations.addAll(h.checkAudit(audit, table));
        List<String> tableVsSpace = MirrorHistory.diff("table", table, "space", space, 20);
        if (!tableVsSpace.isEmpty()) {
            violations.add("the table differs from the space's final contents: " + tableVsSpace);
        }
        violations.addAll(h.check("space", space));
        h.anomalies.forEach(a -> violations.add("a client saw an anomaly: " + a));
        String mirrorLog = Files.readString(c.log(MIRROR), StandardCharsets.UTF_8);
        if (mirrorLog.contains("dead letter")) {
            violations.add("the mirror set changes aside as dead letters: " + lines(mirrorLog, "dead letter", 10));
        }

        long auditRows = audit.values().stream().mapToLong(List::size).sum();
        ProcessCluster.trace(String.format("load %d ms (%s); drained %d ms after the load; %d rows in the table, %d entries in the space,"
                        + " %d audited row changes; ids by last operation %s, %d ids with an operation of unknown outcome;"
                        + " the mirror's last progress %s; checkpoints%n%s"
                        + "changes the restarted mirrors redelivered although applied (acknowledged/checkpoint at the kill): %s;"
                        + " replayed batches the endpoint skipped: %s",
                loadMs, h.summary(), drainMs, table.size(), space.size(), auditRows, h.lastOutcomes(), h.idsWithUnknown(),
                drain.progress().values(), db.checkpointReport(), redelivered(mirrorLog, kills), lines(mirrorLog, "skipping", 20)));
        assertThat(violations).as(violations.size() + " violations; the first: "
                + String.join("\n", violations.stream().limit(30).toList())).isEmpty();
        // the run tested what it should: faults while the load ran, the load going on after the fail-over
        assertThat(faults).as("faults, each injected while every load thread ran").allMatch(f -> f.contains("load running"));
        assertThat(h.acknowledgedAfter(killedAt + TimeUnit.SECONDS.toNanos(5))).as("operations acknowledged from 5 s after the kill of "
                + victim).isPositive();
        assertThat(h.count(Kind.WRITE, Outcome.ACK)).as("acknowledged writes").isGreaterThan(STEP);
        assertThat(table).as("rows in the table").isNotEmpty();
        ProcessCluster.trace("checked " + millis(t0) + " ms after the test began");
    }

    /**
     * Starts the mirror and waits (bounded) until it has committed a batch, so that the next kill
     * interrupts a delivering mirror, not one still starting.
     */
    private static void startMirror(ProcessCluster c, MirrorDb db, Load load, List<String> faults, List<String> args) throws Exception {
        long before = db.auditHighWater();
        String at = load.fault("mirror started again");
        long t = System.nanoTime();
        c.startMirror(MIRROR, args);
        long deadline = t + TimeUnit.SECONDS.toNanos(30);
        while (db.auditHighWater() == before && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        faults.add(at + " (delivering after " + millis(t) + " ms, at operation " + load.done.get() + ")");
    }

    /**
     * SIGKILLs the mirror, once it has applied {@code minAdvance} more row changes, right after it
     * committed a batch (the moment the audit trail grows): its acknowledgement through
     * the partition's log may then still be on its way (an acknowledgement waits while the previous one
     * is in flight, so more likely while the mirror catches up in back-to-back rounds), and the next
     * mirror starts below the checkpoint and redelivers — what the checkpoint must absorb. Whether the
     * acknowledgement made it first is a race; the checks hold either way.
     */
    private static void killMirror(ProcessCluster c, MirrorDb db, Load load, List<String> faults, List<Map<String, Long>> kills,
                                   long minAdvance) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long from = db.auditHighWater();
        while (db.auditHighWater() < from + minAdvance && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        long before = db.auditHighWater();
        long now = before;
        while (now == before && System.nanoTime() - deadline < 0) {
            now = db.auditHighWater();
        }
        String at = load.fault("SIGKILL of the mirror " + (now == before ? "(no batch committed within 5 s)" : "right after a batch commit"));
        c.kill(MIRROR);
        Map<String, Long> checkpoints = db.checkpoints();
        kills.add(checkpoints);
        faults.add(at + " (" + db.items().size() + " rows, checkpoints " + checkpoints.values() + ")");
    }

    /** The leader of {@code partition}, waiting a little while status answers settle. */
    private static String leaderOf(ProcessCluster c, int partition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String l = c.leaderOf(partition);
            if (l != null) {
                return l;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no leader of partition " + partition + " within 10 s\n" + c.statusReport());
            }
            Thread.sleep(100);
        }
    }

    /** One partition's line of the mirror's progress report ({@code MirrorCommand}, every {@code --progress-interval}). */
    record Progress(int partition, long delivered, long lastSequence, long backlog, long acknowledged) {
        static final Pattern LINE = Pattern.compile("partition (\\d+): delivered (\\d+) of (\\d+) \\(backlog (\\d+), acknowledged (\\d+)\\)");

        boolean done() {
            return backlog == 0 && delivered == lastSequence && acknowledged == lastSequence;
        }

        @Override
        public String toString() {
            return "partition " + partition + ": delivered " + delivered + " of " + lastSequence + ", acknowledged " + acknowledged;
        }
    }

    /** Where the mirror stood at the end of {@link #awaitDrained}. */
    record Drain(Map<Integer, Progress> progress, boolean delivered) {
    }

    /**
     * Waits until the mirror has delivered everything: its progress reports written after this call
     * began say, for every partition, that everything it has seen appended is delivered and
     * acknowledged through the partition's log (an acknowledgement follows the database commit of what
     * it covers; the load has stopped, so nothing is appended any more), and the table equals the
     * space's contents. Gives up after {@link #DRAIN}, or 10 s after the mirror reported everything
     * delivered if the table still differs: the checks then say what is wrong.
     */
    private static Drain awaitDrained(ProcessCluster c, MirrorDb db, Map<Long, MirroredItem> space) throws Exception {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        long from = Files.size(c.log(MIRROR));
        Map<Integer, Progress> progress = new TreeMap<>();
        long deliveredAt = 0;
        while (true) {
            byte[] bytes = Files.readAllBytes(c.log(MIRROR));
            String fresh = bytes.length > from ? new String(bytes, (int) from, bytes.length - (int) from, StandardCharsets.UTF_8) : "";
            Matcher m = Progress.LINE.matcher(fresh);
            while (m.find()) {
                Progress p = new Progress(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)), Long.parseLong(m.group(5)));
                progress.put(p.partition(), p);
            }
            boolean delivered = progress.size() == PARTITIONS && progress.values().stream().allMatch(Progress::done);
            if (delivered && deliveredAt == 0) {
                deliveredAt = System.nanoTime();
            }
            if (delivered && db.items().equals(space)) {
                return new Drain(progress, true);
            }
            if (System.nanoTime() - deadline > 0 || !c.isRunning(MIRROR)
                    || (deliveredAt != 0 && System.nanoTime() - deliveredAt > TimeUnit.SECONDS.toNanos(10))) {
                return new Drain(progress, delivered);
            }
            Thread.sleep(250);
        }
    }

    /**
     * Per restart of the mirror, where the new one resumed each partition (the acknowledgement the
     * partition's log holds, from its log) against the database's checkpoint when the old one was
     * killed: the difference was delivered before, and the endpoint's checkpoint must skip it.
     */
    private static String redelivered(String mirrorLog, List<Map<String, Long>> kills) {
        Pattern resume = Pattern.compile("partition (\\d+): outbox (\\S+) at sequence (\\d+), (\\d+) acknowledged");
        List<String> out = new ArrayList<>();
        long total = 0;
        int start = 0;
        for (String section : mirrorLog.split("(?m)^=== ")) {
            if (!section.contains(" start #")) {
                continue;
            }
            start++;
            if (start < 2 || start - 2 >= kills.size()) {
                continue;
            }
            Map<String, Long> atKill = kills.get(start - 2);
            Matcher m = resume.matcher(section);
            List<String> parts = new ArrayList<>();
            while (m.find()) {
                long acknowledged = Long.parseLong(m.group(4));
                long checkpoint = atKill.getOrDefault(m.group(2), 0L);
                long again = Math.max(0, checkpoint - acknowledged);
                total += again;
                parts.add("p" + m.group(1) + " " + acknowledged + "/" + checkpoint + (again > 0 ? " (" + again + " again)" : ""));
            }
            out.add("start #" + start + ": " + String.join(", ", parts));
        }
        return total + " " + out;
    }

    private static String lines(String text, String containing, int max) {
        List<String> out = text.lines().filter(l -> l.contains(containing)).toList();
        return out.size() + (out.isEmpty() ? "" : ", e.g. " + out.subList(Math.max(0, out.size() - max), out.size()));
    }

    private static long millis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    /**
     * The client threads: each owns the ids {@code (thread + 1) * 1,000,000 + n}, keeps up to 64 of
     * them live, and runs operations drawn from its seeded random — a new id (35 %, or whenever fewer
     * than 8 are live), an update of a live id (50 %), a take of a live id (15 %) — until
     * {@link #finish} (at most {@link #MAX_OPS_PER_THREAD}). The fault schedule follows the count of
     * acknowledged operations ({@link #awaitStep}), never wall time.
     */
    static final class Load implements AutoCloseable {
        final AtomicLong done = new AtomicLong();
        /** Operations that returned normally (acknowledged). */
        final AtomicLong acknowledged = new AtomicLong();
        private final Space space;
        private final MirrorHistory history;
        private final List<Thread> threads = new ArrayList<>();
        private final long deadline = System.nanoTime() + LOAD.toNanos();
        private volatile boolean abort;
        private volatile boolean stop;

        Load(Space space, MirrorHistory history) {
            this.space = space;
            this.history = history;
        }

        void start() {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread th = new Thread(() -> run(thread), "wb-load-" + t);
                th.setDaemon(true);
                threads.add(th);
            }
            threads.forEach(Thread::start);
        }

        /** Waits, while every load thread runs, until {@code step} × {@link #STEP} operations are acknowledged (bounded by {@link #LOAD}). */
        void awaitStep(int step) throws InterruptedException {
            await(step + " × " + STEP + " acknowledged operations", () -> acknowledged.get() >= step * STEP);
        }

        /** Waits, while every load thread runs, until an operation is acknowledged after {@code nanos} (System.nanoTime). */
        void awaitAcknowledgedAfter(long nanos) throws InterruptedException {
            await("an operation acknowledged after " + TimeUnit.NANOSECONDS.toMillis(nanos - history.t0) + " ms",
                    () -> history.acknowledgedAfter(nanos) > 0);
        }

        private void await(String what, java.util.function.BooleanSupplier reached) throws InterruptedException {
            while (!reached.getAsBoolean()) {
                if (!running()) {
                    throw new AssertionError("the load ended (" + done.get() + " operations, " + acknowledged.get()
                            + " acknowledged) before " + what);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("the load did not reach " + what + " within " + LOAD + " (" + done.get()
                            + " operations, " + acknowledged.get() + " acknowledged)");
                }
                Thread.sleep(10);
            }
        }

        /** Every load thread runs and has not been told to stop. */
        boolean running() {
            return !stop && !abort && threads.stream().allMatch(Thread::isAlive);
        }

        /** A fault's line for the report: the operations done and acknowledged at it, and whether the load ran. */
        String fault(String what) {
            return done.get() + " (" + acknowledged.get() + " acknowledged, " + (running() ? "load running" : "LOAD NOT RUNNING")
                    + "): " + what;
        }

        /** Stops the threads and waits for their operations in flight. */
        void finish(Duration timeout) throws InterruptedException {
            stop = true;
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    throw new AssertionError("load thread " + t.getName() + " did not finish within " + timeout + " (" + done.get()
                            + " operations done)");
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            abort = true;
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        private void run(int thread) {
            Random rnd = new Random(SEED * 31 + thread);
            List<MirroredItem> live = new ArrayList<>(); // each live id at its last attempted revision
            long nextId = (thread + 1) * 1_000_000L;
            for (int i = 0; i < MAX_OPS_PER_THREAD && !abort && !stop; i++) {
                int dice = rnd.nextInt(100);
                if (live.size() < 8 || (dice < 35 && live.size() < 64)) {
                    write(new MirroredItem(nextId++, rnd.nextInt(ROUTING_VALUES), thread, 1), live);
                } else if (dice < 85) {
                    update(live, rnd.nextInt(live.size()));
                } else {
                    take(live, rnd.nextInt(live.size()));
                }
                done.incrementAndGet();
                try {
                    TimeUnit.MICROSECONDS.sleep(PAUSE_MICROS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void write(MirroredItem item, List<MirroredItem> live) {
            long start = System.nanoTime();
            try {
                space.write(item, Lease.FOREVER, WriteMode.WRITE_ONLY);
                history.record(item, Kind.WRITE, 1, Outcome.ACK, start, null);
                acknowledged.incrementAndGet();
            } catch (EntryAlreadyExistsException e) {
                // a fresh id: only an earlier attempt of this very call can have written it — a retry applied twice
                history.anomaly("write of fresh id " + item.getId() + " was refused as a duplicate: " + e.getMessage());
                history.record(item, Kind.WRITE, 1, Outcome.UNKNOWN, start, e);
            } catch (RuntimeException e) {
                history.record(item, Kind.WRITE, 1, Outcome.UNKNOWN, start, e);
            }
            live.add(item); // even if unknown: an update then tells (refused as absent, or applied)
        }

        private void update(List<MirroredItem> live, int k) {
            MirroredItem next = live.get(k).withRev(live.get(k).getRev() + 1);
            long start = System.nanoTime();
            try {
                space.write(next, Lease.FOREVER, WriteMode.UPDATE_ONLY);
                history.record(next, Kind.UPDATE, next.getRev(), Outcome.ACK, start, null);
                acknowledged.incrementAndGet();
                live.set(k, next);
            } catch (EntryNotFoundException e) {
                history.record(next, Kind.UPDATE, next.getRev(), Outcome.FAILED, start, e);
                live.remove(k); // absent for sure: never used again
            } catch (RuntimeException e) {
                history.record(next, Kind.UPDATE, next.getRev(), Outcome.UNKNOWN, start, e);
                live.set(k, next); // the next update uses the revision after this one
            }
        }

        private void take(List<MirroredItem> live, int k) {
            MirroredItem item = live.remove(k); // never used again, whatever the outcome
            long start = System.nanoTime();
            try {
                MirroredItem got = space.takeById(MirroredItem.class, item.getId(), item.getRouting());
                if (got != null && !got.equals(history.expected(item.getId(), got.getRev()))) {
                    history.anomaly("take of " + item.getId() + " returned " + got + ", written as " + history.expected(item.getId(),
                            got.getRev()));
                }
                history.record(item, Kind.TAKE, got == null ? MirrorHistory.ABSENT : got.getRev(), Outcome.ACK, start, null);
                acknowledged.incrementAndGet();
            } catch (RuntimeException e) {
                history.record(item, Kind.TAKE, MirrorHistory.ABSENT, Outcome.UNKNOWN, start, e);
            }
        }
    }
}

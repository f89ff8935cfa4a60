package io.khora.server;

import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.cluster.client.StatusClient;
import io.khora.persistence.Partitioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One seeded run of a {@link FaultSchedule}: a cluster of node processes ({@link ProcessCluster}),
 * client threads writing, taking and reading under it ({@link Load}, {@link RegisterLoad}), the
 * schedule's faults, then the checks — the history against the final contents ({@link History},
 * {@link RegisterHistory}), every partition led again within {@link #LEADER_AFTER_HEAL} after each
 * fault healed — and one summary line ({@link #summary()}, also appended to
 * {@code target/chaos/summary.txt}).
 *
 * <p>Bounded: a fixed number of threads; every wait has a limit ({@link #PROGRESS_LIMIT},
 * {@link #LEADER_WATCH_LIMIT}, the configuration's load limit); the child JVMs are reaped when the
 * run ends, however it ends. A schedule that cannot go on (no progress, a partition that stays
 * leaderless) ends the run early: what it found is reported and checked like any other run.
 */
final class ChaosRun {
    static final String SPACE = "chaos";
    /** Every partition must have a leader this long after a fault healed. */
    static final Duration LEADER_AFTER_HEAL = Duration.ofSeconds(10);
    /** How long a leaderless partition is watched after a heal before the run gives up. */
    static final Duration LEADER_WATCH_LIMIT = Duration.ofSeconds(60);
    /** The longest {@link #awaitProgress} waits for the acknowledgements it asks for. */
    static final Duration PROGRESS_LIMIT = Duration.ofSeconds(60);
    static final Duration START = Duration.ofSeconds(120);
    static final Duration CONVERGE = Duration.ofSeconds(60);
    static final Duration STOP = Duration.ofSeconds(60);
    /** Acknowledged operations before the first fault and after the last one. */
    static final int WARM_UP = 300;
    static final int TAIL = 300;

    /** A fault: when it began, when it healed, how long partitions stayed leaderless then, and the clients' longest gap around it. */
    static final class Fault {
        final String what;
        final long startNanos;
        /** ms since the run's history began, as in the checker's reports. */
        final long atMillis;
        volatile long healedNanos = -1;
        /** ms from the heal until every partition had a leader; -1 not measured, {@link Long#MAX_VALUE} never (within the watch limit). */
        volatile long leaderGapMillis = -1;
        volatile long clientGapMillis = -1;
        /** What the schedule measured of this fault itself (a hand-off, say), for the summary; null if nothing. */
        volatile String note;

        Fault(String what, long startNanos, long t0) {
            this.what = what;
            this.startNanos = startNanos;
            this.atMillis = (startNanos - t0) / 1_000_000;
        }

        @Override
        public String toString() {
            return what + " at " + atMillis + " ms" + (leaderGapMillis < 0 ? "" : ": leaders " + (leaderGapMillis == Long.MAX_VALUE ? "NEVER" : leaderGapMillis + " ms")
                    + " after the heal") + (clientGapMillis < 0 ? "" : ", client gap " + clientGapMillis + " ms") + (note == null ? "" : " [" + note + "]");
        }
    }

    /** The schedule could not go on; the message says why. */
    static final class Aborted extends RuntimeException {
        Aborted(String message) {
            super(message, null, false, false);
        }
    }

    final FaultSchedule schedule;
    final long seed;
    final ChaosConfig config;
    final ProcessCluster cluster;
    final History history = new History();
    final RegisterHistory registers;
    final Verdict verdict = new Verdict();
    final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final Random random;
    private Load load;
    private RegisterLoad registerLoad;
    /** The schedule's own load, or null. */
    private ScheduleLoad scheduleLoad;
    private long loadStart;
    /** When the load had warmed up (the clients' first calls declare types, connect): client gaps count from here. */
    private long warmedUp;
    private long loadEnd;
    private int freshClients;
    private AckTimeline.Gap maxClientGap;
    /** The test JVM's own stalls while the load ran (its client threads stalled with it). */
    private final Hiccups hiccups = new Hiccups();

    private ChaosRun(FaultSchedule schedule, long seed, ProcessCluster cluster) {
        this.schedule = schedule;
        this.seed = seed;
        this.config = schedule.config();
        this.cluster = cluster;
        this.random = new Random(seed);
        this.registers = new RegisterHistory(RegisterLoad.keys(config.registerWriters(), config.keysPerWriter(), config.partitions()),
                history.t0);
    }

    /** Runs {@code schedule} with {@code seed} and returns the finished run (its {@link #verdict} says what it found). */
    static ChaosRun execute(FaultSchedule schedule, long seed) throws Exception {
        ChaosConfig cfg = schedule.config();
        try (ProcessCluster c = ProcessCluster.configure(schedule.name() + "-seed" + seed, cfg.nodes(), SPACE, cfg.partitions(),
                cfg.replicas(), cfg.minSeeders(), cfg.writeBehind()).withNodeFlags(cfg.nodeFlags())) {
            if (!ChaosSeeds.secured()) {
                c.withoutSecurity();
            }
            ChaosRun run = new ChaosRun(schedule, seed, c);
            try {
                run.run();
            } catch (Throwable t) {
                System.out.println("RUN FAILED: " + t + "\n" + c.statusReport() + "\n" + c.tails());
                throw t;
            } finally {
                schedule.cleanUp(run);
            }
            String summary = run.summary();
            ProcessCluster.trace(summary);
            appendSummary(summary);
            if (run.verdict.isEmpty()) {
                c.passed();
            } else {
                System.out.println("VIOLATIONS of " + schedule.name() + " seed " + seed + ":\n" + run.verdict + "\n" + c.statusReport()
                        + "\n" + c.tails());
            }
            return run;
        }
    }

    private void run() throws Exception {
        long t0 = System.nanoTime();
        cluster.startAll();
        cluster.awaitReady(START);
        log("cluster READY in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms; leaders " + cluster.leaders());
        try (Space items = connect(); Space registerWriters = connect(); Space registerReaders = connect();
             Load l = new Load(items, history, config.itemWriters(), config.takers(), seed, config.pauseMicros());
             RegisterLoad rl = new RegisterLoad(registerWriters, registerReaders, registers, config.registerWriters(),
                     config.registerReaders(), seed, config.pauseMicros());
             ScheduleLoad sl = schedule.load(this)) {
            load = l;
            registerLoad = rl;
            scheduleLoad = sl;
            loadStart = System.nanoTime();
            warmedUp = loadStart;
            hiccups.startMeter();
            log("the history's times count from " + java.time.LocalTime.now().minusNanos(System.nanoTime() - history.t0)
                    + " (the nodes' logs' clock)");
            l.start();
            rl.start();
            if (sl != null) {
                sl.start();
            }
            try {
                awaitProgress(WARM_UP, WARM_UP);
                warmedUp = System.nanoTime();
                schedule.run(this);
                awaitProgress(TAIL, TAIL); // the load goes on after the last fault
            } catch (Aborted e) {
                verdict.add(Verdict.Kind.OTHER, "the schedule could not go on: " + e.getMessage());
            } catch (Exception | AssertionError e) {
                verdict.add(Verdict.Kind.OTHER, "the schedule failed: " + firstLine(e));
                log("the schedule failed: " + e);
            }
            loadEnd = System.nanoTime();
            hiccups.close();
            l.stop(STOP);
            rl.stop(STOP);
            if (sl != null) {
                sl.stop(STOP);
                log("schedule's load stopped: " + sl.summary());
            }
        }
        log("load stopped: " + history.summary() + "; registers: " + registers.acknowledged.get() + " puts acknowledged, "
                + registers.readCount() + " reads (" + registers.failedReads.get() + " failed)");
        try {
            cluster.awaitConverged(CONVERGE);
        } catch (AssertionError e) {
            log("NOT CONVERGED — the status, every replica and the logs' tails:\n" + e.getMessage());
            verdict.add(Verdict.Kind.OTHER, "the cluster did not converge within " + CONVERGE + " after the load: " + firstLine(e));
            log("not converged:\n" + ProcessCluster.details(cluster.status()) + "thread dumps in the nodes' logs");
            cluster.threadDumps();
        }
        check();
        schedule.verify(this, verdict);
        measureClientGaps();
    }

    /** The final contents, read with a fresh client, and the histories checked against them. */
    private void check() {
        List<Item> remaining;
        Map<String, Register> finals = new LinkedHashMap<>();
        try (Space reader = connect()) {
            remaining = reader.readMultiple(Query.all(Item.class), Integer.MAX_VALUE);
            for (Register r : reader.readMultiple(Query.all(Register.class), Integer.MAX_VALUE)) {
                if (finals.put(r.key(), r) != null) {
                    verdict.add(Verdict.Kind.DOUBLED, "register " + r.key() + " is in the space twice");
                }
            }
        } catch (RuntimeException e) {
            verdict.add(Verdict.Kind.OTHER, "the final contents could not be read: " + firstLine(e));
            verdict.addAll(registers.check(null));
            return;
        }
        log(remaining.size() + " entries and " + finals.size() + " registers remain");
        verdict.addAll(history.check(remaining));
        verdict.addAll(registers.check(finals));
    }

    /** A new client of the run's space (the caller closes it). */
    Space connect() {
        return Spaces.connect(cluster.uri(config.clientOptions()));
    }

    // ================================================================ for schedules

    Random random() {
        return random;
    }

    /** A pause of a node: 6–10 s, from the seeded random. */
    long pauseMillis() {
        return 6_000 + random.nextInt(4_001);
    }

    /** Acknowledged operations so far (writes, puts, takes that returned). */
    long acknowledged() {
        return history.acknowledgedOps.get() + registers.acknowledged.get();
    }

    /** Every load thread runs. */
    boolean loadRunning() {
        return load != null && load.running() && registerLoad.running() && (scheduleLoad == null || scheduleLoad.running());
    }

    /**
     * Waits until the load has acknowledged n more operations, n drawn from the seeded random in
     * {@code [min, max]}; the load must run all the while. Aborts the schedule after {@link #PROGRESS_LIMIT}
     * (the cluster stalled) or once the run's load limit has passed.
     */
    void awaitProgress(int min, int max) throws InterruptedException {
        long n = min + (max > min ? random.nextInt(max - min + 1) : 0);
        long target = acknowledged() + n;
        awaitLoad(n + " more acknowledged operations (to " + target + ")", () -> acknowledged() >= target);
    }

    /** Waits, while the load runs, until {@code reached} holds (polled every 20 ms); aborts like {@link #awaitProgress}. */
    void awaitLoad(String what, BooleanSupplier reached) throws InterruptedException {
        long t = System.nanoTime();
        long deadline = Math.min(t + PROGRESS_LIMIT.toNanos(), loadStart + config.loadLimit().toNanos());
        while (!reached.getAsBoolean()) {
            if (!loadRunning()) {
                throw new Aborted("the load stopped before " + what);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new Aborted("no " + what + " within " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t) + " ms ("
                        + acknowledged() + " acknowledged in all); partitions without a leader: "
                        + cluster.partitionsWithoutLeader(cluster.status()));
            }
            Thread.sleep(20);
        }
    }

    /** Starts a fault now (call right before injecting it). */
    Fault fault(String what) {
        Fault f = new Fault(what, System.nanoTime(), history.t0);
        faults.add(f);
        log("FAULT " + what + " at " + f.atMillis + " ms (" + acknowledged() + " acknowledged, load " + (loadRunning() ? "running" : "NOT RUNNING") + ")");
        if (!loadRunning()) {
            verdict.add(Verdict.Kind.OTHER, "fault '" + what + "' injected while the load was not running");
        }
        return f;
    }

    /**
     * The fault healed now (call right after the SIGCONT, the restart, …; for a node that left — SIGKILL,
     * SIGTERM — right after it is gone: the others must lead every partition): waits until every
     * partition has a leader a majority of its replicas name, polling every node's status, and keeps
     * how long that took; a gap over {@link #LEADER_AFTER_HEAL} is a violation; a partition still
     * leaderless after {@link #LEADER_WATCH_LIMIT} aborts the schedule.
     */
    void healed(Fault f) throws InterruptedException {
        f.healedNanos = System.nanoTime();
        long deadline = f.healedNanos + LEADER_WATCH_LIMIT.toNanos();
        Set<Integer> without;
        List<StatusClient.Answer> answers;
        while (true) {
            answers = cluster.status();
            without = cluster.partitionsWithoutLeader(answers);
            long now = System.nanoTime();
            if (without.isEmpty()) {
                f.leaderGapMillis = TimeUnit.NANOSECONDS.toMillis(now - f.healedNanos);
                break;
            }
            if (now - deadline > 0) {
                f.leaderGapMillis = Long.MAX_VALUE;
                break;
            }
            Thread.sleep(100);
        }
        log("HEALED " + f.what + ": " + (f.leaderGapMillis == Long.MAX_VALUE ? "partitions " + without + " still without a leader after "
                + LEADER_WATCH_LIMIT : "every partition led after " + f.leaderGapMillis + " ms") + "; leaders " + cluster.leaders());
        if (f.leaderGapMillis == Long.MAX_VALUE) {
            verdict.add(Verdict.Kind.LEADERLESS, "partitions " + without + " had no leader " + LEADER_WATCH_LIMIT.toSeconds()
                    + " s after '" + f.what + "' healed:\n" + ProcessCluster.details(answers));
            throw new Aborted("partitions " + without + " still without a leader " + LEADER_WATCH_LIMIT.toSeconds() + " s after '"
                    + f.what + "' healed");
        }
        if (f.leaderGapMillis > LEADER_AFTER_HEAL.toMillis()) {
            verdict.add(Verdict.Kind.LEADERLESS, "a partition had no leader for " + f.leaderGapMillis + " ms after '" + f.what
                    + "' healed (limit " + LEADER_AFTER_HEAL.toMillis() + " ms)");
        }
    }

    /**
     * A FRESH client (connected now) reads every register over and over for {@code duration}, on its
     * own thread; every read is checked with the others. Join the returned thread.
     */
    Thread freshReads(String why, Duration duration) {
        String client = "fresh client #" + (++freshClients) + " (" + why + ")";
        Thread t = new Thread(() -> {
            long end = System.nanoTime() + duration.toNanos();
            try (Space fresh = connect()) {
                int rounds = 0;
                while (System.nanoTime() - end < 0) {
                    RegisterLoad.readAll(fresh, registers, client);
                    rounds++;
                }
                log(client + ": " + rounds + " rounds of reads");
            } catch (RuntimeException e) {
                log(client + " could not connect or read: " + e);
            }
        }, "fresh-reads-" + freshClients);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The node that leads {@code partition}, waiting up to 10 s for one. */
    String leaderOf(int partition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String l = cluster.leaderOf(partition);
            if (l != null) {
                return l;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new Aborted("no leader of partition " + partition + " within 10 s");
            }
            Thread.sleep(100);
        }
    }

    void log(String msg) {
        ProcessCluster.trace("[" + schedule.name() + " seed " + seed + "] " + msg);
    }

    // ================================================================ measures and the summary

    /** Per fault, the longest a partition's clients went without an acknowledgement from its start to its heal (+ leader gap). */
    private void measureClientGaps() {
        AckTimeline timeline = ackTimeline();
        for (Fault f : faults) {
            long end = f.healedNanos < 0 ? f.startNanos : f.healedNanos;
            if (f.leaderGapMillis >= 0 && f.leaderGapMillis != Long.MAX_VALUE) {
                end += TimeUnit.MILLISECONDS.toNanos(f.leaderGapMillis);
            }
            f.clientGapMillis = timeline.maxGapMillis(f.startNanos, Math.min(end, loadEnd));
        }
        maxClientGap = loadEnd - warmedUp > 0 ? timeline.maxGap(warmedUp, loadEnd) : null;
    }

    /** When the run's own client threads were acknowledged, per partition: entries written and register values put. */
    AckTimeline ackTimeline() {
        AckTimeline timeline = new AckTimeline(config.partitions());
        for (History.Write w : history.writes.values()) {
            if (w.outcome() == History.Outcome.ACK && w.item().writer() < ClientProcessLog.FIRST_WRITER) {
                timeline.add(Partitioning.partitionOf(w.item().routing(), config.partitions()), w.atNanos());
            }
        }
        for (RegisterHistory.Put p : registers.acknowledgedPuts()) {
            timeline.add(Partitioning.partitionOf(registers.routing(p.key()), config.partitions()), p.endNanos());
        }
        return timeline;
    }

    /** When the load stopped (System.nanoTime). */
    long loadEndNanos() {
        return loadEnd;
    }

    long maxLeaderGapMillis() {
        return faults.stream().mapToLong(f -> f.leaderGapMillis).max().orElse(-1);
    }

    long maxClientGapMillis() {
        return maxClientGap == null ? -1 : maxClientGap.millis();
    }

    /** The run in one line: seed, operations, acknowledged, the invariants' counts, the gaps, each fault. */
    String summary() {
        long ops = history.attempted.size() + history.takes.size() + history.reads.get() + history.failedReads.get()
                + registers.acknowledged.get() + registers.failedPuts.get() + registers.readCount() + registers.failedReads.get();
        long acked = history.acknowledgedOps.get() + history.reads.get() + registers.acknowledged.get() + registers.readCount();
        long maxLeader = maxLeaderGapMillis();
        String gap = maxClientGap == null ? "-1" : maxClientGap.millis() + " (partition " + maxClientGap.partition() + ", "
                + (maxClientGap.fromNanos() - history.t0) / 1_000_000 + ".." + (maxClientGap.toNanos() - history.t0) / 1_000_000
                + " ms; the test JVM stalled " + hiccups.longestWithinMillis(maxClientGap.fromNanos(), maxClientGap.toNanos())
                + " ms of it)";
        Hiccups.Stall stall = hiccups.longest();
        gap += " test-jvm-longest-stall-ms=" + (stall == null ? "0" : stall.millis() + " (" + (stall.fromNanos() - history.t0) / 1_000_000
                + ".." + (stall.toNanos() - history.t0) / 1_000_000 + " ms)");
        return String.format("CHAOS %s seed=%d ops=%d acknowledged=%d %s max-leaderless-after-heal-ms=%s max-client-gap-ms=%s faults=%s%s",
                schedule.name(), seed, ops, acked, verdict.counts(), maxLeader == Long.MAX_VALUE ? "NEVER" : Long.toString(maxLeader),
                gap, faults, scheduleLoad == null ? "" : " schedule-load: " + scheduleLoad.summary());
    }

    private static void appendSummary(String line) {
        try {
            Path dir = Path.of("target", "chaos");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("summary.txt"), line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            ProcessCluster.trace("could not append to target/chaos/summary.txt: " + e);
        }
    }

    private static String firstLine(Throwable e) {
        String s = String.valueOf(e);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " …";
    }

    /** The faults, for a schedule's own checks. */
    List<Fault> faults() {
        return new ArrayList<>(faults);
    }
}

package io.khora.server;

import io.khora.cluster.client.StatusClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The chaos schedules of issue 13, one class each. Fault moments follow the seeded random and the
 * load's observed progress ({@link ChaosRun#awaitProgress}); pauses last 6–10 s (seeded).
 */
final class FaultSchedules {
    /** A restarted replica counts as caught up under load when the leader's match index for it lags by at most this. */
    static final long CAUGHT_UP_LAG = 64;
    static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(60);
    static final Duration TERM_LIMIT = Duration.ofSeconds(30);

    private FaultSchedules() {
    }

    /** (a) Two of the three nodes paused (SIGSTOP 6–10 s) and resumed, three times in a row; a fresh client reads after each. */
    static final class TwoNodesPaused implements FaultSchedule {
        @Override
        public String name() {
            return "two-nodes-paused";
        }

        @Override
        public void run(ChaosRun r) throws Exception {
            ProcessCluster c = r.cluster;
            for (int round = 1; round <= 3; round++) {
                r.awaitProgress(400, 1_200);
                List<String> paused = new ArrayList<>(nodeIds(c));
                String up = paused.remove(r.random().nextInt(paused.size()));
                long pause = r.pauseMillis();
                ChaosRun.Fault f = r.fault("SIGSTOP " + paused + " for " + pause + " ms (" + up + " stays up), round " + round);
                pauseFor(c, paused, pause);
                Thread fresh = r.freshReads("after SIGCONT of " + paused, Duration.ofSeconds(3));
                r.healed(f);
                fresh.join(60_000);
            }
        }
    }

    /** (b) A partition's leader paused (6–10 s) and resumed, twice; a fresh client reads every register right after SIGCONT. */
    static final class LeaderPaused implements FaultSchedule {
        @Override
        public String name() {
            return "leader-paused";
        }

        @Override
        public void run(ChaosRun r) throws Exception {
            ProcessCluster c = r.cluster;
            for (int round = 1; round <= 2; round++) {
                r.awaitProgress(400, 1_200);
                int p = r.random().nextInt(c.partitions);
                String leader = r.leaderOf(p);
                long pause = r.pauseMillis();
                ChaosRun.Fault f = r.fault("SIGSTOP " + leader + " (leader of partition " + p + ", leaders " + c.leaders() + ") for "
                        + pause + " ms");
                pauseFor(c, List.of(leader), pause);
                Thread fresh = r.freshReads("right after SIGCONT of " + leader, Duration.ofSeconds(8));
                r.healed(f);
                fresh.join(60_000);
            }
        }
    }

    /**
     * (c) A follower's node SIGKILLed under continuous load, restarted after it missed thousands of
     * acknowledged operations, and required to catch up while the load goes on: its commit index
     * reaches the leaders' at its restart and the leaders' match index for it lags by at most
     * {@link #CAUGHT_UP_LAG} within {@link #CATCH_UP_LIMIT}. (Lag exactly 0 in one status round is a
     * race under load — three nodes' answers are no consistent cut — so that, {@code awaitConverged},
     * is required once the load stops, as after every run.)
     */
    static final class ReplicaKilled implements FaultSchedule {
        @Override
        public String name() {
            return "replica-killed";
        }

        @Override
        public void run(ChaosRun r) throws Exception {
            ProcessCluster c = r.cluster;
            r.awaitProgress(400, 1_200);
            int p = r.random().nextInt(c.partitions);
            String leader = r.leaderOf(p);
            List<String> followers = new ArrayList<>(nodeIds(c));
            followers.remove(leader);
            String victim = followers.get(r.random().nextInt(followers.size()));
            ChaosRun.Fault f = r.fault("SIGKILL " + victim + " (a follower of partition " + p + "; leaders " + c.leaders() + ")");
            c.kill(victim);
            r.healed(f); // the survivors lead every partition
            r.awaitProgress(2_000, 4_000);
            restartAndCatchUp(r, victim);
        }
    }

    /** (d) SIGTERM of each node in turn (seeded order) under load, each restarted and caught up before the next. */
    static final class EachNodeTerminated implements FaultSchedule {
        @Override
        public String name() {
            return "sigterm-each-node";
        }

        @Override
        public void run(ChaosRun r) throws Exception {
            ProcessCluster c = r.cluster;
            List<String> order = new ArrayList<>(nodeIds(c));
            Collections.shuffle(order, r.random());
            for (String id : order) {
                r.awaitProgress(400, 1_200);
                ChaosRun.Fault f = r.fault("SIGTERM " + id + " (leaders " + c.leaders() + ")");
                long exitMillis = c.terminate(id, TERM_LIMIT);
                if (exitMillis < 0) {
                    r.verdict.add(Verdict.Kind.OTHER, id + " did not exit within " + TERM_LIMIT + " of SIGTERM");
                }
                r.healed(f); // the remaining nodes lead every partition
                r.awaitProgress(300, 900);
                restartAndCatchUp(r, id);
            }
        }
    }

    /** (e) A client process (2 writers, 2 takers) SIGKILLed mid-operation, three times, while the test's own clients go on. */
    static final class ClientProcessKilled implements FaultSchedule {
        @Override
        public String name() {
            return "client-killed";
        }

        @Override
        public void run(ChaosRun r) throws Exception {
            ProcessCluster c = r.cluster;
            for (int k = 1; k <= 3; k++) {
                r.awaitProgress(200, 600);
                String id = "client-" + k;
                c.startClient(id, ChaosClientMain.class.getName(), List.of(c.uri(r.config.clientOptions()),
                        Integer.toString(ClientProcessLog.FIRST_WRITER + 10 * k), "2", "2", Long.toString(r.seed * 10 + k), "180"));
                long n = 100 + r.random().nextInt(401);
                r.awaitLoad(id + " reporting " + n + " operations acknowledged", () -> reported(c, id) >= n);
                ChaosRun.Fault f = r.fault("SIGKILL of client process " + id + " after " + reported(c, id) + " of its operations");
                c.kill(id);
                r.log(id + ": " + ClientProcessLog.feed(c.log(id), r.history));
                r.healed(f);
            }
        }

        private static long reported(ProcessCluster c, String id) {
            try {
                return ClientProcessLog.acknowledged(c.log(id));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ================================================================ shared steps

    static List<String> nodeIds(ProcessCluster c) {
        return c.nodes.stream().map(ProcessCluster.Node::id).toList();
    }

    /** SIGSTOP of {@code ids}, {@code millis} of wall time (the fault itself), SIGCONT of every one of them whatever happens. */
    static void pauseFor(ProcessCluster c, List<String> ids, long millis) throws Exception {
        List<String> stopped = new ArrayList<>();
        try {
            for (String id : ids) {
                c.pause(id);
                stopped.add(id);
            }
            Thread.sleep(millis);
        } finally {
            for (String id : stopped) {
                c.resume(id);
            }
        }
    }

    /**
     * Starts {@code id} again (a fault that heals: the leader gap is measured) and requires it to catch
     * up while the load goes on; a replica that does not within {@link #CATCH_UP_LIMIT} is a violation.
     */
    static void restartAndCatchUp(ChaosRun r, String id) throws Exception {
        ProcessCluster c = r.cluster;
        Map<Integer, Long> targets = c.leaderCommitIndexes(c.status());
        ChaosRun.Fault back = r.fault("restart of " + id + " (leaders' commit indexes " + targets + ")");
        c.start(id);
        r.healed(back);
        long t = System.nanoTime();
        List<StatusClient.Answer> last = awaitStatus(r, CATCH_UP_LIMIT, a -> c.caughtUp(a, id, targets, CAUGHT_UP_LAG));
        if (last == null) {
            r.log(id + " caught up under load " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t) + " ms after its restart");
        } else {
            r.verdict.add(Verdict.Kind.OTHER, id + " did not catch up under load within " + CATCH_UP_LIMIT + " of its restart (commit"
                    + " index ≥ " + targets + ", lag ≤ " + CAUGHT_UP_LAG + "):\n" + ProcessCluster.details(last));
        }
    }

    /** Polls every node's status (every 200 ms, while the load runs) until {@code test} holds: null; or the last answers after {@code limit}. */
    static List<StatusClient.Answer> awaitStatus(ChaosRun r, Duration limit, Predicate<List<StatusClient.Answer>> test)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            List<StatusClient.Answer> answers = r.cluster.status();
            if (test.test(answers)) {
                return null;
            }
            if (System.nanoTime() - deadline > 0 || !r.loadRunning()) {
                return answers;
            }
            Thread.sleep(200);
        }
    }
}

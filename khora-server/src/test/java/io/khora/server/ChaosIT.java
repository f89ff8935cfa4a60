package io.khora.server;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's fault-injection runs: 3 node processes, a space of 4 partitions × 3 replicas, 9 client
 * threads (fresh entries written write-only and taken, single-writer registers put and read), one
 * {@link FaultSchedule} per method, seeded ({@link ChaosSeeds}: {@code -Dchaos.seeds=1,2,3} or
 * {@code -Dchaos.runs=10}; one run by default). After each run ({@link ChaosRun}) the history
 * checker requires 0 lost, 0 doubled, 0 invented, 0 stale reads, 0 failed-but-applied, and every
 * partition led again within 10 s of each fault's heal; each run prints one summary line (also in
 * {@code target/chaos/summary.txt}).
 *
 * <p>To add a schedule (a second mirror, say): implement
 * {@link FaultSchedule} and add a method like these. A run that does not converge leaves thread
 * dumps in the nodes' logs; {@code -Dchaos.keepLogs=true} keeps a passed run's logs (with each
 * node's GC log) for measurements.
 */
class ChaosIT {
    static LongStream seeds() {
        return ChaosSeeds.seeds();
    }

    private static void assertClean(FaultSchedule schedule, long seed) throws Exception {
        ChaosRun run = ChaosRun.execute(schedule, seed);
        assertThat(run.verdict.all()).as(schedule.name() + " seed " + seed + ": " + run.verdict.counts()).isEmpty();
    }

    /** (a) Two of three nodes paused 6–10 s and resumed, three times in a row. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void twoNodesPausedThreeTimesInARowLoseNothingAndEveryPartitionIsLedAgain(long seed) throws Exception {
        assertClean(new FaultSchedules.TwoNodesPaused(), seed);
    }

    /** (b) A partition's leader paused and resumed; a fresh client reads the registers right after SIGCONT: no stale read. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aPausedLeaderThatResumesServesNoStaleRead(long seed) throws Exception {
        assertClean(new FaultSchedules.LeaderPaused(), seed);
    }

    /** (c) A replica killed under continuous load and restarted catches up while the load goes on. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aKilledReplicaRestartedCatchesUpUnderLoad(long seed) throws Exception {
        assertClean(new FaultSchedules.ReplicaKilled(), seed);
    }

    /** (d) SIGTERM of each node in turn under load, each restarted. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void eachNodeStoppedWithSigtermInTurnLosesNothing(long seed) throws Exception {
        assertClean(new FaultSchedules.EachNodeTerminated(), seed);
    }

    /** (e) A client process killed mid-operation: nothing it was acknowledged is lost, nothing it took is handed out twice. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aClientProcessKilledMidOperationLosesAndDoublesNothing(long seed) throws Exception {
        assertClean(new FaultSchedules.ClientProcessKilled(), seed);
    }

    /**
     * (f) Oversized entries and answers on nodes and clients limited to 1 MiB frames and 256 KiB
     * entries: writes just over the limit fail at once and are never applied, reads and takes larger
     * than a frame return everything once, across a SIGKILL of the partition's leader and its restart.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void oversizedEntriesAndAnswersAcrossAKilledLeaderLoseAndDoubleNothing(long seed) throws Exception {
        assertClean(new FaultSchedules.OversizedEntriesAndAnswers(), seed);
    }

    /**
     * (g) A partition's leader paused just past failure detection (SIGSTOP 1.8–2.5 s; the nodes
     * detect a failure after 1.5 s), four times: what a long GC pause does. The others elect a new
     * leader, the resumed node rejoins its groups by a merge and must catch up.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aLeaderPausedJustPastFailureDetectionCatchesUpAgain(long seed) throws Exception {
        assertClean(new FaultSchedules.LeaderPausedBriefly(), seed);
    }
}

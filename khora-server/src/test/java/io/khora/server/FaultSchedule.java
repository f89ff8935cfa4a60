package io.khora.server;

/**
 * One kind of chaos: the faults a {@link ChaosRun} injects into a cluster under load. To add one
 * (oversized entries and answers, a second mirror, …): implement this, give it a
 * {@link #config()} if it needs another cluster (a write-behind space), check its own invariants in
 * {@link #verify}, release what it set up (a database) in {@link #cleanUp}, and add a seed-parameterised
 * method for it to {@link ChaosIT}. Its own clients come from {@link ChaosRun#connect()}; child processes
 * (a mirror: {@link ProcessCluster#startMirror}) from {@link ChaosRun#cluster}. The run around it
 * starts the cluster and the load, checks the history afterwards and prints the summary line.
 *
 * <p>A schedule derives its fault moments from the run's seeded random <em>and</em> the load's
 * observed progress ({@link ChaosRun#awaitProgress}), never from wall time or operation counts alone;
 * it marks every fault ({@link ChaosRun#fault}) and when it heals ({@link ChaosRun#healed}, which
 * measures how long partitions stay without a leader); and it returns only once every fault healed.
 */
interface FaultSchedule {
    /** A short name for logs, directories and the summary line ({@code two-nodes-paused}). */
    String name();

    /** The cluster and load this schedule runs on. */
    default ChaosConfig config() {
        return ChaosConfig.DEFAULT;
    }

    /**
     * Client load of this schedule's own, beside the run's (null: none): created once the cluster is
     * READY, started and stopped with the run's load; its clients come from {@link ChaosRun#connect()}.
     * Entries it writes into the run's {@link ChaosRun#history} are checked with the run's; anything
     * else it checks in {@link #verify}.
     */
    default ScheduleLoad load(ChaosRun run) {
        return null;
    }

    /** Injects the faults while the run's load goes on; returns when all have healed. */
    void run(ChaosRun run) throws Exception;

    /** Checks of this schedule's own, after the load stopped and the cluster converged; adds what it finds to {@code verdict}. */
    default void verify(ChaosRun run, Verdict verdict) throws Exception {
    }

    /** Releases what {@link #run} set up outside the cluster (a database, say); called however the run ended, before the child processes are reaped. */
    default void cleanUp(ChaosRun run) throws Exception {
    }
}

package io.khora.server;

import java.time.Duration;

/**
 * Client load of a {@link FaultSchedule}'s own ({@link FaultSchedule#load}), beside the run's
 * {@link Load} and {@link RegisterLoad}: started with them, part of "the load runs"
 * ({@link ChaosRun#loadRunning()}), stopped with them before the cluster's contents are checked.
 */
interface ScheduleLoad extends AutoCloseable {
    /** Starts its threads. */
    void start();

    /** Every thread runs and has not been told to stop. */
    boolean running();

    /** Stops the threads and waits for their operations in flight; fails if one does not end within {@code timeout}. */
    void stop(Duration timeout) throws InterruptedException;

    /** What it did, for the run's summary line. */
    String summary();

    /** Stops the threads if {@link #stop} was not called, and closes its clients. */
    @Override
    void close() throws InterruptedException;
}

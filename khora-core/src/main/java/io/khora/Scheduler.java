package io.khora;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: waits that time out, lease sweeps. Injected so tests can drive time
 * by hand.
 */
@FunctionalInterface
public interface Scheduler {
    /**
     * Schedules {@code task} to run once after {@code delayMillis}.
     *
     * @return a future whose {@code cancel} unschedules the task
     */
    Future<?> schedule(Runnable task, long delayMillis);

    /** A scheduler backed by one daemon thread named {@code name}. Call {@code shutdown} through {@link #close(Scheduler)}. */
    static Scheduler daemon(String name) {
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, io.khora.internal.lifecycle.DaemonThreads.named(name));
        ex.setRemoveOnCancelPolicy(true);
        return new ExecutorScheduler(ex);
    }

    /** Releases the scheduler's thread if it owns one. */
    static void close(Scheduler s) {
        if (s instanceof ExecutorScheduler es) {
            es.executor.shutdownNow();
        }
    }

    /** A scheduler over a {@link ScheduledThreadPoolExecutor}. */
    final class ExecutorScheduler implements Scheduler {
        private final ScheduledThreadPoolExecutor executor;

        private ExecutorScheduler(ScheduledThreadPoolExecutor executor) {
            this.executor = executor;
        }

        @Override
        public Future<?> schedule(Runnable task, long delayMillis) {
            return executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

}

package io.khora.testing;

import io.khora.Scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;

/**
 * A {@link Scheduler} whose tasks run only when a test calls {@link #runDue()}, on the test's thread,
 * when the {@link ManualTicker} has reached their due time. No threads of its own.
 */
public final class ManualScheduler implements Scheduler {
    private record Task(long due, long seq, FutureTask<Void> future) {
    }

    private final ManualTicker ticker;
    private final List<Task> tasks = new ArrayList<>();
    private long seq;

    /** Driven by {@code ticker}'s time. */
    public ManualScheduler(ManualTicker ticker) {
        this.ticker = ticker;
    }

    @Override
    public synchronized FutureTask<Void> schedule(Runnable task, long delayMillis) {
        FutureTask<Void> f = new FutureTask<>(task, null);
        tasks.add(new Task(ticker.millis() + Math.max(0, delayMillis), seq++, f));
        return f;
    }

    /** Runs every task that is due now (including tasks that running ones schedule, if due); returns how many ran. */
    public int runDue() {
        int ran = 0;
        while (true) {
            Task next = null;
            synchronized (this) {
                long now = ticker.millis();
                tasks.removeIf(t -> t.future().isCancelled());
                for (Task t : tasks) {
                    if (t.due() <= now && (next == null || t.due() < next.due() || t.due() == next.due() && t.seq() < next.seq())) {
                        next = t;
                    }
                }
                if (next == null) {
                    return ran;
                }
                tasks.remove(next);
            }
            next.future().run();
            try {
                next.future().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("a scheduled task failed", e.getCause());
            } catch (InterruptedException | java.util.concurrent.CancellationException e) {
                // cancelled while running, or interrupted: nothing to report
            }
            ran++;
        }
    }

    /** Tasks scheduled and neither run nor cancelled. */
    public synchronized int pending() {
        tasks.removeIf(t -> t.future().isCancelled());
        return tasks.size();
    }
}

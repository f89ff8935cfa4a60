package io.khora.internal.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: at most one drain task of
 * this serial executor is on the delegate at any time, and a drain runs at most
 * {@value #BATCH} tasks before it yields the delegate's thread to others. A task that throws is
 * logged (naming what the tasks are) and the next runs. Once the delegate rejects the drain (it is
 * shutting down), the queued tasks are dropped: nothing would ever run them.
 *
 * <p>Used for life-cycle listeners, subscription deliveries and JCache's asynchronous listeners —
 * wherever callbacks must be ordered without holding a thread of their own.
 */
public final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    static final int BATCH = 256;

    private final Executor delegate;
    private final String what;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    /** @param what names the tasks in the log line of one that fails ("space listener", …) */
    public SerialExecutor(Executor delegate, String what) {
        this.delegate = delegate;
        this.what = what;
    }

    @Override
    public void execute(Runnable task) {
        tasks.offer(task);
        schedule();
    }

    private void schedule() {
        if (!tasks.isEmpty() && draining.compareAndSet(false, true)) {
            try {
                delegate.execute(this::drain);
            } catch (RejectedExecutionException closing) {
                draining.set(false);
                tasks.clear();
                LOG.debug("{}: the executor is shut down; queued tasks dropped", what);
            }
        }
    }

    private void drain() {
        try {
            Runnable r;
            int n = 0;
            while (n++ < BATCH && (r = tasks.poll()) != null) {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    LOG.warn("{} failed", what, e);
                }
            }
        } finally {
            draining.set(false);
            schedule();
        }
    }
}

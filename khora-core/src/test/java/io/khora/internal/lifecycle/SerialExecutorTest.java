package io.khora.internal.lifecycle;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SerialExecutorTest {
    /** A delegate that runs what it is given only when the test says so. */
    static final class Stepped implements java.util.concurrent.Executor {
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();
        boolean rejecting;

        @Override
        public void execute(Runnable r) {
            if (rejecting) {
                throw new RejectedExecutionException("shut down");
            }
            queued.add(r);
        }

        void runAll() {
            Runnable r;
            while ((r = queued.poll()) != null) {
                r.run();
            }
        }
    }

    @Test
    void tasksRunInSubmissionOrderWithOneDrainOnTheDelegateAtATime() {
        Stepped delegate = new Stepped();
        SerialExecutor serial = new SerialExecutor(delegate, "test task");
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            serial.execute(() -> ran.add(n));
        }
        assertThat(delegate.queued).hasSize(1);
        delegate.runAll();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aFailingTaskIsLoggedAndTheNextRuns() {
        Stepped delegate = new Stepped();
        SerialExecutor serial = new SerialExecutor(delegate, "test task");
        List<String> ran = new ArrayList<>();
        serial.execute(() -> {
            throw new IllegalStateException("boom");
        });
        serial.execute(() -> {
            throw new AssertionError("listener assertion");
        });
        serial.execute(() -> ran.add("after"));
        delegate.runAll();
        assertThat(ran).containsExactly("after");
    }

    @Test
    void aLongQueueYieldsTheDelegateThreadAfterABatch() {
        Stepped delegate = new Stepped();
        SerialExecutor serial = new SerialExecutor(delegate, "test task");
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < SerialExecutor.BATCH + 10; i++) {
            serial.execute(ran::incrementAndGet);
        }
        delegate.queued.poll().run();
        assertThat(ran).hasValue(SerialExecutor.BATCH);
        assertThat(delegate.queued).hasSize(1); // the rest is a new drain, behind whatever else the delegate has
        delegate.runAll();
        assertThat(ran).hasValue(SerialExecutor.BATCH + 10);
    }

    @Test
    void onceTheDelegateRejectsQueuedTasksAreDroppedAndExecuteDoesNotThrow() {
        Stepped delegate = new Stepped();
        delegate.rejecting = true;
        SerialExecutor serial = new SerialExecutor(delegate, "test task");
        AtomicInteger ran = new AtomicInteger();
        serial.execute(ran::incrementAndGet);
        delegate.rejecting = false;
        serial.execute(ran::incrementAndGet);
        delegate.runAll();
        assertThat(ran).hasValue(1); // only the task submitted after the delegate accepted again
    }

    @Test
    void manyThreadsSubmittingNeverRunTwoTasksAtOnceAndLoseNone() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor serial = new SerialExecutor(pool, "test task");
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            int threads = 8;
            int each = 2_000;
            CountDownLatch done = new CountDownLatch(threads * each);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        serial.execute(() -> {
                            if (inside.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            inside.decrementAndGet();
                            done.countDown();
                        });
                    }
                });
                submitters.add(th);
                th.start();
            }
            for (Thread th : submitters) {
                th.join();
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(overlaps).hasValue(0);
        } finally {
            pool.shutdownNow();
        }
    }
}

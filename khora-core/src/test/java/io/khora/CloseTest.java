package io.khora;

import io.khora.fixtures.Trade;
import io.khora.testing.EventRecorder;
import io.khora.testing.ManualScheduler;
import io.khora.testing.ManualTicker;
import io.khora.testing.Waiters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * close(): every waiter (blocked thread or future) is released with SpaceClosedException, every
 * later operation fails with it, close is idempotent, and the space's own threads end.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CloseTest {
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final Period MINUTE = Period.of(Duration.ofSeconds(60));
    private static final AtomicInteger SPACE_SEQ = new AtomicInteger();

    private final List<Space> spaces = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stop() {
        spaces.forEach(Space::close);
        threads.forEach(Thread::interrupt);
    }

    private Space start(String prefix, int partitions) {
        Space s = Spaces.embedded(prefix + "-" + SPACE_SEQ.incrementAndGet()).partitions(partitions).start();
        spaces.add(s);
        return s;
    }

    private Thread thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        return t;
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        assertThat(f).as("settled").isDone();
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        }
    }

    private static void joinAll(List<Thread> ts, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (Thread t : ts) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertThat(t.isAlive()).as("thread %s still alive %s after close: %s", t.getName(), bound,
                    List.of(t.getStackTrace())).isFalse();
        }
    }

    // ================================================================ waiters are released

    @ParameterizedTest(name = "partitions={0}")
    @ValueSource(ints = {1, 4})
    void closeReleasesEveryBlockedThreadAndFutureWithSpaceClosedException(int partitions) throws Exception {
        Space space = start("close-waiters", partitions);
        Query<Trade> any = Query.of(Trade.class, "price >= ?", 0.0);
        Query<Trade> routed = Query.of(Trade.class, "symbol = ?", "X");
        Query<Trade> byId = Query.of(Trade.class, "id = ?", 42L);
        Map<String, Supplier<Trade>> kinds = new LinkedHashMap<>();
        kinds.put("take(FOREVER)", () -> space.take(any, Period.FOREVER));
        kinds.put("read(60 s)", () -> space.read(any, MINUTE));
        kinds.put("take(routed, 60 s)", () -> space.take(routed, MINUTE));
        kinds.put("read(id, FOREVER)", () -> space.read(byId, Period.FOREVER));
        List<Thread> blocked = new ArrayList<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger released = new AtomicInteger();
        int expectedWaiters = 0;
        int n = 0;
        for (Map.Entry<String, Supplier<Trade>> k : kinds.entrySet()) {
            for (int i = 0; i < 5; i++) {
                blocked.add(thread("blocked-" + k.getKey() + "-" + n++, () -> {
                    try {
                        Trade t = k.getValue().get();
                        wrong.add(k.getKey() + " returned " + t);
                    } catch (SpaceClosedException expected) {
                        released.incrementAndGet();
                    } catch (Throwable t) {
                        wrong.add(k.getKey() + " threw " + t);
                    }
                }));
                expectedWaiters += k.getKey().contains("routed") ? 1 : partitions;
            }
        }
        List<CompletableFuture<Trade>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(space.async().take(any, Period.FOREVER));
            futures.add(space.async().read(any, MINUTE));
            futures.add(space.async().readById(Trade.class, 42L, Period.FOREVER));
            futures.add(space.async().takeById(Trade.class, 42L, MINUTE));
            futures.add(space.async().take(routed, MINUTE));
            expectedWaiters += 4 * partitions + 1;
        }
        Waiters.awaitTotal(space, expectedWaiters, BOUND);
        assertThat(futures).noneMatch(CompletableFuture::isDone);

        long start = System.nanoTime();
        space.close();

        for (CompletableFuture<Trade> f : futures) {
            assertThat(f).as("released by the time close() returned").isDone();
            assertThat(failureOf(f)).isInstanceOf(SpaceClosedException.class).hasMessageContaining(space.name());
        }
        joinAll(blocked, Duration.ofSeconds(2));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("released promptly").isLessThan(2_000);
        assertThat(wrong).isEmpty();
        assertThat(released.get()).isEqualTo(blocked.size());
        assertThat(Waiters.total(space)).isZero();
    }

    // Guards the race found while writing these tests (since fixed in LocalSpace.armTimeout): an async
    // read or take with a period that registered its waiter just before close() could then schedule its
    // timeout on the scheduler close() had shut down, and async().take(...) threw
    // RejectedExecutionException to its caller instead of answering a future failed with
    // SpaceClosedException (leaving its waiter registered). The spinning clients hit that window often.
    @Test
    // a hang guard, not a speed bound: 30 iterations of 6 racing threads take ~1 s on an idle machine and
    // took 25 s while three builds shared 2 cores; every step inside an iteration has its own bound
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void closeReleasesWaitersThatArriveWhileItRuns() throws Exception {
        SplittableRandom rnd = new SplittableRandom(20240611L);
        for (int iteration = 0; iteration < 30; iteration++) {
            Space space = start("close-race", 1 + iteration % 4);
            Query<Trade> any = Query.all(Trade.class);
            int blockingClients = 4;
            int spinningClients = 2;
            CyclicBarrier go = new CyclicBarrier(blockingClients + spinningClients + 1);
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            List<Thread> ts = new ArrayList<>();
            for (int c = 0; c < blockingClients; c++) {
                int client = c;
                ts.add(thread("close-race-client-" + c, () -> {
                    try {
                        go.await(5, TimeUnit.SECONDS);
                        // nothing is ever written: the only way out is close()
                        Object r = switch (client % 4) {
                            case 0 -> space.take(any, MINUTE);
                            case 1 -> space.read(any, Period.FOREVER);
                            case 2 -> space.async().take(any, MINUTE).get(5, TimeUnit.SECONDS);
                            default -> space.async().readById(Trade.class, 7L, MINUTE).get(5, TimeUnit.SECONDS);
                        };
                        wrong.add("client " + client + " got " + r);
                    } catch (SpaceClosedException expected) {
                        // released
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof SpaceClosedException)) {
                            wrong.add("client " + client + " failed with " + e.getCause());
                        }
                    } catch (Throwable t) {
                        wrong.add("client " + client + " threw " + t);
                    }
                }));
            }
            List<List<CompletableFuture<Trade>>> spun = new ArrayList<>();
            for (int c = 0; c < spinningClients; c++) {
                int client = c;
                List<CompletableFuture<Trade>> mine = new ArrayList<>();
                spun.add(mine);
                ts.add(thread("close-race-spinner-" + c, () -> {
                    try {
                        go.await(5, TimeUnit.SECONDS);
                        // registers waiter after waiter (each with a timeout on the space's timer) until one
                        // answers at once because the space closed
                        for (int i = 0; i < 200_000; i++) {
                            CompletableFuture<Trade> f = i % 2 == 0 ? space.async().take(any, MINUTE)
                                    : space.async().readById(Trade.class, 7L, MINUTE);
                            mine.add(f);
                            if (f.isDone()) {
                                return;
                            }
                        }
                        wrong.add("spinner " + client + " never saw the close");
                    } catch (Throwable t) {
                        wrong.add("spinner " + client + " threw " + t);
                    }
                }));
            }
            go.await(5, TimeUnit.SECONDS);
            int registered = 1 + rnd.nextInt(200);
            Waiters.awaitCondition(() -> Waiters.total(space) >= registered, BOUND, () -> "clients registering");
            space.close();
            joinAll(ts, Duration.ofSeconds(2));
            assertThat(wrong).as("iteration %d", iteration).isEmpty();
            for (List<CompletableFuture<Trade>> mine : spun) {
                for (CompletableFuture<Trade> f : mine) {
                    assertThat(failureOf(f)).as("iteration %d: a spinner's future", iteration).isInstanceOf(SpaceClosedException.class);
                }
            }
            assertThat(Waiters.total(space)).as("iteration %d: waiters left behind", iteration).isZero();
        }
    }

    // Guards a bug found while writing these tests (since fixed: LocalSpace.close() now runs under a
    // lock): close() returned at once when another thread had only just started closing, so a
    // concurrent second caller returned before the waiters were released.
    @Test
    void everyConcurrentCloseCallReturnsOnlyOnceAllWaitersAreReleased() throws Exception {
        for (int iteration = 0; iteration < 20; iteration++) {
            Space space = start("close-concurrent", 4);
            List<CompletableFuture<Trade>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                futures.add(space.async().take(Query.of(Trade.class, "price > ?", (double) i), Period.FOREVER));
            }
            int closers = 3;
            CyclicBarrier go = new CyclicBarrier(closers);
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            List<Thread> ts = new ArrayList<>();
            for (int c = 0; c < closers; c++) {
                int closer = c;
                ts.add(thread("closer-" + c, () -> {
                    try {
                        go.await(5, TimeUnit.SECONDS);
                        space.close();
                        long pending = futures.stream().filter(f -> !f.isDone()).count();
                        if (pending > 0) {
                            wrong.add("closer " + closer + ": close() returned with " + pending + " waiters not yet released");
                        }
                    } catch (Throwable t) {
                        wrong.add("closer " + closer + " threw " + t);
                    }
                }));
            }
            joinAll(ts, BOUND);
            assertThat(wrong).as("iteration %d", iteration).isEmpty();
            for (CompletableFuture<Trade> f : futures) {
                assertThat(failureOf(f)).isInstanceOf(SpaceClosedException.class);
            }
        }
    }

    // ================================================================ after close

    @Test
    void afterCloseEveryOperationFailsWithSpaceClosedException() throws Exception {
        Space space = start("close-ops", 2);
        LeaseHandle<Trade> handle = space.write(new Trade(1, "A", 1.0, 1), Lease.ofMillis(60_000));
        EventRecorder<Trade> rec = new EventRecorder<>();
        Subscription sub = space.subscribe(Query.all(Trade.class), EnumSet.allOf(SpaceEventType.class), rec);
        space.close();

        Query<Trade> q = Query.all(Trade.class);
        Trade t = new Trade(2, "B", 2.0, 2);
        Map<String, org.assertj.core.api.ThrowableAssert.ThrowingCallable> ops = new LinkedHashMap<>();
        ops.put("write", () -> space.write(t));
        ops.put("write(lease)", () -> space.write(t, Lease.ofMillis(10)));
        ops.put("write(mode)", () -> space.write(t, Lease.FOREVER, WriteMode.WRITE_ONLY));
        ops.put("writeMultiple", () -> space.writeMultiple(List.of(t)));
        ops.put("read", () -> space.read(q));
        ops.put("read(period)", () -> space.read(q, MINUTE));
        ops.put("readIfExists", () -> space.readIfExists(q));
        ops.put("readById", () -> space.readById(Trade.class, 1L));
        ops.put("readById(routing)", () -> space.readById(Trade.class, 1L, "A"));
        ops.put("readByIds", () -> space.readByIds(Trade.class, List.of(1L)));
        ops.put("readMultiple", () -> space.readMultiple(q));
        ops.put("take", () -> space.take(q));
        ops.put("take(period)", () -> space.take(q, Period.FOREVER));
        ops.put("takeIfExists", () -> space.takeIfExists(q));
        ops.put("takeById", () -> space.takeById(Trade.class, 1L));
        ops.put("takeByIds", () -> space.takeByIds(Trade.class, List.of(1L)));
        ops.put("takeMultiple", () -> space.takeMultiple(q, 5));
        ops.put("count", () -> space.count(q));
        ops.put("clear", () -> space.clear(q));
        ops.put("change", () -> space.change(q, ChangeSet.create().set("quantity", 3)));
        ops.put("subscribe", () -> space.subscribe(q, EnumSet.of(SpaceEventType.WRITE), e -> { }));
        ops.put("lease renew", () -> handle.renew(Lease.ofMillis(10)));
        ops.put("lease cancel", handle::cancel);
        for (Map.Entry<String, org.assertj.core.api.ThrowableAssert.ThrowingCallable> op : ops.entrySet()) {
            long start = System.nanoTime();
            assertThatThrownBy(op.getValue()).as(op.getKey()).isInstanceOf(SpaceClosedException.class)
                    .hasMessageContaining("'" + space.name() + "' is closed");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("%s fails at once", op.getKey()).isLessThan(1_000);
        }

        Map<String, Supplier<CompletableFuture<?>>> async = new LinkedHashMap<>();
        async.put("write", () -> space.async().write(t));
        async.put("read", () -> space.async().read(q, MINUTE));
        async.put("readById", () -> space.async().readById(Trade.class, 1L));
        async.put("readById(period)", () -> space.async().readById(Trade.class, 1L, MINUTE));
        async.put("take", () -> space.async().take(q, Period.FOREVER));
        async.put("takeById(period)", () -> space.async().takeById(Trade.class, 1L, MINUTE));
        async.put("readMultiple", () -> space.async().readMultiple(q, 10));
        async.put("count", () -> space.async().count(q));
        async.put("clear", () -> space.async().clear(q));
        async.put("change", () -> space.async().change(q, ChangeSet.create().set("quantity", 3)));
        for (Map.Entry<String, Supplier<CompletableFuture<?>>> op : async.entrySet()) {
            CompletableFuture<?> f = op.getValue().get();
            assertThat(f).as("async %s answers at once", op.getKey()).isDone();
            assertThat(failureOf(f)).as("async %s", op.getKey()).isInstanceOf(SpaceClosedException.class);
        }

        long start = System.nanoTime();
        assertThat(space.waitForReady(Duration.ofSeconds(10))).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("waitForReady answers at once").isLessThan(1_000);
        assertThat(space.isReady()).isFalse();
        assertThat(sub.isActive()).isFalse();
        assertThat(rec.awaitTermination(BOUND)).isInstanceOf(SpaceClosedException.class);
    }

    // Guards a bug found while writing these tests (since fixed with ensureNotClosed() in
    // LocalSpace.suspend/resume): both checked only the life-cycle state, which stays READY after close,
    // so a closed space could be suspended and resumed.
    @Test
    void operatorControlsFailWithSpaceClosedExceptionAfterClose() {
        Space space = start("close-admin", 1);
        space.close();
        assertThatThrownBy(() -> space.admin().suspend()).isInstanceOf(SpaceClosedException.class);
        assertThatThrownBy(() -> space.admin().resume()).isInstanceOf(SpaceClosedException.class);
        assertThat(space.isReady()).isFalse();
        assertThat(space.waitForReady(Duration.ZERO)).isFalse();
    }

    @Test
    void closeIsIdempotent() throws Exception {
        Space space = start("close-twice", 2);
        space.write(new Trade(1, "A", 1.0, 1));
        space.close();
        assertThatCode(space::close).doesNotThrowAnyException();
        assertThatCode(space::close).doesNotThrowAnyException();
        assertThatThrownBy(() -> space.count(Query.all(Trade.class))).isInstanceOf(SpaceClosedException.class);

        Space other = start("close-concurrently", 4);
        CyclicBarrier go = new CyclicBarrier(8);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ts.add(thread("closer-" + i, () -> {
                try {
                    go.await(5, TimeUnit.SECONDS);
                    other.close();
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        joinAll(ts, BOUND);
        assertThat(errors).isEmpty();
        assertThat(other.waitForReady(Duration.ZERO)).isFalse();
    }

    // ================================================================ threads

    private static List<Thread> threadsNamed(String prefix) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void theSpacesOwnThreadsEndAfterClose() throws Exception {
        Space space = start("close-threads", 2);
        String prefix = "khora-" + space.name() + "-";
        EventRecorder<Trade> rec = new EventRecorder<>();
        space.subscribe(Query.all(Trade.class), EnumSet.allOf(SpaceEventType.class), rec);
        AtomicReference<Object> stateSeen = new AtomicReference<>();
        CountDownLatch stateChanged = new CountDownLatch(1);
        space.addStateListener(s -> {
            stateSeen.set(s);
            stateChanged.countDown();
        });
        space.admin().suspend();
        space.admin().resume();
        space.write(new Trade(1, "A", 1.0, 1), Lease.ofMillis(50));
        rec.awaitCount(1, BOUND);
        assertThat(stateChanged.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Trade> timed = space.async().take(Query.of(Trade.class, "symbol = ?", "NONE"), MINUTE);

        List<Thread> own = threadsNamed(prefix);
        assertThat(own).extracting(Thread::getName).as("the space runs a timer thread").contains(prefix + "timer");
        assertThat(own).extracting(Thread::getName).as("and event threads").anyMatch(n -> n.startsWith(prefix + "events-"));

        space.close();

        assertThat(failureOf(timed)).isInstanceOf(SpaceClosedException.class);
        joinAll(own, Duration.ofSeconds(2));
        assertThat(threadsNamed(prefix)).as("no thread of the space is left").isEmpty();
    }

    @Test
    void closeLeavesNoTaskOnAUserSuppliedScheduler() {
        ManualTicker ticker = new ManualTicker(0);
        ManualScheduler scheduler = new ManualScheduler(ticker);
        Space space = Spaces.embedded("close-manual-" + SPACE_SEQ.incrementAndGet()).ticker(ticker).scheduler(scheduler)
                .leaseSweepInterval(Duration.ofMillis(10)).start();
        spaces.add(space);
        space.write(new Trade(1, "A", 1.0, 1), Lease.ofMillis(50));
        CompletableFuture<Trade> timed = space.async().take(Query.of(Trade.class, "symbol = ?", "NONE"), MINUTE);
        ticker.advance(10);
        scheduler.runDue(); // one sweep ran and scheduled the next
        assertThat(scheduler.pending()).as("the next sweep and the waiter's timeout").isEqualTo(2);

        space.close();

        assertThat(failureOf(timed)).isInstanceOf(SpaceClosedException.class);
        assertThat(scheduler.pending()).as("tasks left on the scheduler after close").isZero();
        ticker.advance(120_000);
        assertThat(scheduler.runDue()).isZero();
    }

    @Test
    void aUserSuppliedSchedulerAndExecutorAreLeftRunning() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService events = Executors.newSingleThreadExecutor();
        try {
            Space space = Spaces.embedded("close-borrowed-" + SPACE_SEQ.incrementAndGet())
                    .scheduler((task, delay) -> timer.schedule(task, delay, TimeUnit.MILLISECONDS))
                    .eventExecutor(events).start();
            spaces.add(space);
            CompletableFuture<Trade> f = space.async().take(Query.all(Trade.class), MINUTE);
            space.close();
            assertThat(failureOf(f)).isInstanceOf(SpaceClosedException.class);
            assertThat(timer.isShutdown()).as("the space does not own the scheduler").isFalse();
            assertThat(events.isShutdown()).as("the space does not own the executor").isFalse();
            assertThat(timer.submit(() -> 1).get(5, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            timer.shutdownNow();
            events.shutdownNow();
        }
    }
}

package io.khora.server;

import io.khora.EntryAlreadyExistsException;
import io.khora.Lease;
import io.khora.Period;
import io.khora.Query;
import io.khora.Space;
import io.khora.WriteMode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client load of the multi-process tests: writer threads write new entries (write-only, ids
 * unique per writer and sequence) and read back some they wrote; taker threads take with waits,
 * routed and broadcast, one and several at a time. Everything they are told goes into a
 * {@link History}. Randomness is seeded per thread.
 */
final class Load implements AutoCloseable {
    static final int ROUTING_VALUES = 64;
    /**
     * What the broadcast takes match: every item this load writes (routing below {@link #ROUTING_VALUES}),
     * and nothing a schedule's own load writes beside it (routing values from there up): the
     * oversized schedule's bulk items were taken by these takes on a busy machine, before its own
     * takeMultiple could take more than a frame's worth, and the schedule tested nothing.
     */
    private static final Query<Item> OWN_ITEMS = Query.of(Item.class, "routing < ?", ROUTING_VALUES);
    private static final String[] KINDS = {"take(routing < 64, 300 ms)", "take(routing = ?, 300 ms)", "takeMultiple(routing = ?, 4)",
            "takeMultiple(routing < 64, 4)"};

    private final Space space;
    private final History history;
    private final int writers;
    private final int takers;
    private final long seed;
    private final long pauseMicros;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param pauseMicros each thread's pause between two operations (keeps a 2-core machine responsive)
     */
    Load(Space space, History history, int writers, int takers, long seed, long pauseMicros) {
        this.space = space;
        this.history = history;
        this.writers = writers;
        this.takers = takers;
        this.seed = seed;
        this.pauseMicros = pauseMicros;
    }

    void start() {
        for (int w = 0; w < writers; w++) {
            int id = w;
            threads.add(new Thread(() -> write(id), "load-writer-" + w));
        }
        for (int t = 0; t < takers; t++) {
            int id = writers + t;
            threads.add(new Thread(() -> take(id), "load-taker-" + t));
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
    }

    /** Every thread runs and has not been told to stop. */
    boolean running() {
        return !stop.get() && !threads.isEmpty() && threads.stream().allMatch(Thread::isAlive);
    }

    /** Stops the threads if {@link #stop} was not called (a test that failed half-way): they must not run on into the next test. */
    @Override
    public void close() throws InterruptedException {
        if (!stop.get()) {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }

    /** Stops the threads and waits for their operations in flight (each is bounded by the client's timeout). */
    void stop(Duration timeout) throws InterruptedException {
        stop.set(true);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                throw new AssertionError("load thread " + t.getName() + " did not finish within " + timeout);
            }
        }
    }

    private void pause() {
        if (pauseMicros > 0) {
            try {
                TimeUnit.MICROSECONDS.sleep(pauseMicros);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
            }
        }
    }

    private void write(int writer) {
        Random rnd = new Random(seed * 31 + writer);
        List<Item> mine = new ArrayList<>();
        int seq = 0;
        while (!stop.get()) {
            Item item = new Item(Item.idOf(writer, seq++), rnd.nextInt(ROUTING_VALUES), writer, seq - 1);
            history.attempt(item);
            try {
                space.write(item, Lease.FOREVER, WriteMode.WRITE_ONLY);
                history.acknowledged(item);
                mine.add(item);
            } catch (EntryAlreadyExistsException e) {
                // a fresh id: only an earlier attempt of this very call can have written it — a retry applied twice
                history.anomaly("write of fresh id " + item.id() + " was refused as a duplicate: " + e.getMessage());
                history.maybe(item, e);
            } catch (RuntimeException e) {
                history.maybe(item, e);
            }
            if (seq % 4 == 0 && !mine.isEmpty()) {
                Item back = mine.get(mine.size() - 1 - rnd.nextInt(Math.min(mine.size(), 50)));
                try {
                    Item read = space.readById(Item.class, back.id(), back.routing());
                    history.reads.incrementAndGet();
                    if (read == null) {
                        history.readMissing.add(back.id());
                    } else if (!read.equals(back)) {
                        history.anomaly("read of " + back.id() + " returned " + read + ", written " + back);
                    }
                } catch (RuntimeException e) {
                    history.failedReads.incrementAndGet();
                }
            }
            pause();
        }
    }

    private void take(int thread) {
        Random rnd = new Random(seed * 31 + thread);
        int op = 0;
        while (!stop.get()) {
            int kind = op++ % 4;
            int max = kind >= 2 ? 4 : 1;
            String name = KINDS[kind];
            long start = System.nanoTime();
            try {
                List<Item> got = new ArrayList<>();
                switch (kind) {
                    case 0 -> add(got, space.take(OWN_ITEMS, Period.ofMillis(300)));
                    case 1 -> add(got, space.take(Query.of(Item.class, "routing = ?", rnd.nextInt(ROUTING_VALUES)), Period.ofMillis(300)));
                    // a takeMultiple over several partitions (or answer frames) whose outcome is unknown is resent: the
                    // resend completes it, and what its applied calls took is delivered even if it stays unknown
                    case 2 -> got.addAll(UnknownOutcomes.resolve(() -> space.takeMultiple(Query.of(Item.class, "routing = ?",
                            rnd.nextInt(ROUTING_VALUES)), max), TAKE_RESENDS));
                    default -> got.addAll(UnknownOutcomes.resolve(() -> space.takeMultiple(OWN_ITEMS, max), TAKE_RESENDS));
                }
                history.tookItems(thread, name, got, max, start);
            } catch (io.khora.OutcomeUnknownException e) {
                @SuppressWarnings("unchecked")
                List<Item> partial = (List<Item>) e.partialResult().orElse(List.of());
                if (!partial.isEmpty()) {
                    history.tookItems(thread, name + " (its applied calls)", partial, max, start);
                }
                history.takeUnknown(thread, name, max, start, e);
            } catch (RuntimeException e) {
                history.takeUnknown(thread, name, max, start, e);
            }
            pause();
        }
    }

    /** How often a taker resends a takeMultiple whose outcome is unknown before it records it as unknown. */
    private static final int TAKE_RESENDS = 2;

    private static void add(List<Item> got, Item i) {
        if (i != null) {
            got.add(i);
        }
    }
}

package io.khora.server;

import io.khora.Lease;
import io.khora.Space;
import io.khora.WriteMode;
import io.khora.persistence.Partitioning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The register load of the chaos tests: writer threads, each owning its keys, put ever larger
 * values ({@code WriteMode.UPDATE_OR_WRITE}); reader threads read random keys by id (the space's
 * default read mode). Every outcome goes into a {@link RegisterHistory}. The writers and the readers
 * use the clients they are given (long-lived ones); {@link #readAll} reads every key with any
 * client (a fresh one after a fault heals).
 */
final class RegisterLoad implements AutoCloseable {
    private final Space writerSpace;
    private final Space readerSpace;
    private final RegisterHistory history;
    private final int writers;
    private final int readers;
    private final long seed;
    private final long pauseMicros;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    RegisterLoad(Space writerSpace, Space readerSpace, RegisterHistory history, int writers, int readers, long seed, long pauseMicros) {
        this.writerSpace = writerSpace;
        this.readerSpace = readerSpace;
        this.history = history;
        this.writers = writers;
        this.readers = readers;
        this.seed = seed;
        this.pauseMicros = pauseMicros;
    }

    /**
     * The keys of {@code writers} writers, {@code keysPerWriter} each ({@code r<writer>-<k>}), key k
     * routed to partition {@code (writer + k) mod partitions}, so every writer covers every partition.
     */
    static Map<String, Integer> keys(int writers, int keysPerWriter, int partitions) {
        Map<String, Integer> out = new LinkedHashMap<>();
        int next = 0;
        for (int w = 0; w < writers; w++) {
            for (int k = 0; k < keysPerWriter; k++) {
                int target = (w + k) % partitions;
                while (Partitioning.partitionOf(next, partitions) != target) {
                    next++;
                }
                out.put(key(w, k), next++);
            }
        }
        return out;
    }

    static String key(int writer, int k) {
        return "r" + writer + "-" + k;
    }

    void start() {
        List<String> keys = List.copyOf(history.keys());
        int perWriter = keys.size() / writers;
        for (int w = 0; w < writers; w++) {
            List<String> mine = keys.subList(w * perWriter, (w + 1) * perWriter);
            threads.add(new Thread(() -> write(mine), "register-writer-" + w));
        }
        for (int r = 0; r < readers; r++) {
            int id = r;
            threads.add(new Thread(() -> read(keys, id), "register-reader-" + r));
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
    }

    boolean running() {
        return !stop.get() && threads.stream().allMatch(Thread::isAlive);
    }

    /** Stops the threads and waits for their operations in flight (each bounded by the client's timeout). */
    void stop(Duration timeout) throws InterruptedException {
        stop.set(true);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (t.isAlive()) {
                throw new AssertionError("register thread " + t.getName() + " did not finish within " + timeout);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (!stop.getAndSet(true)) {
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }

    private void write(List<String> keys) {
        Map<String, Long> last = new LinkedHashMap<>();
        int i = 0;
        while (!stop.get()) {
            String key = keys.get(i++ % keys.size());
            long value = last.merge(key, 1L, Long::sum); // every put a new, larger value, whatever the last outcome
            long start = System.nanoTime();
            try {
                writerSpace.write(new Register(key, history.routing(key), value), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);
                history.put(key, value, start, System.nanoTime(), null);
            } catch (RuntimeException e) {
                history.put(key, value, start, System.nanoTime(), e);
            }
            pause();
        }
    }

    private void read(List<String> keys, int reader) {
        Random rnd = new Random(seed * 131 + reader);
        String client = "reader-" + reader;
        while (!stop.get()) {
            read(readerSpace, keys.get(rnd.nextInt(keys.size())), client, history);
            pause();
        }
    }

    /** Reads every key once with {@code space}, each read recorded as by {@code client}. */
    static void readAll(Space space, RegisterHistory history, String client) {
        for (String key : history.keys()) {
            read(space, key, client, history);
        }
    }

    private static void read(Space space, String key, String client, RegisterHistory history) {
        long start = System.nanoTime();
        try {
            Register got = space.readById(Register.class, key, history.routing(key));
            history.read(key, client, start, System.nanoTime(), got);
        } catch (RuntimeException e) {
            history.failedReads.incrementAndGet();
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
}

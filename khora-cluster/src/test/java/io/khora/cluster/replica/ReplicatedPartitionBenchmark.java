package io.khora.cluster.replica;

import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.cluster.fixtures.Trade;
import io.khora.cluster.raft.WriteOutcome;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: measures one replicated partition (3 replicas and the writer in this JVM, loopback,
 * 100-byte values). Run with
 * {@code mvn -pl khora-cluster test -Dtest=ReplicatedPartitionBenchmark -Dkhora.bench=true}
 * (or its main method); prints synchronous write throughput and latency percentiles, 8 synchronous
 * writer threads, and pipelined (asynchronous, many in flight) throughput, without and with fsync.
 */
@EnabledIfSystemProperty(named = "khora.bench", matches = "true")
class ReplicatedPartitionBenchmark {
    static final TypeDescriptor TRADE = TypeIntrospector.describe(Trade.class);
    static final int KEYS = 10_000;

    public static void main(String[] args) throws Exception {
        new ReplicatedPartitionBenchmark().measure();
    }

    @Test
    void measure() throws Exception {
        for (boolean fsync : new boolean[] {false, true}) {
            try (TestGroup g = TestGroup.start("bench-" + fsync, List.of("A", "B", "C"),
                    b -> b.fsync(fsync).snapshotThresholdBytes(8L << 20).operationTimeout(Duration.ofSeconds(10))
                            .resendInterval(Duration.ofMillis(500)).failureDetection(Duration.ofSeconds(6), Duration.ofSeconds(1))
                            .sweepInterval(Duration.ofMillis(100)))) {
                ReplicatedPartition leader = g.awaitLeader(Duration.ofSeconds(10));
                Object[][] values = new Object[KEYS][];
                Random rnd = new Random(42);
                for (int i = 0; i < KEYS; i++) {
                    byte[] payload = new byte[100];
                    rnd.nextBytes(payload);
                    values[i] = TRADE.codec().toValues(new Trade("k" + i, "S" + (i % 10), i, payload, 0));
                }
                String label = fsync ? "fsync on " : "fsync off";
                sync(leader, values, 2_000, null);
                sync(leader, values, fsync ? 3_000 : 10_000, label);
                threads(leader, values, 8, fsync ? 2_000 : 4_000, label);
                pipelined(leader, values, 256, 5_000, null);
                pipelined(leader, values, 256, fsync ? 30_000 : 100_000, label);
                g.awaitConverged(Duration.ofSeconds(30));
            }
        }
    }

    static Object[] copy(Object[] v) {
        return v.clone();
    }

    static void sync(ReplicatedPartition leader, Object[][] values, int n, String label) throws Exception {
        long[] lat = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            leader.write(TRADE, copy(values[i % KEYS]), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE).get(10, TimeUnit.SECONDS);
            lat[i] = System.nanoTime() - t0;
        }
        long elapsed = System.nanoTime() - start;
        if (label != null) {
            Arrays.sort(lat);
            System.out.printf("[%s] synchronous, 1 thread : %,8.0f writes/s  p50 %.3f ms  p99 %.3f ms  (%d writes)%n", label,
                    n * 1e9 / elapsed, lat[n / 2] / 1e6, lat[(int) (n * 0.99)] / 1e6, n);
        }
    }

    static void threads(ReplicatedPartition leader, Object[][] values, int threads, int perThread, String label) throws Exception {
        long[][] lat = new long[threads][perThread];
        List<Thread> ts = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    long t0 = System.nanoTime();
                    try {
                        leader.write(TRADE, copy(values[(id * perThread + i) % KEYS]), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE)
                                .get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    lat[id][i] = System.nanoTime() - t0;
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        long elapsed = System.nanoTime() - start;
        long[] all = Arrays.stream(lat).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("[%s] synchronous, %d threads: %,8.0f writes/s  p50 %.3f ms  p99 %.3f ms  (%d writes, %d failed)%n", label,
                threads, all.length * 1e9 / elapsed, all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6, all.length,
                failures.get());
    }

    static void pipelined(ReplicatedPartition leader, Object[][] values, int inFlight, int n, String label) throws Exception {
        Semaphore window = new Semaphore(inFlight);
        AtomicLong failures = new AtomicLong();
        List<CompletableFuture<WriteOutcome>> last = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            window.acquire();
            CompletableFuture<WriteOutcome> f = leader.write(TRADE, copy(values[i % KEYS]), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);
            f.whenComplete((r, ex) -> {
                if (ex != null) {
                    failures.incrementAndGet();
                }
                window.release();
            });
            if (i >= n - inFlight) {
                last.add(f);
            }
        }
        window.acquire(inFlight);
        long elapsed = System.nanoTime() - start;
        if (label != null) {
            System.out.printf("[%s] pipelined, %d in flight: %,8.0f writes/s  (%d writes, %d failed)%n", label, inFlight,
                    n * 1e9 / elapsed, n, failures.get());
        }
        window.release(inFlight);
    }
}

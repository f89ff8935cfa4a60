package io.khora.bench.cluster;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One phase of the load: {@code threads} threads call one operation back to back — each waits for
 * its answer before the next call, as application threads using a synchronous client do — until
 * the phase's deadline or until the ids run out, and record every call's latency. The phase's
 * time runs from the start signal until the last thread's last answer; around it, the CPU time and
 * context switches of the client JVM, the contestant's node JVMs, and the idle other clusters'
 * JVMs are read from {@code /proc}.
 */
final class LoadPhase {
    /** What a load thread does once: the operation on an id, returning whether it found what it expected. */
    @FunctionalInterface
    interface Op {
        boolean run(long id);
    }

    /** Picks the next id for a thread; returns -1 when the ids are exhausted. */
    @FunctionalInterface
    interface Ids {
        long next();
    }

    /**
     * What a phase measured.
     *
     * @param ops calls made
     * @param misses calls that did not find what they expected (a read or take of an absent id)
     * @param nanos the phase's time
     * @param sorted every call's latency in ns, sorted
     * @param client the client JVM's CPU and context switches meanwhile
     * @param nodes the contestant's nodes' CPU and context switches meanwhile
     * @param bystanders the other, idle clusters' CPU and context switches meanwhile
     */
    record Result(long ops, long misses, long nanos, long[] sorted, ProcStats.Delta client, ProcStats.Delta nodes,
                  ProcStats.Delta bystanders) {
        double rate() {
            return ops / (nanos / 1e9);
        }

        /** The figures as result pairs, each key prefixed with {@code prefix}. */
        void putInto(Map<String, Object> out, String prefix) {
            out.put(prefix + ".ops", ops);
            out.put(prefix + ".rate", Math.round(rate()));
            out.put(prefix + ".p50", Latencies.percentile(sorted, 50));
            out.put(prefix + ".p90", Latencies.percentile(sorted, 90));
            out.put(prefix + ".p99", Latencies.percentile(sorted, 99));
            out.put(prefix + ".p999", Latencies.percentile(sorted, 99.9));
            out.put(prefix + ".mean", Math.round(Latencies.mean(sorted)));
            out.put(prefix + ".nanos", nanos);
            out.put(prefix + ".clientCpu", client.cpuNanos());
            out.put(prefix + ".clientSys", client.systemNanos());
            out.put(prefix + ".nodesCpu", nodes.cpuNanos());
            out.put(prefix + ".nodesSys", nodes.systemNanos());
            out.put(prefix + ".otherCpu", bystanders.cpuNanos());
            out.put(prefix + ".clientSwitches", client.switches());
            out.put(prefix + ".nodesSwitches", nodes.switches());
        }
    }

    private LoadPhase() {
    }

    /**
     * Runs a phase.
     *
     * @param threads load threads
     * @param millis the phase's length (threads stop starting calls after it), or 0 to run until {@code ids} is exhausted
     * @param ids the ids, shared by the threads
     * @param op the operation
     * @param nodePids the contestant's node processes
     * @param otherPids the other (idle) clusters' node processes
     */
    static Result run(int threads, long millis, Ids ids, Op op, long[] nodePids, long[] otherPids) throws InterruptedException {
        long self = ProcessHandle.current().pid();
        Latencies[] lat = new Latencies[threads];
        AtomicLong misses = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        long[] deadline = new long[1];
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            Latencies l = lat[i] = new Latencies();
            ts[i] = new Thread(() -> {
                try {
                    go.await();
                    long end = deadline[0];
                    while (failure.get() == null && (millis == 0 || System.nanoTime() - end < 0)) {
                        long id = ids.next();
                        if (id < 0) {
                            break;
                        }
                        long t0 = System.nanoTime();
                        boolean ok = op.run(id);
                        l.add(System.nanoTime() - t0);
                        if (!ok) {
                            misses.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }, "load-" + i);
            ts[i].start();
        }
        ProcStats.Sample c0 = ProcStats.of(self);
        ProcStats.Sample n0 = ProcStats.of(nodePids);
        ProcStats.Sample o0 = ProcStats.of(otherPids);
        long t0 = System.nanoTime();
        deadline[0] = t0 + millis * 1_000_000;
        go.countDown();
        done.await();
        long nanos = System.nanoTime() - t0;
        ProcStats.Sample c1 = ProcStats.of(self);
        ProcStats.Sample n1 = ProcStats.of(nodePids);
        ProcStats.Sample o1 = ProcStats.of(otherPids);
        if (failure.get() != null) {
            throw new IllegalStateException("a load thread failed", failure.get());
        }
        long[] sorted = Latencies.merge(lat);
        return new Result(sorted.length, misses.get(), nanos, sorted, ProcStats.Delta.between(c0, c1), ProcStats.Delta.between(n0, n1),
                ProcStats.Delta.between(o0, o1));
    }
}

package io.khora.bench.persistence;

import java.util.Map;

/** Times a round's measured section: wall clock, and the CPU time of this JVM and of the server. */
final class Stopwatch {
    private final CpuMeter cpu;
    private final CpuMeter.Sample cpuStart;
    private final long start;

    private Stopwatch(CpuMeter cpu) {
        this.cpu = cpu;
        this.cpuStart = cpu.sample();
        this.start = System.nanoTime();
    }

    /** Starts timing now. */
    static Stopwatch start(CpuMeter cpu) {
        return new Stopwatch(cpu);
    }

    /** Nanoseconds since the start. */
    long elapsed() {
        return System.nanoTime() - start;
    }

    /** Stops: {@code rows} were moved. */
    Mechanism.Round stop(long rows) throws InterruptedException {
        return stop(rows, Map.of());
    }

    /**
     * Stops: {@code rows} were moved; {@code rates} are further rows/s figures of the round. The
     * clock stops now; the CPU times are read once the server has settled
     * ({@link CpuMeter#settledSample()}), so they include the backends that just exited.
     */
    Mechanism.Round stop(long rows, Map<String, Double> rates) throws InterruptedException {
        long nanos = elapsed();
        CpuMeter.Sample end = cpu.settledSample();
        return new Mechanism.Round(rows, nanos, end.jvmMicrosPerRow(cpuStart, rows), end.serverMicrosPerRow(cpuStart, rows), rates);
    }
}

package io.khora.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine's load, from {@code /proc/loadavg}: a full run waits (a bounded time) for other
 * processes to quiet down before it measures, and the report states the load at start and end, so
 * a reader can tell whether something else ran on the cores during the measurement.
 */
public final class Quiet {
    private static final Path LOADAVG = Path.of("/proc/loadavg");

    private Quiet() {
    }

    /** The 1-minute load average, or NaN where the system does not publish it. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(LOADAVG).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Waits until the 1-minute load average is below {@code threshold}, at most {@code maxSeconds}; returns the load then. */
    public static double await(double threshold, int maxSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        double load = loadAverage();
        boolean told = false;
        while (!Double.isNaN(load) && load >= threshold && System.nanoTime() < deadline) {
            if (!told) {
                System.out.printf(Locale.ROOT, "machine busy (load average %.2f): waiting up to %d s for it to fall below %.2f%n",
                        load, maxSeconds, threshold);
                told = true;
            }
            Thread.sleep(5_000);
            load = loadAverage();
        }
        return load;
    }

    /**
     * The harness's scheduling nice value (from {@code /proc/self/stat}; JMH forks and probes
     * inherit it), or "n/a". A run on a machine shared with other builds may be started under
     * {@code nice -n -5} so the measured threads are preempted less.
     */
    public static String niceness() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
            return f[16];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** Starts sampling the load average every 5 s on a daemon thread. */
    public static Sampler sample() {
        Sampler s = new Sampler();
        s.thread.start();
        return s;
    }

    /** Samples of the 1-minute load average taken while a run measures. */
    public static final class Sampler {
        private final java.util.List<Double> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread thread = new Thread(this::loop, "load-sampler");

        private Sampler() {
            thread.setDaemon(true);
        }

        private void loop() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    double l = loadAverage();
                    if (!Double.isNaN(l)) {
                        samples.add(l);
                    }
                    Thread.sleep(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Stops sampling. */
        public void stop() {
            thread.interrupt();
        }

        /** Mean of the samples (NaN if none). */
        public double mean() {
            return samples.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        /** Largest sample (NaN if none). */
        public double max() {
            return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    /** A load average for the report: "0.12". */
    public static String format(double load) {
        return Double.isNaN(load) ? "n/a" : String.format(Locale.ROOT, "%.2f", load);
    }
}

package io.khora.bench.cluster;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time and context switches of processes, from {@code /proc} (Linux): user and system time of
 * {@code /proc/pid/stat} (every thread, GC and JIT included; 10 ms ticks) and the voluntary and
 * involuntary context switches of every thread ({@code /proc/pid/task/}{@code *}{@code /status}).
 * A difference of two readings counts a thread's switches since the first reading, or since it
 * started; those of a thread that ended in between are lost (the JVMs measured here keep their
 * threads). Elsewhere every figure is -1.
 */
final class ProcStats {
    /** Kernel clock ticks per second ({@code getconf CLK_TCK}: 100 on Linux). */
    private static final double TICKS = 100.0;

    private ProcStats() {
    }

    /**
     * One reading of some processes.
     *
     * @param userNanos CPU time in user mode so far, or -1
     * @param systemNanos CPU time in the kernel so far, or -1
     * @param switches context switches so far by "pid/tid" (empty if unknown)
     */
    record Sample(long userNanos, long systemNanos, Map<String, Long> switches) {

        /** CPU time so far (user + system), or -1. */
        long cpuNanos() {
            return userNanos < 0 || systemNanos < 0 ? -1 : userNanos + systemNanos;
        }
    }

    /**
     * What happened between two readings.
     *
     * @param userNanos CPU time in user mode, or -1
     * @param systemNanos CPU time in the kernel, or -1
     * @param switches context switches, or -1
     */
    record Delta(long userNanos, long systemNanos, long switches) {

        /** CPU time (user + system), or -1. */
        long cpuNanos() {
            return userNanos < 0 || systemNanos < 0 ? -1 : userNanos + systemNanos;
        }

        /** From {@code start} to {@code end}. */
        static Delta between(Sample start, Sample end) {
            long switches = -1;
            if (!end.switches.isEmpty()) {
                switches = 0;
                for (Map.Entry<String, Long> e : end.switches.entrySet()) {
                    switches += Math.max(0, e.getValue() - start.switches.getOrDefault(e.getKey(), 0L));
                }
            }
            return new Delta(diff(start.userNanos, end.userNanos), diff(start.systemNanos, end.systemNanos), switches);
        }

        private static long diff(long a, long b) {
            return a < 0 || b < 0 ? -1 : b - a;
        }
    }

    /** Processes {@code pids} now (summed). */
    static Sample of(long... pids) {
        long user = 0;
        long system = 0;
        Map<String, Long> switches = new HashMap<>();
        for (long pid : pids) {
            Path dir = Path.of("/proc", String.valueOf(pid));
            try {
                String s = Files.readString(dir.resolve("stat"));
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                user += Math.round(Long.parseLong(f[11]) / TICKS * 1e9);
                system += Math.round(Long.parseLong(f[12]) / TICKS * 1e9);
            } catch (IOException | RuntimeException e) {
                return new Sample(-1, -1, Map.of());
            }
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir.resolve("task"))) {
                for (Path t : tasks) {
                    long n = switches(t.resolve("status"));
                    if (n >= 0) {
                        switches.put(pid + "/" + t.getFileName(), n);
                    }
                }
            } catch (IOException | RuntimeException e) {
                switches.clear();
            }
        }
        return new Sample(user, system, switches);
    }

    private static long switches(Path status) {
        try {
            long n = 0;
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1; // the thread ended
        }
    }
}

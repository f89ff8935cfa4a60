package io.khora.bench.persistence;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * CPU time of both ends of a measurement: this JVM (every thread, GC and JIT included) and the
 * PostgreSQL server (the postmaster and every process it started — backends, WAL writer,
 * checkpointer —, from {@code /proc}; a process that exited is in its parent's reaped-children
 * time). Per row, it shows where a mechanism's time goes on a machine whose two cores both ends
 * share. The resolution is the kernel's clock tick (10 ms) per process. Linux only: elsewhere the
 * server's figure is NaN.
 */
final class CpuMeter {
    private static final Logger LOG = LoggerFactory.getLogger(CpuMeter.class);
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final long SETTLE_MILLIS = 50;
    /** Kernel clock ticks per second ({@code getconf CLK_TCK}: 100 on Linux). */
    private static final double TICKS = 100.0;

    private final long postmaster;

    private CpuMeter(long postmaster) {
        this.postmaster = postmaster;
    }

    /** A meter of this JVM and {@code db}'s server (found as the parent of a backend). */
    static CpuMeter of(Database db) {
        long pm = -1;
        try (Connection c = db.connect(false); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
            rs.next();
            String[] stat = stat(Path.of("/proc", String.valueOf(rs.getLong(1)), "stat"));
            pm = stat == null ? -1 : Long.parseLong(stat[1]);
        } catch (Exception e) {
            LOG.warn("cannot find PostgreSQL's processes; its CPU time will not be reported: {}", e.toString());
        }
        return new CpuMeter(pm);
    }

    /** CPU time so far. */
    Sample sample() {
        return new Sample(OS.getProcessCpuTime(), serverNanos());
    }

    /**
     * CPU time so far, once the server is quiet: a backend whose connection was just closed is still
     * exiting, and its time shows (in the postmaster's reaped-children time) only once it is reaped,
     * so this polls every {@value #SETTLE_MILLIS} ms until two readings of the server agree (at
     * most about a second). The JVM is read at the same moment.
     */
    Sample settledSample() throws InterruptedException {
        Sample last = sample();
        for (int i = 0; i < 20 && last.server() >= 0; i++) {
            Thread.sleep(SETTLE_MILLIS);
            Sample next = sample();
            if (next.server() == last.server()) {
                return next;
            }
            last = next;
        }
        return last;
    }

    /**
     * CPU time at one moment.
     *
     * @param jvm this JVM's CPU nanoseconds
     * @param server the server's CPU nanoseconds, or -1 if unknown
     */
    record Sample(long jvm, long server) {
        /** This JVM's CPU µs per row since {@code start}. */
        double jvmMicrosPerRow(Sample start, long rows) {
            return (jvm - start.jvm) / 1e3 / rows;
        }

        /** The server's CPU µs per row since {@code start}, or NaN. */
        double serverMicrosPerRow(Sample start, long rows) {
            return server < 0 || start.server < 0 ? Double.NaN : (server - start.server) / 1e3 / rows;
        }
    }

    private long serverNanos() {
        if (postmaster < 0) {
            return -1;
        }
        String[] own = stat(Path.of("/proc", String.valueOf(postmaster), "stat"));
        if (own == null) {
            return -1;
        }
        long ticks = ticks(own, true);
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                String[] s = stat(p.resolve("stat"));
                if (s != null && Long.parseLong(s[1]) == postmaster) {
                    ticks += ticks(s, false);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return Math.round(ticks / TICKS * 1e9);
    }

    /** utime + stime (+ cutime + cstime of reaped children). */
    private static long ticks(String[] s, boolean withChildren) {
        long t = Long.parseLong(s[11]) + Long.parseLong(s[12]);
        return withChildren ? t + Long.parseLong(s[13]) + Long.parseLong(s[14]) : t;
    }

    /** The fields of {@code /proc/pid/stat} after the command name: [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime. */
    private static String[] stat(Path file) {
        try {
            String s = Files.readString(file);
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null; // the process is gone
        }
    }
}

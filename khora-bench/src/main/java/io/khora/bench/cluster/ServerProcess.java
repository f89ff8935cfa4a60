package io.khora.bench.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running child JVM (a cluster node or member) on the harness's class path, its output in a
 * log file. {@link io.khora.bench.ChildJvm} probes run to completion; these run until {@link #close}: SIGTERM,
 * a few seconds' grace, then SIGKILL. A JVM shutdown hook kills whatever is still running when
 * the harness ends (even on failure), so no node outlives the run.
 */
final class ServerProcess implements AutoCloseable {
    private static final long GRACE_SECONDS = 5;

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread reaper;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.reaper = new Thread(process::destroyForcibly, "reaper-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts {@code mainClass} with {@code jvmArgs} and {@code args}; its output goes to {@code log}. */
    static ServerProcess start(String name, String classpath, List<String> jvmArgs, String mainClass, List<String> args, Path log)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServerProcess(name, p, log);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /** Waits until the output has a line containing {@code text}; fails if the process dies or {@code timeoutSeconds} pass. */
    void awaitLine(String text, long timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            if (Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException(name + " exited " + process.exitValue() + " before printing '" + text + "':\n" + tail(40));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(name + " did not print '" + text + "' within " + timeoutSeconds + " s:\n" + tail(40));
            }
            Thread.sleep(100);
        }
    }

    /** Fails with the output's tail if the process has died. */
    void checkAlive() throws IOException {
        if (!process.isAlive()) {
            throw new IOException(name + " exited " + process.exitValue() + ":\n" + tail(40));
        }
    }

    /** The last {@code lines} lines of the output. */
    String tail(int lines) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, f.length() - 16_384);
            byte[] b = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(b);
            String[] all = new String(b, StandardCharsets.UTF_8).split("\n");
            return "  " + String.join("\n  ", List.of(all).subList(Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "  (cannot read " + log + ": " + e + ")";
        }
    }

    /** SIGTERM, a few seconds' grace, then SIGKILL. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }
}

package io.khora.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a probe in a fresh JVM (same JDK, same class path) so its figures are not contaminated by
 * earlier benchmarks, and returns the {@code key=value} pairs of the line it prints starting with
 * {@value #RESULT}. A probe that exits non-zero, prints no result or outlives its timeout fails
 * the run with its output.
 */
public final class ChildJvm {
    /** The prefix of a probe's result line. */
    public static final String RESULT = "RESULT ";

    private ChildJvm() {
    }

    /** Runs {@code mainClass} with {@code jvmArgs} and {@code args}; returns its result pairs. */
    public static Map<String, String> run(String classpath, List<String> jvmArgs, Class<?> mainClass, List<String> args,
                                          long timeoutSeconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        Thread reader = new Thread(() -> drain(p, output), "child-output");
        reader.start();
        boolean exited = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        reader.join(5_000);
        synchronized (output) {
            String result = output.stream().filter(l -> l.startsWith(RESULT)).reduce((a, b) -> b).orElse(null);
            if (!exited || p.exitValue() != 0 || result == null) {
                throw new IOException(mainClass.getSimpleName() + " " + args + (exited ? " exited " + p.exitValue() : " timed out")
                        + " without a result; its output:\n  " + String.join("\n  ", tail(output, 40)));
            }
            return parse(result.substring(RESULT.length()));
        }
    }

    /** The result line a probe prints for {@code pairs}. */
    public static String resultLine(Map<String, ?> pairs) {
        StringBuilder sb = new StringBuilder(RESULT);
        pairs.forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
        return sb.toString().trim();
    }

    private static void drain(Process p, List<String> output) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (output) {
                    output.add(line);
                }
            }
        } catch (IOException ignored) {
            // the process died; its exit code says so
        }
    }

    private static List<String> tail(List<String> lines, int n) {
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    private static Map<String, String> parse(String pairs) {
        Map<String, String> m = new HashMap<>();
        for (String kv : pairs.trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return m;
    }
}

package io.khora.bench;

import io.khora.bench.family.BenchmarkFamily;
import io.khora.bench.family.FamilyResult;
import io.khora.bench.peer.HazelcastMember;
import io.khora.bench.report.MarkdownReport;
import io.khora.bench.report.RunInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The benchmark harness: runs every {@link BenchmarkFamily} (found with {@link ServiceLoader}) and
 * rewrites the report and its charts from that one run; or, with family ids after the mode, runs
 * only those and replaces only their sections of the report (the others are kept).
 *
 * <pre>
 * mvn -q -B -ntp -pl khora-bench -am -DskipTests package exec:java -Dexec.args="full"              # docs/benchmarks.md, 20–25 min
 * mvn -q -B -ntp -pl khora-bench -am -DskipTests package exec:java -Dexec.args="smoke"             # khora-bench/target/bench-smoke/, about a minute
 * mvn -q -B -ntp -pl khora-bench -am -DskipTests package exec:java -Dexec.args="full persistence"  # one family (ids: local, hand-off, memory, persistence)
 * </pre>
 *
 * <p>The harness itself only orchestrates: JMH forks a JVM per benchmark (full mode), and the
 * hand-off and memory probes run in JVMs of their own, so no figure is taken in Maven's JVM.
 */
public final class BenchmarkSuite {
    static final String FULL_COMMAND = "mvn -q -B -ntp -pl khora-bench -am -DskipTests package exec:java -Dexec.args=\"full\"";
    static final String SMOKE_COMMAND = "mvn -q -B -ntp -pl khora-bench -am -DskipTests package exec:java -Dexec.args=\"smoke\"";

    /** A full run starts measuring once the 1-minute load average is below this (other work on the cores)... */
    private static final double QUIET_LOAD = 0.7;
    /** ...or after this long, whichever comes first (the report states the load either way). */
    private static final int QUIET_WAIT_SECONDS = 60;

    private BenchmarkSuite() {
    }

    public static void main(String[] args) throws Exception {
        SuiteMode mode = SuiteMode.parse(args.length == 0 ? "full" : args[0]);
        long start = System.nanoTime();
        List<BenchmarkFamily> families = new ArrayList<>();
        ServiceLoader.load(BenchmarkFamily.class, BenchmarkSuite.class.getClassLoader()).forEach(families::add);
        families.sort(Comparator.comparingInt(BenchmarkFamily::order));
        List<BenchmarkFamily> selected = select(families, Arrays.asList(args).subList(Math.min(1, args.length), args.length));
        boolean all = selected.size() == families.size();
        SuiteSettings settings = settings(mode);
        System.setProperty("java.class.path", settings.classpath());
        Files.createDirectories(settings.workDir());
        System.out.printf("Khora benchmark suite (%s%s) → %s%n", mode.name(),
                all ? "" : ": " + selected.stream().map(BenchmarkFamily::id).collect(Collectors.joining(", ")), settings.reportFile());
        double loadAtStart = mode.isFull() ? Quiet.await(QUIET_LOAD, QUIET_WAIT_SECONDS) : Quiet.loadAverage();
        Quiet.Sampler load = Quiet.sample();
        Map<String, FamilyResult> results = new LinkedHashMap<>();
        try {
            for (BenchmarkFamily f : selected) {
                long t0 = System.nanoTime();
                results.put(f.id(), f.run(settings));
                System.out.printf("[%s] done in %s%n", f.id(), human(System.nanoTime() - t0));
            }
        } finally {
            HazelcastMember.shutdown();
        }
        String took = human(System.nanoTime() - start);
        load.stop();
        String loadText = Quiet.format(loadAtStart) + " at start; during the run mean " + Quiet.format(load.mean()) + ", max "
                + Quiet.format(load.max()) + " (the benchmarks' own 1–2 threads account for 1–2); process nice value "
                + Quiet.niceness();
        RunInfo run = new RunInfo(mode.name(), settings.machine().date(), revision(), took, loadText, List.copyOf(results.keySet()));
        MarkdownReport.write(settings, families, results, run, !all);
        System.out.printf("Wrote %s%s and %d chart(s) in %s (total %s)%n", settings.reportFile(),
                all ? "" : " (other families' sections kept)", countCharts(settings.chartDir()), settings.chartDir(), took);
    }

    /**
     * The families named in {@code ids} (all when none is named), in report order.
     *
     * @throws IllegalArgumentException for an unknown id (the message lists the known ones)
     */
    static List<BenchmarkFamily> select(List<BenchmarkFamily> families, List<String> ids) {
        if (ids.isEmpty()) {
            return families;
        }
        Set<String> known = families.stream().map(BenchmarkFamily::id).collect(Collectors.toCollection(LinkedHashSet::new));
        for (String id : ids) {
            if (!known.contains(id)) {
                throw new IllegalArgumentException("unknown benchmark family '" + id + "': the families are " + known);
            }
        }
        return families.stream().filter(f -> ids.contains(f.id())).toList();
    }

    private static SuiteSettings settings(SuiteMode mode) throws IOException {
        Path root = root();
        Path bench = root.resolve("khora-bench");
        Path target = bench.resolve("target");
        boolean full = mode.isFull();
        Path report = full ? root.resolve("docs/benchmarks.md") : target.resolve("bench-smoke/benchmarks.md");
        Path charts = full ? root.resolve("docs/benchmarks") : target.resolve("bench-smoke/benchmarks");
        Path work = target.resolve("bench-" + mode.name());
        String classpath = Classpath.resolve();
        if (full) {
            classpath = Classpath.snapshot(classpath, work.resolve("classes-snapshot"));
        }
        return new SuiteSettings(mode, root, report, charts, work, classpath, Machine.detect(), full ? FULL_COMMAND : SMOKE_COMMAND);
    }

    /** The repository root: the {@code khora.bench.root} property (set by the pom), else found from the working directory. */
    private static Path root() {
        String configured = System.getProperty("khora.bench.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("khora-bench")) && Files.isDirectory(p.resolve("docs"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root: run from it, or set -Dkhora.bench.root");
    }

    /** The git revision of the tree (read-only), or "unknown". */
    private static String revision() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty").directory(root().toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() ? "`" + out + "`" : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static long countCharts(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0; // only chartless families ran (e.g. the Cassandra family's smoke pass)
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".png")).count();
        }
    }

    private static String human(long nanos) {
        Duration d = Duration.ofNanos(nanos);
        return d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s";
    }
}

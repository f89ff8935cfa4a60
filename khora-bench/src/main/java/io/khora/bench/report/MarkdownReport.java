package io.khora.bench.report;

import io.khora.bench.Machine;
import io.khora.bench.SuiteSettings;
import io.khora.bench.family.FamilyResult;
import io.khora.bench.family.Roadmap;
import io.khora.bench.family.TargetCheck;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

/**
 * Writes {@code docs/benchmarks.md} (or the smoke run's copy) from one run: header, machine,
 * command, the targets, one section per family, the families not measured yet, and the
 * hand-written analysis kept next to this class ({@value #ANALYSIS}).
 */
public final class MarkdownReport {
    /** The hand-written analysis, a resource next to this class. */
    static final String ANALYSIS = "analysis.md";

    private MarkdownReport() {
    }

    /** Writes the report for {@code results}; {@code measuredFamilies} are the ids of the families that ran. */
    public static void write(SuiteSettings s, List<FamilyResult> results, Set<String> measuredFamilies, String revision,
                             String duration, String load) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        if (!s.mode().isFull()) {
            md.append("> **Smoke run** (token iterations, small data): these figures only prove the harness works. "
                    + "The committed figures are in `docs/benchmarks.md`.\n\n");
        }
        md.append("Khora against its peers and the physical limit, side by side, in one run on one machine. This page is "
                + "generated: the harness (`khora-bench`, `io.khora.bench.BenchmarkSuite`) rewrites it and its charts on every full "
                + "run; do not edit it by hand (the analysis at the end comes from `khora-bench/src/main/resources/io/khora/bench/"
                + "report/analysis.md`). Every ratio on the page comes from this one run.\n\n");
        md.append("```bash\n").append(s.command()).append("\n```\n\n");
        machine(md, s.machine(), revision, duration, load);
        targets(md, results);
        for (FamilyResult r : results) {
            md.append("## ").append(r.title()).append("\n\n").append(r.markdown()).append('\n');
        }
        pending(md, measuredFamilies);
        md.append("## Analysis\n\n").append(analysis(s));
        Files.createDirectories(s.reportFile().getParent());
        Files.writeString(s.reportFile(), md.toString(), StandardCharsets.UTF_8);
    }

    private static void machine(StringBuilder md, Machine m, String revision, String duration, String load) {
        MarkdownTable t = new MarkdownTable("machine", "");
        t.row("date", m.date());
        t.row("cores", String.valueOf(m.cores()));
        t.row("CPU", m.cpu());
        t.row("memory", String.format("%.1f GiB", m.memoryGiB()));
        t.row("JDK", m.jdk());
        t.row("OS", m.os());
        t.row("Khora revision", revision);
        t.row("run time", duration);
        t.row("1-minute load average", load);
        md.append(t.render()).append('\n');
    }

    private static void targets(StringBuilder md, List<FamilyResult> results) {
        md.append("## Targets\n\n");
        md.append("The issue's targets for the local figures (the goal, not a test), judged on the ratios of the tables below. "
                + "Persistence and cluster targets wait for their families (see *Not measured yet*). The paired cross-check "
                + "measures the one-thread by-id ratios again in one JVM, Khora and the map alternating in 100 ms slices (ABBA), "
                + "and gives the median of 30 rounds' ratios with its quartiles: other work on the machine hits both sides of a "
                + "round alike, so it holds where the absolute rates do not. It has its own bias: in one JVM, garbage made in Khora's "
                + "slices is partly collected during the map's, which flatters Khora for an operation that allocates much "
                + "(`update`: see the allocation column), so there it is an upper bound.\n\n");
        MarkdownTable t = new MarkdownTable("target", "measured", "Khora ratio", "result", "paired cross-check");
        for (FamilyResult r : results) {
            for (TargetCheck c : r.targets()) {
                t.row(c.target(), c.context(), Fmt.ratio(c.ratio()), c.met() ? "**met**" : "**" + c.gap() + "**", c.crossCheck());
            }
        }
        md.append(t.render()).append('\n');
    }

    private static void pending(StringBuilder md, Set<String> measured) {
        List<Roadmap.Pending> open = Roadmap.PENDING.stream().filter(p -> !measured.contains(p.id())).toList();
        if (open.isEmpty()) {
            return;
        }
        md.append("## Not measured yet\n\n");
        for (Roadmap.Pending p : open) {
            md.append("* **").append(p.id()).append("**: ").append(p.what()).append(". *Not measured because* ")
                    .append(p.why()).append(".\n");
        }
        md.append('\n');
    }

    private static String analysis(SuiteSettings s) throws IOException {
        // prefer the source tree's copy, so an edit shows without a rebuild
        java.nio.file.Path source = s.root().resolve("khora-bench/src/main/resources/io/khora/bench/report/" + ANALYSIS);
        if (Files.isReadable(source)) {
            return Files.readString(source, StandardCharsets.UTF_8);
        }
        try (InputStream in = MarkdownReport.class.getResourceAsStream(ANALYSIS)) {
            if (in == null) {
                return "(no analysis resource)\n";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package io.khora.bench.report;

import io.khora.bench.Machine;
import io.khora.bench.SuiteSettings;
import io.khora.bench.family.BenchmarkFamily;
import io.khora.bench.family.FamilyResult;
import io.khora.bench.family.Roadmap;
import io.khora.bench.family.TargetCheck;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code docs/benchmarks.md} (or the smoke run's copy): header, machine, command, the
 * issue's targets, one section per family, the families not measured yet, and the hand-written
 * analysis kept next to this class ({@value #ANALYSIS}).
 *
 * <p>A run of every family writes the page from its own results. A run of selected families
 * ({@code -Dexec.args="full persistence"}) replaces only their sections and target rows and keeps
 * the other families' from the page already there ({@link ExistingReport}); every family section
 * starts with the line naming the run that measured it ({@link RunInfo}).
 */
public final class MarkdownReport {
    /** The hand-written analysis, a resource next to this class. */
    static final String ANALYSIS = "analysis.md";

    private MarkdownReport() {
    }

    /**
     * Writes the report.
     *
     * @param s the run's settings
     * @param families every family the harness knows, in report order
     * @param results the results of the families this run measured, by family id
     * @param run this run
     * @param keepOthers whether the sections of the families not run are kept from the existing page
     */
    public static void write(SuiteSettings s, List<BenchmarkFamily> families, Map<String, FamilyResult> results, RunInfo run,
                             boolean keepOthers) throws IOException {
        ExistingReport old = keepOthers ? ExistingReport.read(s.reportFile(), families) : ExistingReport.empty();
        Map<String, String> sections = new LinkedHashMap<>();   // family id -> "## title\n\nbody"
        Map<String, List<String>> targetRows = new LinkedHashMap<>();
        for (BenchmarkFamily f : families) {
            FamilyResult r = results.get(f.id());
            if (r != null) {
                sections.put(f.id(), "## " + r.title() + "\n\n" + ExistingReport.MARKER + f.id() + " -->\n" + run.line() + "\n\n"
                        + r.markdown());
                targetRows.put(f.id(), r.targets().stream().map(c -> targetRow(f.id(), c)).toList());
            } else if (old.section(f.id()) != null) {
                ExistingReport.Section kept = old.section(f.id());
                sections.put(f.id(), "## " + kept.title() + "\n\n" + kept.body());
                targetRows.put(f.id(), old.targetRows(f.id()));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        if (!s.mode().isFull()) {
            md.append("> **Smoke run** (token iterations, small data): these figures only prove the harness works. "
                    + "The committed figures are in `docs/benchmarks.md`.\n\n");
        }
        md.append("Khora against its peers and the physical limit, side by side, on one machine. This page is generated: the "
                + "harness (`khora-bench`, `io.khora.bench.BenchmarkSuite`) rewrites it and its charts; do not edit it by hand (the "
                + "analysis at the end comes from `khora-bench/src/main/resources/io/khora/bench/report/analysis.md`). A run of "
                + "every family rewrites the whole page; a run of selected families (`-Dexec.args=\"full persistence\"`) replaces "
                + "their sections and keeps the others. Each section names the run that measured it, and every ratio in a section "
                + "comes from that one run.\n\n");
        md.append("```bash\n").append(s.command()).append("\n```\n\n");
        machine(md, s.machine(), run);
        targets(md, families, targetRows, sections.keySet());
        sections.values().forEach(sec -> md.append(sec.stripTrailing()).append("\n\n"));
        pending(md, sections.keySet());
        md.append("## Analysis\n\n").append(analysis(s));
        Files.createDirectories(s.reportFile().getParent());
        Files.writeString(s.reportFile(), md.toString(), StandardCharsets.UTF_8);
    }

    private static void machine(StringBuilder md, Machine m, RunInfo run) {
        md.append("The machine, and the latest run (which measured ").append(String.join(", ", run.families())).append("):\n\n");
        MarkdownTable t = new MarkdownTable("machine", "");
        t.row("date", m.date());
        t.row("cores", String.valueOf(m.cores()));
        t.row("CPU", m.cpu());
        t.row("memory", String.format("%.1f GiB", m.memoryGiB()));
        t.row("JDK", m.jdk());
        t.row("OS", m.os());
        t.row("Khora revision", run.revision());
        t.row("run time", run.duration());
        t.row("1-minute load average", run.load());
        md.append(t.render()).append('\n');
    }

    /** A row of the targets table; its last cell ends with the family's marker (a comment, not shown). */
    private static String targetRow(String familyId, TargetCheck c) {
        return "| " + String.join(" | ", c.target(), c.context(), Fmt.ratio(c.ratio()), c.met() ? "**met**" : "**" + c.gap() + "**",
                c.crossCheck() + " " + ExistingReport.MARKER + familyId + " -->") + " |";
    }

    private static void targets(StringBuilder md, List<BenchmarkFamily> families, Map<String, List<String>> rows, Set<String> shown) {
        md.append("## Targets\n\n");
        List<String> waiting = Roadmap.PENDING.stream().map(Roadmap.Pending::id).filter(id -> !shown.contains(id)).toList();
        md.append("The issue's targets (the goal, not a test), judged on the ratios of the sections below");
        md.append(waiting.isEmpty() ? ".\n\n" : "; those of " + String.join(" and ", waiting)
                + " wait for their families (see *Not measured yet*).\n\n");
        for (BenchmarkFamily f : families) {
            if (shown.contains(f.id()) && !f.targetsNote().isEmpty()) {
                md.append(f.targetsNote()).append("\n\n");
            }
        }
        MarkdownTable t = new MarkdownTable("target", "measured", "Khora ratio", "result", "paired cross-check");
        StringBuilder table = new StringBuilder(t.render());
        for (BenchmarkFamily f : families) {
            for (String row : rows.getOrDefault(f.id(), List.of())) {
                table.append(row).append('\n');
            }
        }
        md.append(table).append('\n');
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

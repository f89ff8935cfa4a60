package io.khora.bench.report;

import io.khora.bench.family.BenchmarkFamily;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report written by an earlier run, read back so that a run of selected families can keep the
 * sections and target rows of the others. A family's section is recognised by its marker comment
 * ({@value #MARKER}{@code id -->}) or, in a page written before markers existed, by its heading
 * ({@link BenchmarkFamily#title()}); a row of the targets table by the same marker at its end or,
 * in such an older page, by its target text ({@link BenchmarkFamily#targetNames()}). What no known
 * family claims is dropped (its family is gone). A section without its own "measured by" line gets one
 * made from the old page's machine table, which then described the run of every section.
 */
final class ExistingReport {
    /** Starts the comment that names a section's family. */
    static final String MARKER = "<!-- family: ";
    private static final String TARGETS = "Targets";
    private static final String MODE = " mode";

    /** A kept family section: its body starts with the marker and the "measured by" line. */
    record Section(String familyId, String title, String body) {
    }

    private final Map<String, Section> sections = new LinkedHashMap<>();
    private final Map<String, List<String>> targetRows = new LinkedHashMap<>();

    private ExistingReport() {
    }

    /** No earlier report: nothing is kept. */
    static ExistingReport empty() {
        return new ExistingReport();
    }

    /** The report at {@code file} as far as {@code families} know it (empty if there is none). */
    static ExistingReport read(Path file, List<BenchmarkFamily> families) throws IOException {
        ExistingReport r = new ExistingReport();
        if (!Files.isReadable(file)) {
            return r;
        }
        List<String[]> parts = split(Files.readString(file, StandardCharsets.UTF_8));
        String header = parts.isEmpty() ? "" : parts.get(0)[1];
        Map<String, String> machine = machineTable(header);
        machine.put(MODE, header.contains("**Smoke run**") ? "smoke" : "full");
        for (String[] part : parts) {
            String title = part[0];
            String body = part[1];
            if (TARGETS.equals(title)) {
                r.readTargets(body, families);
                continue;
            }
            BenchmarkFamily f = owner(title, body, families);
            if (f != null) {
                r.sections.put(f.id(), new Section(f.id(), title, withProvenance(f.id(), body, machine)));
            }
        }
        return r;
    }

    /** The kept section of family {@code id}, or null. */
    Section section(String id) {
        return sections.get(id);
    }

    /** The kept rows of the targets table of family {@code id} (Markdown lines), possibly empty. */
    List<String> targetRows(String id) {
        return targetRows.getOrDefault(id, List.of());
    }

    /** The page split at its second-level headings: [title, body]; the first part is the header (title ""). */
    private static List<String[]> split(String md) {
        List<String[]> parts = new ArrayList<>();
        String title = "";
        StringBuilder body = new StringBuilder();
        for (String line : md.split("\n", -1)) {
            if (line.startsWith("## ")) {
                parts.add(new String[] {title, body.toString()});
                title = line.substring(3).trim();
                body.setLength(0);
            } else {
                body.append(line).append('\n');
            }
        }
        parts.add(new String[] {title, body.toString()});
        return parts;
    }

    private static BenchmarkFamily owner(String title, String body, List<BenchmarkFamily> families) {
        for (BenchmarkFamily f : families) {
            if (body.contains(MARKER + f.id() + " -->")) {
                return f;
            }
        }
        for (BenchmarkFamily f : families) {
            if (f.title().equals(title)) {
                return f;
            }
        }
        return null;
    }

    private void readTargets(String body, List<BenchmarkFamily> families) {
        int row = 0;
        for (String line : body.split("\n")) {
            if (!line.startsWith("|")) {
                continue;
            }
            if (row++ < 2) {
                continue; // heading and separator
            }
            String[] cells = line.split("\\|");
            String target = cells.length > 1 ? cells[1].trim() : "";
            for (BenchmarkFamily f : families) {
                if (line.contains(MARKER + f.id() + " -->") || !line.contains(MARKER) && f.targetNames().contains(target)) {
                    targetRows.computeIfAbsent(f.id(), k -> new ArrayList<>()).add(line);
                    break;
                }
            }
        }
    }

    /** The machine table of the page's header: first column → second. */
    private static Map<String, String> machineTable(String header) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : header.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length >= 3) {
                m.put(cells[1].trim(), cells[2].trim());
            }
        }
        return m;
    }

    private static String withProvenance(String id, String body, Map<String, String> machine) {
        String trimmed = body.strip();
        if (trimmed.startsWith(MARKER)) {
            return trimmed + "\n";
        }
        String line = "*Measured by the " + machine.get(MODE) + " run of " + machine.getOrDefault("date", "an earlier date") + " (revision "
                + machine.getOrDefault("Khora revision", "unknown") + ", " + machine.getOrDefault("run time", "?")
                + " for every family then; 1-minute load average " + machine.getOrDefault("1-minute load average", "n/a") + ").*";
        return MARKER + id + " -->\n" + line + "\n\n" + trimmed + "\n";
    }
}

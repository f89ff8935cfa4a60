package io.khora.bench.memory;

import io.khora.bench.ChildJvm;
import io.khora.bench.JvmFlags;
import io.khora.bench.SuiteSettings;
import io.khora.bench.family.BenchmarkFamily;
import io.khora.bench.family.FamilyResult;
import io.khora.bench.family.TargetCheck;
import io.khora.bench.peer.KhoraSpaces;
import io.khora.bench.report.BarChart;
import io.khora.bench.report.Fmt;
import io.khora.bench.report.MarkdownTable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap bytes per entry for N six-property trades: Khora vs Hazelcast (BINARY and OBJECT) vs a
 * {@code HashMap} of the same objects (the limit), without and with two indexes, each measured in
 * a fresh JVM by {@link MemoryProbe}.
 */
public final class MemoryFamily implements BenchmarkFamily {
    private static final String CHART = "memory-per-entry.png";
    private static final String LIMIT = "hashmap";
    static final String TARGET = "memory per entry ≤ 1.0× a HashMap of the same objects";

    /**
     * A row of the table.
     *
     * @param key the probe's contestant key
     * @param label the table's label
     * @param chartLabel the chart's label
     * @param khoraTwin the Khora contestant with the same indexes (for the "Khora ÷ this" column), or null
     */
    private record Row(String key, String label, String chartLabel, String khoraTwin) {
    }

    private static final List<Row> ROWS = List.of(
            new Row(LIMIT, "`HashMap<Long, PlainTrade>` of the objects (limit)", "HashMap (limit)", "khora-plain"),
            new Row("khora-plain", "Khora, no index", "Khora", null),
            new Row("hz-binary-plain", "Hazelcast BINARY, no index", "HZ BINARY", "khora-plain"),
            new Row("hz-object-plain", "Hazelcast OBJECT, no index", "HZ OBJECT", "khora-plain"),
            new Row("khora-indexed", "Khora, 2 indexes (trader hash, price ordered)", "Khora 2 idx", null),
            new Row("hz-binary-indexed", "Hazelcast BINARY, same 2 indexes (HASH, SORTED)", "HZ BINARY 2 idx", "khora-indexed"),
            new Row("hz-object-indexed", "Hazelcast OBJECT, same 2 indexes (HASH, SORTED)", "HZ OBJECT 2 idx", "khora-indexed"));

    @Override
    public String id() {
        return "memory";
    }

    @Override
    public int order() {
        return 30;
    }

    @Override
    public String title() {
        return "Memory per entry";
    }

    @Override
    public List<String> targetNames() {
        return List.of(TARGET);
    }

    @Override
    public FamilyResult run(SuiteSettings settings) throws Exception {
        int n = settings.mode().memoryEntries();
        Map<String, Double> perEntry = new LinkedHashMap<>();
        for (Row row : ROWS) {
            System.out.printf("[memory] %s%n", row.key());
            Map<String, String> r = ChildJvm.run(settings.classpath(), JvmFlags.withHeap("8g", "-XX:+UseSerialGC"),
                    MemoryProbe.class, List.of(row.key(), String.valueOf(n)), 600);
            perEntry.put(row.key(), Double.parseDouble(r.get("bytesPerEntry")));
        }
        writeChart(settings, perEntry);
        double ratio = perEntry.get("khora-plain") / perEntry.get(LIMIT);
        List<TargetCheck> targets = List.of(new TargetCheck(TARGET,
                "no index, " + String.format("%,d", n) + " entries", ratio, 1.0, true));
        return new FamilyResult(title(), markdown(settings, perEntry), targets);
    }

    private static String markdown(SuiteSettings s, Map<String, Double> b) {
        int n = s.mode().memoryEntries();
        StringBuilder md = new StringBuilder();
        md.append(String.format("Heap bytes per entry for %,d trades of six properties (`id` long, `symbol` String from a pool of "
                + "64 shared strings, `price` double, `quantity` int, `trader` String unique per entry, `timestamp` long), lower "
                + "is better. Each store is measured in its own fresh JVM (`-Xmx8g -XX:+UseSerialGC`): the store is started empty, "
                + "the live heap after full GC (`System.gc()` until two readings agree within 64 KiB, `MemoryMXBean` used heap) is the "
                + "baseline, the store is filled, the live heap is measured again, and the difference is divided by the number "
                + "of entries. Khora runs with %d partitions; Hazelcast with one member, Compact serialization, backup count 0. "
                + "The unique trader strings (about 56 B each) are in every figure; the shared symbols are in none.%n%n",
                n, KhoraSpaces.PARTITIONS));
        MarkdownTable t = new MarkdownTable("store", "bytes / entry", "÷ HashMap (limit)", "Khora (same indexes) ÷ this");
        for (Row row : ROWS) {
            double v = b.get(row.key());
            t.row(row.label(), Fmt.bytes(v), Fmt.ratio(v / b.get(LIMIT)),
                    row.khoraTwin() == null ? "–" : Fmt.ratio(b.get(row.khoraTwin()) / v));
        }
        md.append(t.render()).append('\n');
        md.append(String.format("Measurement error: one measurement per store; the stability criterion bounds the reading error at "
                + "about %.2f B per entry, and repeated runs agree within about 1 B per entry.%n%n", 64 * 1024.0 / n));
        md.append("![Memory per entry](").append(s.chartLink(CHART)).append(")\n");
        return md.toString();
    }

    private static void writeChart(SuiteSettings s, Map<String, Double> b) throws IOException {
        List<String> categories = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Row row : ROWS) {
            categories.add(row.chartLabel());
            values.add(b.get(row.key()));
        }
        new BarChart("Heap bytes per entry (lower is better)", "bytes / entry", categories)
                .series("bytes per entry", values)
                .write(s.chartDir().resolve(CHART), 1000, 500);
    }
}

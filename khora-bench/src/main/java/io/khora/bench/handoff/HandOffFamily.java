package io.khora.bench.handoff;

import io.khora.bench.ChildJvm;
import io.khora.bench.JvmFlags;
import io.khora.bench.SuiteMode;
import io.khora.bench.SuiteSettings;
import io.khora.bench.family.BenchmarkFamily;
import io.khora.bench.family.FamilyResult;
import io.khora.bench.report.BarChart;
import io.khora.bench.report.Fmt;
import io.khora.bench.report.MarkdownTable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Producer→consumer hand-off latency through a waiting take: Khora vs Hazelcast's {@code IQueue}
 * (the peer) vs JDK {@code SynchronousQueue} and {@code LinkedBlockingQueue} (the limit), each in
 * its own JVM ({@link HandOffProbe}).
 */
public final class HandOffFamily implements BenchmarkFamily {
    private static final String CHART = "hand-off-latency.png";
    private static final String LIMIT = "synchronous-queue";
    private static final String PEER = "hz-queue";

    /** Contestant key → label, in table order. */
    private static final Map<String, String> CONTESTANTS = new LinkedHashMap<>();

    static {
        CONTESTANTS.put("khora", "Khora `write` → waiting `take(query, FOREVER)`");
        CONTESTANTS.put(LIMIT, "`SynchronousQueue` put → waiting take (limit)");
        CONTESTANTS.put("linked-blocking-queue", "`LinkedBlockingQueue` put → waiting take");
        CONTESTANTS.put(PEER, "Hazelcast `IQueue` put → waiting take (peer)");
    }

    @Override
    public String id() {
        return "hand-off";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public String title() {
        return "Producer → consumer hand-off latency";
    }

    @Override
    public FamilyResult run(SuiteSettings settings) throws Exception {
        SuiteMode m = settings.mode();
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        for (String key : CONTESTANTS.keySet()) {
            System.out.printf("[hand-off] %s%n", key);
            results.put(key, ChildJvm.run(settings.classpath(), JvmFlags.withHeap("1g"), HandOffProbe.class,
                    List.of(key, String.valueOf(m.handOffWarmup()), String.valueOf(m.handOffCount())), 300));
        }
        writeChart(settings, results);
        return new FamilyResult(title(), markdown(settings, results), List.of());
    }

    private static double ns(Map<String, Map<String, String>> results, String key, String stat) {
        return Double.parseDouble(results.get(key).get(stat));
    }

    private static String markdown(SuiteSettings s, Map<String, Map<String, String>> r) {
        SuiteMode m = s.mode();
        StringBuilder md = new StringBuilder();
        md.append(String.format("One producer and one consumer thread, each contestant in a fresh JVM; %,d hand-offs after %,d of "
                + "warm-up. The consumer waits (parked) in a blocking take; the producer stamps `System.nanoTime()` and sends; the "
                + "consumer reads `System.nanoTime()` on return. The next send waits until the previous message arrived plus a "
                + "%d µs busy pause, so every message finds the consumer parked: this is the cost of waking a waiter, not of "
                + "queueing. Lower is better; ratios divide a contestant's latency by the limit's "
                + "(`SynchronousQueue`).%n%n", m.handOffCount(), m.handOffWarmup(), HandOffProbe.PAUSE_NANOS / 1000));
        MarkdownTable t = new MarkdownTable("hand-off", "p50", "p90", "p99", "p99.9", "mean", "p50 ÷ limit", "p99 ÷ limit");
        for (Map.Entry<String, String> c : CONTESTANTS.entrySet()) {
            String k = c.getKey();
            t.row(c.getValue(), Fmt.micros(ns(r, k, "p50")), Fmt.micros(ns(r, k, "p90")), Fmt.micros(ns(r, k, "p99")),
                    Fmt.micros(ns(r, k, "p999")), Fmt.micros(ns(r, k, "mean")),
                    Fmt.ratio(ns(r, k, "p50") / ns(r, LIMIT, "p50")), Fmt.ratio(ns(r, k, "p99") / ns(r, LIMIT, "p99")));
        }
        md.append(t.render()).append('\n');
        md.append(String.format("Khora vs the peer (Hazelcast `IQueue`): p50 %s, p99 %s of Hazelcast's latency. "
                        + "Khora vs the limit: p50 %s, p99 %s of `SynchronousQueue`'s.%n%n",
                Fmt.ratio(ns(r, "khora", "p50") / ns(r, PEER, "p50")), Fmt.ratio(ns(r, "khora", "p99") / ns(r, PEER, "p99")),
                Fmt.ratio(ns(r, "khora", "p50") / ns(r, LIMIT, "p50")), Fmt.ratio(ns(r, "khora", "p99") / ns(r, LIMIT, "p99"))));
        md.append("Measurement error: these are order statistics of one run, not means, so JMH-style error bars do not apply; "
                + "from run to run on this machine p50 moves by a few µs and p99 by more (it is set by scheduler wake-ups).\n\n");
        md.append("![Hand-off latency](").append(s.chartLink(CHART)).append(")\n");
        return md.toString();
    }

    private static void writeChart(SuiteSettings s, Map<String, Map<String, String>> r) throws java.io.IOException {
        List<String> categories = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (String k : CONTESTANTS.keySet()) {
            categories.add(switch (k) {
                case "khora" -> "Khora";
                case LIMIT -> "SynchronousQueue (limit)";
                case PEER -> "Hazelcast IQueue";
                default -> "LinkedBlockingQueue";
            });
            p50.add(ns(r, k, "p50") / 1e3);
            p99.add(ns(r, k, "p99") / 1e3);
        }
        new BarChart("Hand-off latency through a waiting take (µs, lower is better)", "µs", categories)
                .series("p50", p50).series("p99", p99)
                .write(s.chartDir().resolve(CHART), 1000, 500);
    }
}

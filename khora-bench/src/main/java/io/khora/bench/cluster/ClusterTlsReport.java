package io.khora.bench.cluster;

import io.khora.bench.report.Fmt;
import io.khora.bench.report.MarkdownTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.khora.bench.cluster.ClusterFamily.HAZELCAST;
import static io.khora.bench.cluster.ClusterFamily.KHORA_PLAIN;
import static io.khora.bench.cluster.ClusterFamily.KHORA_TLS;
import static io.khora.bench.cluster.ClusterFamily.OPS;

/**
 * The cluster section's TLS comparison, from this run's figures: per operation, Khora with TLS on (secured, what a user gets by
 * default) beside Khora with TLS off and Hazelcast (which runs without TLS) — a throughput table and a latency table, each with
 * the ratios TLS on ÷ TLS off and TLS on ÷ Hazelcast — and a paragraph on what TLS costs.
 */
final class ClusterTlsReport {
    private static final List<String> COLUMNS = List.of(KHORA_TLS, KHORA_PLAIN, HAZELCAST);

    private final ClusterFigures f;

    ClusterTlsReport(ClusterFigures f) {
        this.f = f;
    }

    /** Appends the two tables and the paragraph to {@code md}. */
    void append(StringBuilder md) {
        md.append("**Khora with TLS on** — TLS between the nodes and on the client port, SCRAM-SHA-256 authentication, as a user "
                + "runs it by default — against Khora with TLS off and against Hazelcast, which runs without TLS (best rounds; "
                + "*paired* is the median of the ratios of rounds of the same number, with the smallest and largest):\n\n");
        throughput(md);
        latency(md);
        cost(md);
    }

    private void throughput(StringBuilder md) {
        MarkdownTable t = new MarkdownTable("throughput, ops/s (8 client threads)", "Khora, TLS on", "Khora, TLS off",
                "Hazelcast, no TLS", "TLS on ÷ TLS off", "paired", "TLS on ÷ Hazelcast", "paired");
        for (ClusterFamily.Op op : OPS) {
            List<String> row = new ArrayList<>(List.of(label(op)));
            COLUMNS.forEach(c -> row.add(Fmt.rate(f.rate(c, op.keyOf(c)))));
            row.addAll(List.of(Fmt.ratio(f.rateRatio(KHORA_TLS, KHORA_PLAIN, op)), f.pairedRatios(KHORA_TLS, KHORA_PLAIN, op),
                    Fmt.ratio(f.rateRatio(KHORA_TLS, HAZELCAST, op)), f.pairedRatios(KHORA_TLS, HAZELCAST, op)));
            t.row(row.toArray(String[]::new));
        }
        md.append(t.render()).append('\n');
    }

    private void latency(StringBuilder md) {
        MarkdownTable t = new MarkdownTable("latency, p50 / p99", "Khora, TLS on", "Khora, TLS off", "Hazelcast, no TLS",
                "TLS on ÷ TLS off", "TLS on ÷ Hazelcast");
        for (ClusterFamily.Op op : OPS) {
            List<String> row = new ArrayList<>(List.of(label(op)));
            COLUMNS.forEach(c -> row.add(Fmt.micros(f.of(c, op.keyOf(c), "p50")) + " / " + Fmt.micros(f.of(c, op.keyOf(c), "p99"))));
            row.add(latencyRatios(KHORA_PLAIN, op));
            row.add(latencyRatios(HAZELCAST, op));
            t.row(row.toArray(String[]::new));
        }
        md.append(t.render()).append('\n');
    }

    private String latencyRatios(String base, ClusterFamily.Op op) {
        return Fmt.ratio(f.latencyRatio(KHORA_TLS, base, op, "p50")) + " / " + Fmt.ratio(f.latencyRatio(KHORA_TLS, base, op, "p99"));
    }

    /** What TLS costs: throughput and p99 against TLS off, the ratios to Hazelcast, CPU per call, and where the cost comes from. */
    private void cost(StringBuilder md) {
        List<String> clauses = new ArrayList<>();
        for (ClusterFamily.Op op : OPS) {
            double r = f.rateRatio(KHORA_TLS, KHORA_PLAIN, op);
            clauses.add(String.format(Locale.ROOT, "%s %s (%s) and %s", op.khora(), Fmt.ratio(r), ClusterReport.moreOrLess(r),
                    Fmt.ratio(f.latencyRatio(KHORA_TLS, KHORA_PLAIN, op, "p99"))));
        }
        md.append("**What TLS costs.** Khora's throughput and p99 latency with TLS on, as multiples of its own with TLS off: ")
                .append(String.join("; ", clauses)).append('.');
        md.append(String.format(Locale.ROOT, " Against Hazelcast without TLS, Khora with TLS on reaches %s of its `set` throughput "
                        + "with a write and %s of its `get` throughput with a linearizable read (Khora with TLS off: %s and %s).",
                Fmt.ratio(f.rateRatio(KHORA_TLS, HAZELCAST, ClusterFamily.WRITE)), Fmt.ratio(f.rateRatio(KHORA_TLS, HAZELCAST,
                        ClusterFamily.READ)), Fmt.ratio(f.rateRatio(KHORA_PLAIN, HAZELCAST, ClusterFamily.WRITE)),
                Fmt.ratio(f.rateRatio(KHORA_PLAIN, HAZELCAST, ClusterFamily.READ))));
        List<String> cpu = new ArrayList<>();
        for (ClusterFamily.Op op : OPS) {
            double on = f.totalCpuMicrosPerOp(KHORA_TLS, op.key());
            double off = f.totalCpuMicrosPerOp(KHORA_PLAIN, op.key());
            cpu.add(String.format(Locale.ROOT, "%s µs against %s µs per %s (on the nodes %s against %s)", ClusterReport.num(on),
                    ClusterReport.num(off), op.chart(), ClusterReport.num(f.cpuMicrosPerOp(KHORA_TLS, op.key(), "nodesCpu")),
                    ClusterReport.num(f.cpuMicrosPerOp(KHORA_PLAIN, op.key(), "nodesCpu"))));
        }
        md.append(" CPU per call, client and nodes together, with TLS on against TLS off: ").append(String.join("; ", cpu))
                .append('.');
        md.append(" TLS encrypts every message of a call: its request and answer on the client port; for a write or a take also "
                + "the Raft messages between the nodes (the leader's AppendEntries to both followers and their answers); for a "
                + "linearizable read the leader's confirmation round with its followers; a leader-local read crosses only the client "
                + "port. Authentication adds nothing per call: each client connection authenticates once, with SCRAM-SHA-256, when it "
                + "opens (the probe's clients connect before their warm-up), and then a node checks only the user's role on the space "
                + "for each request.\n\n");
    }

    /** The row's operation: Khora's call, and the Hazelcast call it is compared with. */
    private static String label(ClusterFamily.Op op) {
        return op.khora() + "; Hazelcast " + op.hazelcast();
    }
}

package io.khora.bench.cluster;

import io.khora.bench.report.Fmt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The probes' result pairs, read back: keys {@code contestant.round.operation.figure} (e.g.
 * {@code khora.0.write.rate}). Each operation is reported from its contestant's best round (highest
 * rate: interference from other work on the machine only ever slows a round down), latencies and
 * CPU from that same round.
 *
 * @param values every probe's pairs, prefixed with contestant and round
 * @param rounds rounds per contestant
 */
record ClusterFigures(Map<String, String> values, int rounds) {

    /** A figure of {@code contestant}'s round {@code round}. */
    double at(String contestant, int round, String op, String figure) {
        String key = contestant + "." + round + "." + op + "." + figure;
        String v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("no result '" + key + "' in " + values);
        }
        return Double.parseDouble(v);
    }

    /** The round with {@code contestant}'s highest rate of {@code op}. */
    int best(String contestant, String op) {
        int best = 0;
        for (int r = 1; r < rounds; r++) {
            if (at(contestant, r, op, "rate") > at(contestant, best, op, "rate")) {
                best = r;
            }
        }
        return best;
    }

    /** A figure of {@code contestant}'s best round of {@code op}. */
    double of(String contestant, String op, String figure) {
        return at(contestant, best(contestant, op), op, figure);
    }

    /** Operations per second of the best round. */
    double rate(String contestant, String op) {
        return of(contestant, op, "rate");
    }

    /** Every round's rate, in order. */
    List<Double> rates(String contestant, String op) {
        List<Double> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            out.add(at(contestant, r, op, "rate"));
        }
        return out;
    }

    /**
     * {@code contestant}'s rate of {@code op} ÷ its rate of {@code base}, round by round (two phases of one client JVM, one right
     * after the other).
     */
    List<Double> roundRatios(String contestant, String op, String base) {
        List<Double> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            out.add(at(contestant, r, op, "rate") / at(contestant, r, base, "rate"));
        }
        return out;
    }

    /**
     * {@code contestant}'s best rate of {@code op} divided by {@code base}'s best rate of the same operation (Hazelcast's: of the
     * operation {@code op} is compared with, {@link ClusterFamily.Op#keyOf}).
     */
    double rateRatio(String contestant, String base, ClusterFamily.Op op) {
        return rate(contestant, op.keyOf(contestant)) / rate(base, op.keyOf(base));
    }

    /** {@code contestant}'s latency figure of {@code op} (of its best round) divided by {@code base}'s, as {@link #rateRatio}. */
    double latencyRatio(String contestant, String base, ClusterFamily.Op op, String figure) {
        return of(contestant, op.keyOf(contestant), figure) / of(base, op.keyOf(base), figure);
    }

    /** CPU µs per operation of {@code who} ("clientCpu", "nodesCpu", "otherCpu") in the best round; NaN if unknown. */
    double cpuMicrosPerOp(String contestant, String op, String who) {
        double cpu = of(contestant, op, who);
        return cpu < 0 ? Double.NaN : cpu / 1e3 / of(contestant, op, "ops");
    }

    /** CPU µs per operation of the client and the nodes together in the best round; NaN if unknown. */
    double totalCpuMicrosPerOp(String contestant, String op) {
        return cpuMicrosPerOp(contestant, op, "clientCpu") + cpuMicrosPerOp(contestant, op, "nodesCpu");
    }

    /** The kernel's share of {@code who}'s CPU time ("client", "nodes") in the best round; NaN if unknown. */
    double kernelShare(String contestant, String op, String who) {
        double cpu = of(contestant, op, who + "Cpu");
        double sys = of(contestant, op, who + "Sys");
        return cpu <= 0 || sys < 0 ? Double.NaN : sys / cpu;
    }

    /** Context switches per operation of {@code who} ("clientSwitches", "nodesSwitches") in the best round; NaN if unknown. */
    double switchesPerOp(String contestant, String op, String who) {
        double n = of(contestant, op, who);
        return n < 0 ? Double.NaN : n / of(contestant, op, "ops");
    }

    /** Cores the client and the nodes kept busy together in the best round (CPU time ÷ wall time). */
    double coresBusy(String contestant, String op) {
        double cpu = of(contestant, op, "clientCpu") + of(contestant, op, "nodesCpu");
        return cpu / of(contestant, op, "nanos");
    }

    /**
     * The cross-check of {@code contestant} ÷ {@code base} for {@code op} ({@link #rateRatio}): the median of the ratios of rounds
     * of the same number (which ran one right after the other), with the smallest and largest — "0.91× (0.85×–0.97×, 3 rounds)" —
     * or "–" with a single round.
     */
    String pairedRatios(String contestant, String base, ClusterFamily.Op op) {
        if (rounds < 2) {
            return "–";
        }
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = at(contestant, r, op.keyOf(contestant), "rate") / at(base, r, op.keyOf(base), "rate");
        }
        Arrays.sort(ratios);
        int m = ratios.length;
        double median = m % 2 == 1 ? ratios[m / 2] : (ratios[m / 2 - 1] + ratios[m / 2]) / 2;
        return Fmt.ratio(median) + " (" + Fmt.ratio(ratios[0]) + "–" + Fmt.ratio(ratios[m - 1]) + ", " + m + " rounds)";
    }
}

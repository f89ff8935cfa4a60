package io.khora.bench.persistence;

import io.khora.bench.report.Fmt;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The probes' result pairs, read back: rows/s of each mechanism's best round, every round, and the
 * best round's extra figures.
 *
 * @param values the pairs of every probe of the run
 */
record PersistenceFigures(Map<String, String> values) {

    /** Rows/s of {@code row}'s best round. */
    double best(PersistenceFamily.Row row) {
        return number(row.key() + ".best");
    }

    /** Rows/s of each of {@code row}'s rounds, in order. */
    List<Double> rounds(PersistenceFamily.Row row) {
        String all = values.get(row.key() + ".rounds");
        if (all == null) {
            throw new IllegalStateException("no result for " + row.key() + " in " + values);
        }
        return Arrays.stream(all.split(",")).map(Double::parseDouble).toList();
    }

    /** Rows moved per round. */
    long rows(PersistenceFamily.Row row) {
        return (long) number(row.key() + ".rows");
    }

    /** An extra figure of {@code row}'s best round (rows/s), e.g. "ack". */
    double extra(PersistenceFamily.Row row, String name) {
        return number(row.key() + "." + name);
    }

    /** This JVM's CPU µs per row in {@code row}'s best round. */
    double jvmCpu(PersistenceFamily.Row row) {
        return number(row.key() + ".jvmCpu");
    }

    /** PostgreSQL's CPU µs per row in {@code row}'s best round (NaN if unknown). */
    double serverCpu(PersistenceFamily.Row row) {
        return number(row.key() + ".serverCpu");
    }

    /** {@code a}'s best rate divided by {@code b}'s. */
    double ratio(PersistenceFamily.Row a, PersistenceFamily.Row b) {
        return best(a) / best(b);
    }

    /**
     * The cross-check of {@code a ÷ b}: the median of the ratios of their rounds of the same number,
     * the first (warm-up) round left out, with the smallest and largest — "0.91× (0.85×–0.97×, 5
     * rounds)" — or "–" with fewer than two rounds.
     */
    String pairedRatios(PersistenceFamily.Row a, PersistenceFamily.Row b) {
        List<Double> ra = rounds(a);
        List<Double> rb = rounds(b);
        int n = Math.min(ra.size(), rb.size());
        if (n < 2) {
            return "–";
        }
        double[] ratios = new double[n - 1];
        for (int i = 1; i < n; i++) {
            ratios[i - 1] = ra.get(i) / rb.get(i);
        }
        Arrays.sort(ratios);
        int m = ratios.length;
        double median = m % 2 == 1 ? ratios[m / 2] : (ratios[m / 2 - 1] + ratios[m / 2]) / 2;
        return Fmt.ratio(median) + " (" + Fmt.ratio(ratios[0]) + "–" + Fmt.ratio(ratios[m - 1]) + ", " + m + " rounds)";
    }

    private double number(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("no result '" + key + "' in " + values);
        }
        return Double.parseDouble(v);
    }
}

package io.khora.bench.paired;

import io.khora.bench.ChildJvm;
import io.khora.bench.JvmFlags;
import io.khora.bench.SuiteSettings;
import io.khora.bench.report.Fmt;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link PairedRatioProbe} in its own JVM and reads its ratios.
 *
 * @param values the probe's result pairs ({@code readById.median}, {@code update.p25}, …)
 */
public record PairedRatios(Map<String, String> values) {

    /** Measures the paired ratios (full: 30 rounds of 100 ms slices; smoke: 4 rounds of 10 ms). */
    public static PairedRatios measure(SuiteSettings s) throws IOException, InterruptedException {
        boolean full = s.mode().isFull();
        List<String> args = List.of(String.valueOf(s.mode().entries()), full ? "30" : "4", full ? "100" : "10");
        return new PairedRatios(ChildJvm.run(s.classpath(), JvmFlags.withHeap("2g"), PairedRatioProbe.class, args, 600));
    }

    /** The median ratio of {@code op}. */
    public double median(String op) {
        return Double.parseDouble(values.get(op + ".median"));
    }

    /** "0.071× (quartiles 0.068–0.074×)". */
    public String describe(String op) {
        return Fmt.ratio(median(op)) + " (quartiles " + Fmt.ratio(Double.parseDouble(values.get(op + ".p25"))) + "–"
                + Fmt.ratio(Double.parseDouble(values.get(op + ".p75"))) + ")";
    }
}

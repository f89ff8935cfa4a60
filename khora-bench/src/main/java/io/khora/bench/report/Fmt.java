package io.khora.bench.report;

import java.util.Locale;

/** Number formats of the report. */
public final class Fmt {
    private Fmt() {
    }

    /** A rate with a k/M suffix: "8.52 M". */
    public static String rate(double opsPerSecond) {
        if (opsPerSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", opsPerSecond / 1e6);
        }
        if (opsPerSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", opsPerSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", opsPerSecond);
    }

    /** A rate with its error: "8.52 M ± 1.2%". */
    public static String rateWithError(double score, double error) {
        return rate(score) + " ± " + percent(score == 0 || Double.isNaN(error) ? 0 : error / score);
    }

    /** A ratio: "0.45×". */
    public static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r)) {
            return "–";
        }
        return r >= 10 ? String.format(Locale.ROOT, "%.0f×", r) : r >= 0.1
                ? String.format(Locale.ROOT, "%.2f×", r) : String.format(Locale.ROOT, "%.3f×", r);
    }

    /** A fraction as a percentage: "1.2%". */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, fraction < 0.1 ? "%.1f%%" : "%.0f%%", fraction * 100);
    }

    /** Microseconds from nanoseconds: "12.3 µs". */
    public static String micros(double nanos) {
        double us = nanos / 1e3;
        return String.format(Locale.ROOT, us >= 100 ? "%.0f µs" : "%.1f µs", us);
    }

    /** A byte count with one decimal: "123.4 B". */
    public static String bytes(double b) {
        return String.format(Locale.ROOT, "%.1f B", b);
    }

    /** Plain number with one decimal. */
    public static String num(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }
}

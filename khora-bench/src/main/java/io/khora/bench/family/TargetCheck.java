package io.khora.bench.family;

import java.util.Locale;

/**
 * One of the targets, checked against a ratio measured in this run.
 *
 * @param target the target as the issue states it, e.g. "readById ≥ 0.5× ConcurrentHashMap"
 * @param context which measurement, e.g. "1 thread"
 * @param ratio the measured ratio
 * @param bound the target ratio
 * @param atMost true when the ratio must not exceed the bound (memory), false when it must reach it
 * @param crossCheck the same ratio measured another way (e.g. paired), or "–"
 */
public record TargetCheck(String target, String context, double ratio, double bound, boolean atMost, String crossCheck) {

    /** A check without a cross-check. */
    public TargetCheck(String target, String context, double ratio, double bound, boolean atMost) {
        this(target, context, ratio, bound, atMost, "–");
    }

    /** Whether the target is met. */
    public boolean met() {
        return atMost ? ratio <= bound : ratio >= bound;
    }

    /** How far from the target, in words ("met" when met). */
    public String gap() {
        if (met()) {
            return "met";
        }
        if (atMost) {
            return String.format(Locale.ROOT, "missed: %.0f%% over the bound (needs %.2f× less)", (ratio / bound - 1) * 100, ratio / bound);
        }
        return String.format(Locale.ROOT, "missed: reaches %.0f%% of the target (needs %.2f× more)", ratio / bound * 100, bound / ratio);
    }
}

package io.khora;

import java.time.Duration;

/**
 * How far a space's initial load has got: readable at any time, also while the space is LOADING.
 *
 * @param loaded rows put into the space so far
 * @param discarded rows a partition read but does not own (its routing value belongs elsewhere)
 * @param expected rows the data source estimated, or -1 when unknown
 * @param elapsed time since the load started
 * @param finished whether the load has ended (successfully or not)
 * @param failure why the load failed, or null
 */
public record InitialLoadProgress(long loaded, long discarded, long expected, Duration elapsed, boolean finished, String failure) {
    /** A space without a data source: nothing to load. */
    public static final InitialLoadProgress NONE = new InitialLoadProgress(0, 0, 0, Duration.ZERO, true, null);

    /** Rows read per second so far (loaded + discarded). */
    public double rowsPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : (loaded + discarded) / s;
    }

    /** Percent of the expected rows read, or -1 when the total is unknown. */
    public double percent() {
        if (expected < 0) {
            return -1;
        }
        return expected == 0 ? 100.0 : Math.min(100.0, 100.0 * (loaded + discarded) / expected);
    }

    @Override
    public String toString() {
        String pct = expected < 0 ? "" : String.format(" (%.1f%% of %,d)", percent(), expected);
        return String.format("%,d rows loaded%s, %,d discarded, %,.0f rows/s, %s%s", loaded, pct, discarded, rowsPerSecond(),
                finished ? (failure == null ? "finished" : "FAILED: " + failure) : "running", "");
    }
}

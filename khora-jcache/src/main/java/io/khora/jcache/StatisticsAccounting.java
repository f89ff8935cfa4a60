package io.khora.jcache;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What a cache counts into its {@link CacheStatistics}, and only while statistics are enabled:
 * hits, misses, puts and removals, and the time of gets, puts and removes (from an injected
 * nanosecond clock). An operation that is both a get and a put (or a remove) counts its time as both.
 */
final class StatisticsAccounting {
    /** Which average times an operation adds to. */
    enum Timer {
        GET(true, false, false),
        PUT(false, true, false),
        REMOVE(false, false, true),
        GET_AND_PUT(true, true, false),
        GET_AND_REMOVE(true, false, true);

        private final boolean get;
        private final boolean put;
        private final boolean remove;

        Timer(boolean get, boolean put, boolean remove) {
            this.get = get;
            this.put = put;
            this.remove = remove;
        }
    }

    private final CacheStatistics statistics;
    private final BooleanSupplier enabled;
    private final LongSupplier nanoTime;

    StatisticsAccounting(CacheStatistics statistics, BooleanSupplier enabled, LongSupplier nanoTime) {
        this.statistics = statistics;
        this.enabled = enabled;
        this.nanoTime = nanoTime;
    }

    /** The counters (the cache's statistics MXBean). */
    CacheStatistics statistics() {
        return statistics;
    }

    /** The clock reading an operation starts at. */
    long start() {
        return nanoTime.getAsLong();
    }

    /** Counts the time since {@code start} as {@code timer} says. */
    void timed(Timer timer, long start) {
        if (!enabled.getAsBoolean()) {
            return;
        }
        long t = nanoTime.getAsLong() - start;
        if (timer.get) {
            statistics.getTime(t);
        }
        if (timer.put) {
            statistics.putTime(t);
        }
        if (timer.remove) {
            statistics.removeTime(t);
        }
    }

    void hit() {
        count(1, 0, 0, 0);
    }

    void miss() {
        count(0, 1, 0, 0);
    }

    /** Counts what one atomic step decided. */
    void count(long hits, long misses, long puts, long removals) {
        if (enabled.getAsBoolean()) {
            statistics.hits(hits);
            statistics.misses(misses);
            statistics.puts(puts);
            statistics.removals(removals);
        }
    }
}

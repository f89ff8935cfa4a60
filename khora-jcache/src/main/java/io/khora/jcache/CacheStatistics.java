package io.khora.jcache;

import java.util.concurrent.atomic.LongAdder;

import javax.cache.management.CacheStatisticsMXBean;

/**
 * The counters of one cache, kept by the cache layer while statistics are enabled, and its
 * {@link CacheStatisticsMXBean}. Times are in microseconds, averaged over the operations counted.
 */
final class CacheStatistics implements CacheStatisticsMXBean {
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final LongAdder getNanos = new LongAdder();
    private final LongAdder putNanos = new LongAdder();
    private final LongAdder removeNanos = new LongAdder();

    void hits(long n) {
        hits.add(n);
    }

    void misses(long n) {
        misses.add(n);
    }

    void puts(long n) {
        puts.add(n);
    }

    void removals(long n) {
        removals.add(n);
    }

    void getTime(long nanos) {
        getNanos.add(nanos);
    }

    void putTime(long nanos) {
        putNanos.add(nanos);
    }

    void removeTime(long nanos) {
        removeNanos.add(nanos);
    }

    @Override
    public void clear() {
        for (LongAdder a : new LongAdder[] {hits, misses, puts, removals, getNanos, putNanos, removeNanos}) {
            a.reset();
        }
    }

    @Override
    public long getCacheHits() {
        return hits.sum();
    }

    @Override
    public float getCacheHitPercentage() {
        long h = hits.sum();
        long g = h + misses.sum();
        return g == 0 ? 0f : (float) h * 100f / g;
    }

    @Override
    public long getCacheMisses() {
        return misses.sum();
    }

    @Override
    public float getCacheMissPercentage() {
        long m = misses.sum();
        long g = m + hits.sum();
        return g == 0 ? 0f : (float) m * 100f / g;
    }

    @Override
    public long getCacheGets() {
        return hits.sum() + misses.sum();
    }

    @Override
    public long getCachePuts() {
        return puts.sum();
    }

    @Override
    public long getCacheRemovals() {
        return removals.sum();
    }

    /** Always 0: a cache space is never bounded, so nothing is evicted (expiry is not eviction). */
    @Override
    public long getCacheEvictions() {
        return 0;
    }

    @Override
    public float getAverageGetTime() {
        return average(getNanos.sum(), getCacheGets());
    }

    @Override
    public float getAveragePutTime() {
        return average(putNanos.sum(), puts.sum());
    }

    @Override
    public float getAverageRemoveTime() {
        return average(removeNanos.sum(), removals.sum());
    }

    private static float average(long nanos, long count) {
        return count == 0 ? 0f : (nanos / 1000f) / count;
    }
}

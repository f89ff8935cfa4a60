package io.khora.cluster.client;

import java.time.Duration;

/**
 * The client's near cache of one space (off unless asked for): entries read by id are kept on the
 * client, at most {@code maxEntries} of them, and invalidated from the space's event stream. In a
 * URI: {@code near-cache=true}, {@code near-cache-size=10000}, {@code near-cache-ttl=5m}. A
 * near-cached read is not linearizable: it may return an entry that another client changed
 * moments ago, until the change's event arrives (the time-to-live bounds how long, should an event
 * stream stay silent).
 *
 * @param enabled whether reads by id are cached
 * @param maxEntries the most entries kept (1 to {@value #MAX_ENTRIES})
 * @param timeToLive how long an entry is kept after it was read, or null for as long as no event removes it
 */
public record NearCacheOptions(boolean enabled, long maxEntries, Duration timeToLive) {
    /** The largest {@code maxEntries}. */
    public static final long MAX_ENTRIES = 100_000_000L;
    /** The default {@code maxEntries}. */
    public static final long DEFAULT_MAX_ENTRIES = 10_000L;

    /** Checks the components. */
    public NearCacheOptions {
        if (maxEntries < 1 || maxEntries > MAX_ENTRIES) {
            throw new IllegalArgumentException("near-cache-size must be 1.." + MAX_ENTRIES + ", got " + maxEntries);
        }
        if (timeToLive != null && (timeToLive.isNegative() || timeToLive.isZero())) {
            throw new IllegalArgumentException("near-cache-ttl must be positive, got " + timeToLive);
        }
    }

    /** No near cache. */
    public static NearCacheOptions off() {
        return new NearCacheOptions(false, DEFAULT_MAX_ENTRIES, null);
    }

    /** A near cache of at most {@code maxEntries} entries, kept until an event removes them. */
    public static NearCacheOptions of(long maxEntries) {
        return new NearCacheOptions(true, maxEntries, null);
    }

    /** These options with entries kept at most {@code ttl} after they were read. */
    public NearCacheOptions withTimeToLive(Duration ttl) {
        return new NearCacheOptions(enabled, maxEntries, ttl);
    }
}

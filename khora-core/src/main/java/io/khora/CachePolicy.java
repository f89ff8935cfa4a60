package io.khora;

/** How much of the data set a space keeps in memory when backed by a data source. */
public enum CachePolicy {
    /** Everything is in memory after the initial load; the data source is never read again. */
    ALL_IN_CACHE,
    /** A bounded number of entries; the least recently used are evicted and misses read through. */
    LRU
}

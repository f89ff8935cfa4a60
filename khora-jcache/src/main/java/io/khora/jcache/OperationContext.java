package io.khora.jcache;

import java.util.HashMap;
import java.util.Map;

/**
 * What the cache layer tells its SPI adapters about the operation running on this thread. Space
 * operations of an embedded space call the data source and the endpoint on the calling thread, so a
 * thread-local (one per cache) is an exact channel. Every flag is set right before the space call it
 * concerns, with no user code in between, and reset in a {@code finally} right after it.
 */
final class OperationContext {
    /** The change being persisted is not a cache mutation (an expiry, a load, a clear): skip the CacheWriter. */
    boolean skipWriter;
    /** A miss must not call the CacheLoader (containsKey, iteration, non-read-through paths). */
    boolean noLoad;
    /** A cache step is running inside the space's invoke (the partition is locked): no nested mutation. */
    boolean insideEntry;
    /** Keys read-through loaded during the current call, with their load tokens. */
    private Map<Object, Long> loaded;

    void loaded(Object key, long token) {
        if (loaded == null) {
            loaded = new HashMap<>();
        }
        loaded.put(key, token);
    }

    /** The keys loaded since the last call, and forgets them. */
    Map<Object, Long> takeLoaded() {
        Map<Object, Long> l = loaded;
        loaded = null;
        return l == null ? Map.of() : l;
    }
}

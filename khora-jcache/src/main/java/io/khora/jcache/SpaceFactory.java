package io.khora.jcache;

import io.khora.Space;

/**
 * Where a {@link KhoraCacheManager} gets the space that backs each of its caches: one space per
 * cache, holding one entry type ({@link CacheEntryRecord}).
 *
 * <p>The default, {@link EmbeddedSpaceFactory}, starts an in-process space ({@code Spaces.embedded})
 * per cache. A factory for a cluster ({@code Spaces.connect(uri)}, when it exists) implements the
 * same two calls: open (or connect to) the space named {@link CacheSpaceSpec#spaceName()} with the
 * given read-through data source and write-through endpoint, and let it go again. Choose a factory
 * per cache manager with the property {@link KhoraCachingProvider#SPACE_FACTORY} (an instance or a
 * class name) in {@code CachingProvider.getCacheManager(uri, classLoader, properties)}.
 *
 * <p>Implementations must be thread-safe. {@link #close()} is called once, when the cache manager
 * closes, after every space it opened was released.
 */
public interface SpaceFactory extends AutoCloseable {

    /**
     * A READY space for one cache. Its data source (if any) must be used for read-through on a
     * {@code readById}/{@code readByIds} miss, and its endpoint (if any) for write-through of every
     * change, in the calling thread, before the change is applied (a refusal must fail the
     * operation and leave the space unchanged); leases must be honoured, and EXPIRE events published.
     */
    Space open(CacheSpaceSpec spec);

    /** The cache is closed or destroyed: release its space. The default closes it. */
    default void release(CacheSpaceSpec spec, Space space) {
        space.close();
    }

    /** The cache manager closed. The default does nothing. */
    @Override
    default void close() {
    }
}

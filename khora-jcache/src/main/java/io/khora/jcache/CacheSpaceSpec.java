package io.khora.jcache;

import io.khora.persistence.SpaceDataSource;
import io.khora.persistence.SpaceSynchronizationEndpoint;

import java.net.URI;
import java.util.Properties;

/**
 * What a {@link SpaceFactory} is asked for: the space of one cache.
 *
 * @param managerUri the cache manager's URI
 * @param cacheName the cache's name
 * @param spaceName a name for the space, unique per cache manager and cache
 * @param dataSource read-through over the cache's {@code CacheLoader}, or null (no read-through)
 * @param endpoint write-through over the cache's {@code CacheWriter}, or null (no write-through)
 * @param properties the cache manager's properties (factory settings such as
 *     {@link EmbeddedSpaceFactory#PARTITIONS})
 */
public record CacheSpaceSpec(URI managerUri, String cacheName, String spaceName, SpaceDataSource dataSource,
                             SpaceSynchronizationEndpoint endpoint, Properties properties) {
}

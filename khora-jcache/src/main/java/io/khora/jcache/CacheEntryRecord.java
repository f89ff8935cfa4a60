package io.khora.jcache;

import io.khora.annotation.SpaceId;

/**
 * The one entry type of a cache's space: the key (the space id, a copy of the caller's key) and
 * the value as the cache stores it — serialized bytes, an immutable value itself, or (store by
 * reference) a reference holder; see {@link StoreCodec}.
 *
 * @param key the cache key (the space id)
 * @param value the stored form of the value
 * @param loadToken set on an entry that read-through just loaded, until the cache applied its
 *     creation expiry to it; null otherwise
 */
public record CacheEntryRecord(@SpaceId Object key, Object value, Long loadToken) {
}

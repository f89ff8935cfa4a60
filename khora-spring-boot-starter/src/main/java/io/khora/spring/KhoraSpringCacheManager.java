package io.khora.spring;

import org.springframework.cache.Cache;
import org.springframework.cache.jcache.JCacheCacheManager;

import javax.cache.configuration.MutableConfiguration;

/**
 * Spring's {@link JCacheCacheManager} over Khora's JCache provider that creates its caches: those
 * named in {@code khora.cache.names} at startup, and, if {@code khora.cache.dynamic}, any other on its
 * first use (as a JCache cache of {@code Object} keys and values, stored by value).
 */
public class KhoraSpringCacheManager extends JCacheCacheManager {
    private final KhoraProperties.Cache settings;

    /** Over {@code jcache}, with {@code settings}. */
    public KhoraSpringCacheManager(javax.cache.CacheManager jcache, KhoraProperties.Cache settings) {
        super(jcache);
        this.settings = settings;
        for (String name : settings.getNames()) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("khora.cache.names: a cache name must not be blank, got " + settings.getNames());
            }
            if (jcache.getCache(name) == null) {
                jcache.createCache(name, new MutableConfiguration<>());
            }
        }
    }

    @Override
    protected Cache getMissingCache(String name) {
        if (!settings.isDynamic()) {
            return null;
        }
        javax.cache.CacheManager jcache = getCacheManager();
        synchronized (this) {
            javax.cache.Cache<Object, Object> c = jcache.getCache(name);
            if (c == null) {
                c = jcache.createCache(name, new MutableConfiguration<>());
            }
            return new org.springframework.cache.jcache.JCacheCache(c, isAllowNullValues());
        }
    }
}

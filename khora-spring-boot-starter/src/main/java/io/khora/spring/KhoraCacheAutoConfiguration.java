package io.khora.spring;

import io.khora.jcache.KhoraCachingProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;

/**
 * Spring Cache ({@code @EnableCaching}, {@code @Cacheable} …) through Khora's JCache provider
 * (khora-jcache): each cache is a Khora space in the application's JVM. The caches in
 * {@code khora.cache.names} are created at startup; with {@code khora.cache.dynamic} (the default)
 * others are created on first use. Off with {@code khora.cache.enabled=false}, or when the
 * application defines its own {@link CacheManager}.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@ConditionalOnClass({JCacheCacheManager.class, KhoraCachingProvider.class, javax.cache.CacheManager.class})
@ConditionalOnBean(CacheAspectSupport.class)
@ConditionalOnMissingBean(CacheManager.class)
@ConditionalOnProperty(prefix = "khora.cache", name = "enabled", matchIfMissing = true)
public class KhoraCacheAutoConfiguration {
    /** Khora's JCache manager (closed with the context: its caches' spaces close). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(javax.cache.CacheManager.class)
    public javax.cache.CacheManager khoraJCacheManager() {
        KhoraCachingProvider provider = new KhoraCachingProvider();
        return provider.getCacheManager(provider.getDefaultURI(), getClass().getClassLoader());
    }

    /** Spring's cache manager over it. */
    @Bean
    public KhoraSpringCacheManager cacheManager(javax.cache.CacheManager jcache, KhoraProperties properties) {
        return new KhoraSpringCacheManager(jcache, properties.getCache());
    }
}

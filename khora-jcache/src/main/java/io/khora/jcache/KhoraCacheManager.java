package io.khora.jcache;

import io.khora.internal.lifecycle.DaemonThreads;

import java.lang.ref.WeakReference;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSR-107 {@link CacheManager} whose caches are each backed by a Khora space, obtained from its
 * {@link SpaceFactory} (by default {@link EmbeddedSpaceFactory}: one embedded space per cache).
 */
public final class KhoraCacheManager implements CacheManager {
    private static final Logger LOG = LoggerFactory.getLogger(KhoraCacheManager.class);
    private static final AtomicInteger MANAGERS = new AtomicInteger();

    private final KhoraCachingProvider provider;
    private final URI uri;
    private final WeakReference<ClassLoader> classLoader;
    private final Properties properties;
    private final SpaceFactory spaceFactory;
    private final ExecutorService executor;
    private final ConcurrentHashMap<String, KhoraCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private volatile boolean closed;

    KhoraCacheManager(KhoraCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties) {
        this.provider = provider;
        this.uri = uri;
        this.classLoader = new WeakReference<>(classLoader);
        this.properties = new Properties();
        if (properties != null) {
            this.properties.putAll(properties);
        }
        this.spaceFactory = spaceFactory(this.properties, classLoader);
        int n = MANAGERS.incrementAndGet();
        this.executor = Executors.newCachedThreadPool(DaemonThreads.numbered("khora-jcache-" + n + "-listeners-"));
    }

    /** The factory named by {@link KhoraCachingProvider#SPACE_FACTORY} (an instance or a class name), else embedded. */
    private static SpaceFactory spaceFactory(Properties p, ClassLoader cl) {
        Object f = p.get(KhoraCachingProvider.SPACE_FACTORY);
        if (f == null) {
            return new EmbeddedSpaceFactory();
        }
        if (f instanceof SpaceFactory sf) {
            return sf;
        }
        String className = f.toString().trim();
        try {
            Class<?> c = Class.forName(className, true, cl != null ? cl : KhoraCacheManager.class.getClassLoader());
            Constructor<?> ctor = c.getConstructor();
            return (SpaceFactory) ctor.newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new CacheException("cannot create the space factory '" + className + "' (" + KhoraCachingProvider.SPACE_FACTORY
                    + "): it must be a SpaceFactory with a public no-argument constructor: " + e, e);
        }
    }

    ExecutorService executor() {
        return executor;
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader.get();
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("cache manager " + uri + " is closed");
        }
    }

    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
        ensureOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        Objects.requireNonNull(configuration, "configuration must not be null");
        synchronized (lock) {
            ensureOpen();
            if (caches.containsKey(cacheName)) {
                throw new CacheException("cache '" + cacheName + "' exists already in cache manager " + uri);
            }
            MutableConfiguration<K, V> copy;
            if (configuration instanceof CompleteConfiguration<K, V> complete) {
                copy = new MutableConfiguration<>(complete);
            } else {
                copy = new MutableConfiguration<K, V>().setTypes(configuration.getKeyType(), configuration.getValueType())
                        .setStoreByValue(configuration.isStoreByValue());
            }
            KhoraCache<K, V> cache = new KhoraCache<>(this, cacheName, copy, spaceFactory, executor);
            caches.put(cacheName, cache);
            return cache;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
        ensureOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        Objects.requireNonNull(keyType, "key type must not be null");
        Objects.requireNonNull(valueType, "value type must not be null");
        KhoraCache<?, ?> cache = caches.get(cacheName);
        if (cache == null) {
            return null;
        }
        CompleteConfiguration<?, ?> c = cache.configuration();
        if (c.getKeyType() != keyType) {
            throw new ClassCastException("cache '" + cacheName + "' has keys of " + c.getKeyType().getName()
                    + ", not " + keyType.getName());
        }
        if (c.getValueType() != valueType) {
            throw new ClassCastException("cache '" + cacheName + "' has values of " + c.getValueType().getName()
                    + ", not " + valueType.getName());
        }
        return (Cache<K, V>) cache;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(String cacheName) {
        ensureOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        return (Cache<K, V>) caches.get(cacheName);
    }

    @Override
    public Iterable<String> getCacheNames() {
        ensureOpen();
        return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
    }

    @Override
    public void destroyCache(String cacheName) {
        ensureOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        KhoraCache<?, ?> cache;
        synchronized (lock) {
            cache = caches.remove(cacheName);
        }
        if (cache != null) {
            try {
                cache.clear();
            } catch (RuntimeException e) {
                LOG.debug("cache '{}': clear before destroy failed", cacheName, e);
            }
            cache.closeResources();
        }
    }

    /** A cache closed itself. */
    void releaseCache(KhoraCache<?, ?> cache) {
        synchronized (lock) {
            caches.remove(cache.getName(), cache);
        }
    }

    @Override
    public void enableManagement(String cacheName, boolean enabled) {
        ensureOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        KhoraCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.setManagementEnabled(enabled);
        }
    }

    @Override
    public void enableStatistics(String cacheName, boolean enabled) {
        ensureOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        KhoraCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.setStatisticsEnabled(enabled);
        }
    }

    @Override
    public void close() {
        ArrayList<KhoraCache<?, ?>> toClose;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(caches.values());
            caches.clear();
        }
        provider.release(this);
        for (KhoraCache<?, ?> c : toClose) {
            try {
                c.closeResources();
            } catch (RuntimeException e) {
                LOG.warn("closing cache '{}' failed", c.getName(), e);
            }
        }
        try {
            spaceFactory.close();
        } catch (Exception e) {
            LOG.warn("closing the space factory of cache manager {} failed", uri, e);
        }
        executor.shutdown();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrap.to(clazz, "a cache manager", this, spaceFactory);
    }

    @Override
    public String toString() {
        return "KhoraCacheManager{" + uri + "}";
    }
}

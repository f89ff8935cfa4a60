package io.khora.jcache;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.WeakHashMap;

import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The JSR-107 {@link CachingProvider} for Khora, found by {@code Caching.getCachingProvider()}
 * through {@code META-INF/services/javax.cache.spi.CachingProvider}. One {@link KhoraCacheManager}
 * per (class loader, URI); every cache of a manager is backed by a Khora space from the manager's
 * {@link SpaceFactory}.
 *
 * <p>Store-by-value (the default) and store-by-reference are both supported.
 */
public final class KhoraCachingProvider implements CachingProvider {
    static {
        io.khora.internal.logging.QuietSlf4j.install(); // before anything logs: no SLF4J warning without a backend
    }

    /**
     * Cache manager property: the {@link SpaceFactory} for the manager's caches — an instance, or
     * the name of a class with a public no-argument constructor. Default: {@link EmbeddedSpaceFactory}.
     */
    public static final String SPACE_FACTORY = "io.khora.jcache.spaceFactory";

    /** The default URI: embedded spaces in this JVM. */
    public static final URI DEFAULT_URI = URI.create("khora:embedded");

    private final WeakHashMap<ClassLoader, Map<URI, KhoraCacheManager>> managers = new WeakHashMap<>();

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
        URI u = uri == null ? getDefaultURI() : uri;
        ClassLoader cl = classLoader == null ? getDefaultClassLoader() : classLoader;
        Properties p = properties == null ? new Properties() : properties;
        synchronized (managers) {
            Map<URI, KhoraCacheManager> byUri = managers.computeIfAbsent(cl, k -> new HashMap<>());
            KhoraCacheManager m = byUri.get(u);
            if (m == null || m.isClosed()) {
                m = new KhoraCacheManager(this, u, cl, p);
                byUri.put(u, m);
            }
            return m;
        }
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        return getClass().getClassLoader();
    }

    @Override
    public URI getDefaultURI() {
        return DEFAULT_URI;
    }

    @Override
    public Properties getDefaultProperties() {
        return new Properties();
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader());
    }

    @Override
    public void close() {
        List<KhoraCacheManager> all = new ArrayList<>();
        synchronized (managers) {
            for (Map<URI, KhoraCacheManager> m : managers.values()) {
                all.addAll(m.values());
            }
            managers.clear();
        }
        all.forEach(KhoraCacheManager::close);
    }

    @Override
    public void close(ClassLoader classLoader) {
        ClassLoader cl = classLoader == null ? getDefaultClassLoader() : classLoader;
        Map<URI, KhoraCacheManager> m;
        synchronized (managers) {
            m = managers.remove(cl);
        }
        if (m != null) {
            new ArrayList<>(m.values()).forEach(KhoraCacheManager::close);
        }
    }

    @Override
    public void close(URI uri, ClassLoader classLoader) {
        URI u = uri == null ? getDefaultURI() : uri;
        ClassLoader cl = classLoader == null ? getDefaultClassLoader() : classLoader;
        KhoraCacheManager m = null;
        synchronized (managers) {
            Map<URI, KhoraCacheManager> byUri = managers.get(cl);
            if (byUri != null) {
                m = byUri.remove(u);
                if (byUri.isEmpty()) {
                    managers.remove(cl);
                }
            }
        }
        if (m != null) {
            m.close();
        }
    }

    /** A manager closed itself. */
    void release(KhoraCacheManager manager) {
        synchronized (managers) {
            Map<URI, KhoraCacheManager> byUri = managers.get(manager.getClassLoader());
            if (byUri != null && byUri.get(manager.getURI()) == manager) {
                byUri.remove(manager.getURI());
                if (byUri.isEmpty()) {
                    managers.remove(manager.getClassLoader());
                }
            }
        }
    }

    @Override
    public boolean isSupported(OptionalFeature optionalFeature) {
        Objects.requireNonNull(optionalFeature, "feature");
        return optionalFeature == OptionalFeature.STORE_BY_REFERENCE;
    }
}

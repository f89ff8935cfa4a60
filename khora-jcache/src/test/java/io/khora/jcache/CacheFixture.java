package io.khora.jcache;

import java.io.Serializable;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real caches of one cache manager for the mechanisms' tests, with a recording writer, loader,
 * listener and a settable expiry policy: {@link #cache} builds a cache with the parts asked for. A
 * test registers it as an extension ({@code @RegisterExtension}); the manager closes after each test.
 */
final class CacheFixture implements AfterEachCallback {
    private static final AtomicInteger CACHES = new AtomicInteger();

    final RecordingWriter writer = new RecordingWriter();
    final MapLoader loader = new MapLoader();
    final RecordingListener listener = new RecordingListener();
    final FixedExpiry expiry = new FixedExpiry();
    private final CacheManager manager;

    CacheFixture(Class<?> test) {
        manager = Caching.getCachingProvider(KhoraCachingProvider.class.getName())
                .getCacheManager(URI.create("khora:embedded:" + test.getSimpleName()), test.getClassLoader());
    }

    /** A String cache with statistics, the expiry policy, a synchronous listener, and the writer/loader if asked. */
    @SuppressWarnings("unchecked")
    KhoraCache<String, String> cache(boolean writeThrough, boolean readThrough) {
        MutableConfiguration<String, String> c = new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setStatisticsEnabled(true)
                .setExpiryPolicyFactory(FactoryBuilder.factoryOf(expiry))
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(listener), null, true, true));
        if (writeThrough) {
            c.setWriteThrough(true).setCacheWriterFactory(FactoryBuilder.factoryOf(writer));
        }
        // the loader is there for loadAll and entry processors; a miss loads through it only if read-through
        c.setReadThrough(readThrough).setCacheLoaderFactory(FactoryBuilder.factoryOf(loader));
        return manager.createCache("cache-" + CACHES.incrementAndGet(), c).unwrap(KhoraCache.class);
    }

    /** The counters of {@code cache}: hits, misses, puts, removals. */
    static List<Long> counts(KhoraCache<?, ?> cache) {
        CacheStatistics s = cache.parts().stats.statistics();
        return List.of(s.getCacheHits(), s.getCacheMisses(), s.getCachePuts(), s.getCacheRemovals());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        manager.close();
    }

    /** A CacheWriter over a map; refuses every call while {@link #refuse} is set. */
    static final class RecordingWriter implements CacheWriter<String, String>, Serializable {
        final Map<Object, Object> store = new ConcurrentHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile boolean refuse;

        @Override
        public void write(Cache.Entry<? extends String, ? extends String> entry) {
            calls.add("write " + entry.getKey() + "=" + entry.getValue());
            check();
            store.put(entry.getKey(), entry.getValue());
        }

        @Override
        public void writeAll(java.util.Collection<Cache.Entry<? extends String, ? extends String>> entries) {
            entries.removeIf(e -> {
                write(e);
                return true;
            });
        }

        @Override
        public void delete(Object key) {
            calls.add("delete " + key);
            check();
            store.remove(key);
        }

        @Override
        public void deleteAll(java.util.Collection<?> keys) {
            keys.removeIf(k -> {
                delete(k);
                return true;
            });
        }

        private void check() {
            if (refuse) {
                throw new IllegalStateException("the store is down");
            }
        }
    }

    /** A CacheLoader that loads "loaded-KEY", nothing for keys starting "none", and fails while {@link #fail} is set. */
    static final class MapLoader implements CacheLoader<String, String>, Serializable {
        final AtomicInteger loads = new AtomicInteger();
        volatile boolean fail;

        @Override
        public String load(String key) {
            loads.incrementAndGet();
            if (fail) {
                throw new IllegalStateException("the loader is down");
            }
            return key.startsWith("none") ? null : "loaded-" + key;
        }

        @Override
        public Map<String, String> loadAll(Iterable<? extends String> keys) {
            Map<String, String> m = new HashMap<>();
            for (String k : keys) {
                String v = load(k);
                if (v != null) {
                    m.put(k, v);
                }
            }
            return m;
        }
    }

    /** Records every event as "TYPE key=value (old)". */
    static final class RecordingListener implements CacheEntryCreatedListener<String, String>,
            CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String>,
            CacheEntryExpiredListener<String, String>, Serializable {
        final List<String> events = new CopyOnWriteArrayList<>();
        /** Counted down by the first EXPIRED event. */
        final transient CountDownLatch expired = new CountDownLatch(1);

        private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
            for (CacheEntryEvent<? extends String, ? extends String> e : es) {
                events.add(e.getEventType() + " " + e.getKey() + "=" + e.getValue()
                        + (e.getEventType().name().equals("UPDATED") ? " (" + e.getOldValue() + ")" : ""));
            }
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
            record(es);
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
            record(es);
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
            record(es);
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> es) {
            record(es);
            expired.countDown();
        }
    }

    /** An expiry policy whose durations a test sets: ETERNAL creation, null update and access to start with. */
    static final class FixedExpiry implements ExpiryPolicy, Serializable {
        volatile Duration creation = Duration.ETERNAL;
        volatile Duration update;
        volatile Duration access;

        @Override
        public Duration getExpiryForCreation() {
            return creation;
        }

        @Override
        public Duration getExpiryForUpdate() {
            return update;
        }

        @Override
        public Duration getExpiryForAccess() {
            return access;
        }
    }
}

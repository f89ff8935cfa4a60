package io.khora.jcache;

import io.khora.Query;
import io.khora.Space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.spi.CachingProvider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider's own tests: what the TCK does not look at — that a cache really is a Khora space,
 * where synchronous listeners run, expiry through leases and the sweeper, the SPI adapters, the
 * space factory seam, and atomicity under contention.
 */
class KhoraJCacheTest {
    private static final URI URI_UNDER_TEST = URI.create("khora:embedded:KhoraJCacheTest");

    private CachingProvider provider;
    private CacheManager manager;

    @BeforeEach
    void setUp() {
        provider = Caching.getCachingProvider(KhoraCachingProvider.class.getName());
        manager = provider.getCacheManager(URI_UNDER_TEST, getClass().getClassLoader());
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void theProviderIsFoundThroughTheServiceLoaderAndEachCacheIsASpaceOfItsOwn() {
        assertThat(Caching.getCachingProvider()).isInstanceOf(KhoraCachingProvider.class);
        Cache<String, Integer> a = manager.createCache("a", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        Cache<String, Integer> b = manager.createCache("b", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        a.put("x", 1);
        b.put("x", 2);
        Space space = a.unwrap(Space.class);
        assertThat(space).isNotSameAs(b.unwrap(Space.class));
        List<CacheEntryRecord> records = space.readMultiple(Query.all(CacheEntryRecord.class));
        assertThat(records).extracting(CacheEntryRecord::key).containsExactly("x");
        assertThat(a.get("x")).isEqualTo(1);
        assertThat(b.get("x")).isEqualTo(2);
    }

    @Test
    void storeByValueCopiesKeysAndValuesStoreByReferenceDoesNot() {
        Cache<String, List<String>> byValue = manager.createCache("v", new MutableConfiguration<String, List<String>>());
        List<String> list = new ArrayList<>(List.of("a"));
        byValue.put("k", list);
        list.add("changed after put");
        List<String> read = byValue.get("k");
        assertThat(read).containsExactly("a");
        read.add("changed after get");
        assertThat(byValue.get("k")).containsExactly("a");

        Cache<String, List<String>> byRef = manager.createCache("r", new MutableConfiguration<String, List<String>>().setStoreByValue(false));
        byRef.put("k", list);
        assertThat(byRef.get("k")).isSameAs(list);
    }

    @Test
    void aSynchronousListenerHasRunOnTheCallersThreadWhenTheCallReturns() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Cache<String, String> cache = manager.createCache("sync", new MutableConfiguration<String, String>()
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(new ThreadRecorder(seen)), null, false, true)));
        Thread caller = Thread.currentThread();
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, "v");
            assertThat(seen).hasSize(i + 1);
        }
        assertThat(seen).allMatch(caller.getName()::equals);
    }

    public static final class ThreadRecorder implements CacheEntryCreatedListener<String, String>, java.io.Serializable {
        private final transient List<String> seen;

        ThreadRecorder(List<String> seen) {
            this.seen = seen;
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            for (CacheEntryEvent<? extends String, ? extends String> ignored : events) {
                seen.add(Thread.currentThread().getName());
            }
        }
    }

    @Test
    void aCreationExpiryIsTheLeaseAndTheSweeperDeliversTheExpiredEvent() throws Exception {
        CountDownLatch expired = new CountDownLatch(1);
        List<Object> expiredValues = new CopyOnWriteArrayList<>();
        ExpiredRecorder.sink = (e) -> {
            expiredValues.add(e.getOldValue());
            expired.countDown();
        };
        Cache<String, String> cache = manager.createCache("lease", new MutableConfiguration<String, String>()
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 150)))
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(ExpiredRecorder.class), null, true, false)));
        cache.put("k", "v");
        assertThat(cache.get("k")).isEqualTo("v");
        assertThat(expired.await(5, TimeUnit.SECONDS)).as("EXPIRED event from the space's lease sweep").isTrue();
        assertThat(expiredValues).containsExactly("v");
        assertThat(cache.containsKey("k")).isFalse();
    }

    public static final class ExpiredRecorder implements CacheEntryExpiredListener<String, String> {
        static volatile java.util.function.Consumer<CacheEntryEvent<? extends String, ? extends String>> sink;

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(sink);
        }
    }

    @Test
    void readThroughLoadsOnceThroughTheSpaceAndWriteThroughRefusalLeavesTheCacheUnchanged() {
        StoreLoader.calls.set(0);
        StoreWriter.store.clear();
        StoreWriter.refuse = false;
        Cache<Integer, String> cache = manager.createCache("rw", new MutableConfiguration<Integer, String>()
                .setTypes(Integer.class, String.class)
                .setReadThrough(true).setCacheLoaderFactory(FactoryBuilder.factoryOf(StoreLoader.class))
                .setWriteThrough(true).setCacheWriterFactory(FactoryBuilder.factoryOf(StoreWriter.class)));
        assertThat(cache.get(7)).isEqualTo("loaded-7");
        assertThat(cache.get(7)).isEqualTo("loaded-7");
        assertThat(StoreLoader.calls.get()).isEqualTo(1);
        assertThat(StoreWriter.store).isEmpty(); // a load is not written back

        cache.put(1, "one");
        assertThat(StoreWriter.store).containsEntry(1, "one");
        StoreWriter.refuse = true;
        assertThatThrownBy(() -> cache.put(1, "uno")).isInstanceOf(CacheWriterException.class);
        assertThatThrownBy(() -> cache.remove(1)).isInstanceOf(CacheWriterException.class);
        StoreWriter.refuse = false;
        assertThat(cache.get(1)).isEqualTo("one");
        assertThat(StoreWriter.store).containsEntry(1, "one");
        assertThat(cache.remove(1)).isTrue();
        assertThat(StoreWriter.store).doesNotContainKey(1);
    }

    public static final class StoreLoader implements CacheLoader<Integer, String> {
        static final AtomicInteger calls = new AtomicInteger();

        @Override
        public String load(Integer key) {
            calls.incrementAndGet();
            return "loaded-" + key;
        }

        @Override
        public Map<Integer, String> loadAll(Iterable<? extends Integer> keys) {
            Map<Integer, String> m = new ConcurrentHashMap<>();
            keys.forEach(k -> m.put(k, load(k)));
            return m;
        }
    }

    public static final class StoreWriter implements CacheWriter<Integer, String> {
        static final Map<Integer, String> store = new ConcurrentHashMap<>();
        static volatile boolean refuse;

        @Override
        public void write(Cache.Entry<? extends Integer, ? extends String> entry) {
            if (refuse) {
                throw new IllegalStateException("the store is down");
            }
            store.put(entry.getKey(), entry.getValue());
        }

        @Override
        public void writeAll(java.util.Collection<Cache.Entry<? extends Integer, ? extends String>> entries) {
            for (var it = entries.iterator(); it.hasNext(); ) {
                write(it.next());
                it.remove();
            }
        }

        @Override
        public void delete(Object key) {
            if (refuse) {
                throw new IllegalStateException("the store is down");
            }
            store.remove(key);
        }

        @Override
        public void deleteAll(java.util.Collection<?> keys) {
            for (var it = keys.iterator(); it.hasNext(); ) {
                delete(it.next());
                it.remove();
            }
        }
    }

    @Test
    void entryProcessorsAreAtomicUnderContention() throws Exception {
        Cache<String, Integer> cache = manager.createCache("counter", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        int threads = 4;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        cache.invoke("c", (entry, args) -> {
                            entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
                            return null;
                        });
                    }
                }));
            }
            for (var f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(cache.get("c")).isEqualTo(threads * perThread);
    }

    @Test
    void anEntryProcessorThatCallsBackIntoTheCacheIsRefusedInsteadOfDeadlocking() {
        Cache<String, Integer> cache = manager.createCache("reentrant", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        cache.put("other", 1);
        assertThatThrownBy(() -> cache.invoke("k", (entry, args) -> {
            cache.put("other", 2);
            return null;
        })).isInstanceOf(javax.cache.processor.EntryProcessorException.class).hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(cache.get("other")).isEqualTo(1);
        Integer read = cache.invoke("k", (entry, args) -> cache.get("other"));
        assertThat(read).as("reads are allowed").isEqualTo(1);
    }

    @Test
    void aSpaceFactoryGivenInTheManagerPropertiesSuppliesTheSpaces() {
        List<String> opened = Collections.synchronizedList(new ArrayList<>());
        EmbeddedSpaceFactory embedded = new EmbeddedSpaceFactory();
        SpaceFactory recording = new SpaceFactory() {
            @Override
            public Space open(CacheSpaceSpec spec) {
                opened.add(spec.cacheName() + "@" + spec.managerUri());
                return embedded.open(spec);
            }

            @Override
            public void close() {
                embedded.close();
            }
        };
        Properties p = new Properties();
        p.put(KhoraCachingProvider.SPACE_FACTORY, recording);
        p.setProperty(EmbeddedSpaceFactory.PARTITIONS, "3");
        URI uri = URI.create("khora:test:factory");
        CacheManager m = provider.getCacheManager(uri, getClass().getClassLoader(), p);
        try {
            Cache<String, String> c = m.createCache("c", new MutableConfiguration<>());
            c.put("a", "b");
            assertThat(opened).containsExactly("c@" + uri);
            assertThat(c.unwrap(Space.class).clusterInfo().numberOfInstances()).isEqualTo(3);
            assertThat(m.unwrap(SpaceFactory.class)).isSameAs(recording);
        } finally {
            m.close();
        }
    }
}

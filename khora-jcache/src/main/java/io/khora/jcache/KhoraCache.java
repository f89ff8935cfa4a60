package io.khora.jcache;

import io.khora.Lease;
import io.khora.Space;

import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSR-107 {@link Cache} backed by a Khora {@link Space} of its own, which holds one entry type,
 * {@link CacheEntryRecord} (the key is the space id).
 *
 * <p>How the cache maps onto the space:
 * <ul>
 *   <li><b>Mutations</b> run as one {@link Space#invoke} each: the cache's decision (create, update,
 *       remove, keep) is taken atomically with the read of the current entry, inside the partition.
 *       The JCache {@code EntryProcessor} runs inside that same {@code invoke}.</li>
 *   <li><b>Expiry</b>: an entry's lease is its JCache expiry. Creation and update durations are the
 *       lease of the write; an access duration renews the lease; a null duration keeps it; ETERNAL
 *       is {@link Lease#FOREVER}; ZERO expires at once — a created entry is never stored, an updated
 *       or accessed one is removed as expired (EXPIRED event, no {@code CacheWriter.delete}). The
 *       space's lease sweeper publishes EXPIRE events, which become EXPIRED.</li>
 *   <li><b>Read-through</b> is the space's read-through: a {@link CacheLoaderDataSource} is the
 *       space's data source, so a {@code get}/{@code getAll} miss loads through the space.</li>
 *   <li><b>Write-through</b> is the space's write-through: a {@link CacheWriterEndpoint} is the
 *       space's synchronization endpoint, called before each change is applied; if the writer
 *       throws, the space refuses the change and the cache is unchanged.</li>
 *   <li><b>Listeners</b>: the cache knows the exact old and new value of every mutation when its
 *       {@code invoke} returns, and dispatches the events then — synchronous listeners on the
 *       caller's thread before the method returns, asynchronous ones through an ordered queue each.
 *       Events of one key are dispatched under a per-key stripe lock, so listeners see them in the
 *       order the mutations happened.</li>
 * </ul>
 *
 * <p>This class is the facade: it checks that the cache is open and hands each operation to the
 * mechanism that does it — {@link CacheReads}, {@link CacheWrites} (both over the per-key
 * {@link AtomicStep} and its {@link Slot} decisions), {@link EntryProcessorRuns}, {@link CacheLoadAll},
 * {@link CacheIterator} and {@link CacheListeners}.
 */
public final class KhoraCache<K, V> implements Cache<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(KhoraCache.class);

    private final KhoraCacheManager manager;
    private final String name;
    private final MutableConfiguration<K, V> configuration;
    private final CacheParts<K, V> parts;
    private final CacheConfigurationBean configurationBean = new CacheConfigurationBean(this);
    private final SpaceFactory factory;
    private final CacheSpaceSpec spec;
    private final Space space;
    private final AtomicStep<K, V> step;
    private final CacheReads<K, V> reads;
    private final CacheWrites<K, V> writes;
    private final EntryProcessorRuns<K, V> processors;
    private final CacheLoadAll<K, V> loadAll;
    private final CacheListeners<K, V> listeners;
    private final Object lifecycleLock = new Object();
    private volatile boolean closed;

    KhoraCache(KhoraCacheManager manager, String name, MutableConfiguration<K, V> configuration, SpaceFactory factory,
               Executor asyncExecutor) {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.factory = factory;
        StoreCodec codec = configuration.isStoreByValue() ? StoreCodec.byValue(manager.getClassLoader()) : StoreCodec.byReference();
        CacheIntegration<K, V> integration = new CacheIntegration<>(name, create(configuration.getCacheLoaderFactory()),
                configuration.isWriteThrough() ? create(configuration.getCacheWriterFactory()) : null);
        ExpiryPolicy expiry = create(configuration.getExpiryPolicyFactory());
        StatisticsAccounting stats = new StatisticsAccounting(new CacheStatistics(), configuration::isStatisticsEnabled, System::nanoTime);
        this.parts = new CacheParts<>(this, name, configuration, codec, integration, new ExpiryLeases(name, expiry),
                new EventDispatcher<>(asyncExecutor), stats);
        this.spec = new CacheSpaceSpec(manager.getURI(), name, "jcache:" + manager.getURI() + "/" + name,
                parts.readsThrough() ? new CacheLoaderDataSource(parts) : null,
                integration.hasWriter() ? new CacheWriterEndpoint(parts) : null, manager.getProperties());
        this.space = factory.open(spec);
        this.step = new AtomicStep<>(parts, space);
        this.reads = new CacheReads<>(parts, space, step);
        this.writes = new CacheWrites<>(parts, space, step);
        this.processors = new EntryProcessorRuns<>(parts, step);
        this.loadAll = new CacheLoadAll<>(parts, reads, step, manager.executor());
        this.listeners = new CacheListeners<>(parts, space, step, lifecycleLock, () -> closed);
        listeners.start();
        if (configuration.isManagementEnabled()) {
            MBeans.register(this, MBeans.CONFIGURATION, configurationBean);
        }
        if (configuration.isStatisticsEnabled()) {
            MBeans.register(this, MBeans.STATISTICS, stats.statistics());
        }
    }

    private static <T> T create(Factory<T> f) {
        return f == null ? null : f.create();
    }

    CompleteConfiguration<K, V> configuration() {
        return configuration;
    }

    /** What the cache's mechanisms share (for their tests). */
    CacheParts<K, V> parts() {
        return parts;
    }

    /** The listener registrations (for their test). */
    CacheListeners<K, V> listeners() {
        return listeners;
    }

    /** The per-key atomic step (for the mechanisms' tests). */
    AtomicStep<K, V> step() {
        return step;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("cache '" + name + "' is closed");
        }
    }

    // ================================================================ reads

    @Override
    public V get(K key) {
        ensureOpen();
        return reads.get(key);
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        ensureOpen();
        return reads.getAll(keys);
    }

    @Override
    public boolean containsKey(K key) {
        ensureOpen();
        return reads.containsKey(key);
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        ensureOpen();
        loadAll.loadAll(keys, replaceExistingValues, completionListener);
    }

    // ================================================================ writes

    @Override
    public void put(K key, V value) {
        ensureOpen();
        writes.put(key, value);
    }

    @Override
    public V getAndPut(K key, V value) {
        ensureOpen();
        return writes.getAndPut(key, value);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        ensureOpen();
        writes.putAll(map);
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        ensureOpen();
        return writes.putIfAbsent(key, value);
    }

    @Override
    public boolean remove(K key) {
        ensureOpen();
        return writes.remove(key);
    }

    @Override
    public boolean remove(K key, V oldValue) {
        ensureOpen();
        return writes.remove(key, oldValue);
    }

    @Override
    public V getAndRemove(K key) {
        ensureOpen();
        return writes.getAndRemove(key);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        ensureOpen();
        return writes.replace(key, oldValue, newValue);
    }

    @Override
    public boolean replace(K key, V value) {
        ensureOpen();
        return writes.replace(key, value);
    }

    @Override
    public V getAndReplace(K key, V value) {
        ensureOpen();
        return writes.getAndReplace(key, value);
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        ensureOpen();
        writes.removeAll(keys);
    }

    @Override
    public void removeAll() {
        ensureOpen();
        writes.removeAll(reads.snapshot());
    }

    @Override
    public void clear() {
        ensureOpen();
        writes.clear();
    }

    // ================================================================ entry processors and iteration

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) throws EntryProcessorException {
        ensureOpen();
        return processors.invoke(key, entryProcessor, arguments);
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> entryProcessor,
                                                         Object... arguments) {
        ensureOpen();
        return processors.invokeAll(keys, entryProcessor, arguments);
    }

    @Override
    public Iterator<Entry<K, V>> iterator() {
        ensureOpen();
        return new CacheIterator<>(parts, reads, this::ensureOpen, this::remove);
    }

    // ================================================================ listeners

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        ensureOpen();
        listeners.register(listenerConfiguration);
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        Objects.requireNonNull(listenerConfiguration, "listener configuration must not be null");
        ensureOpen();
        listeners.deregister(listenerConfiguration);
    }

    // ================================================================ configuration and life cycle

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
        Objects.requireNonNull(clazz, "configuration class must not be null");
        MutableConfiguration<K, V> copy;
        synchronized (lifecycleLock) {
            copy = new MutableConfiguration<>(configuration);
        }
        if (clazz.isInstance(copy)) {
            return clazz.cast(copy);
        }
        throw new IllegalArgumentException("the configuration of cache '" + name + "' is not a " + clazz.getName());
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    /** The space that backs this cache. */
    public Space space() {
        return space;
    }

    void setStatisticsEnabled(boolean enabled) {
        synchronized (lifecycleLock) {
            configuration.setStatisticsEnabled(enabled);
            setMBean(enabled, MBeans.STATISTICS, parts.stats.statistics());
        }
    }

    void setManagementEnabled(boolean enabled) {
        synchronized (lifecycleLock) {
            configuration.setManagementEnabled(enabled);
            setMBean(enabled, MBeans.CONFIGURATION, configurationBean);
        }
    }

    private void setMBean(boolean enabled, String type, Object bean) {
        if (enabled) {
            MBeans.register(this, type, bean);
        } else {
            MBeans.unregister(this, type);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        manager.releaseCache(this);
        closeResources();
    }

    /** Releases the space, the MBeans and every closeable loader, writer, expiry policy and listener. */
    void closeResources() {
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
            listeners.closeSubscription();
        }
        MBeans.unregister(this, MBeans.CONFIGURATION);
        MBeans.unregister(this, MBeans.STATISTICS);
        try {
            factory.release(spec, space);
        } catch (RuntimeException e) {
            LOG.warn("cache '{}': releasing its space failed", name, e);
        }
        for (Object part : parts.integration.parts()) {
            closeQuietly(part);
        }
        closeQuietly(parts.expiry.policy());
        parts.dispatcher.closeAll();
    }

    private void closeQuietly(Object part) {
        if (part instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("cache '{}': closing {} failed", name, part, e);
            }
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrap.to(clazz, "cache '" + name + "'", this, space);
    }

    @Override
    public String toString() {
        return "KhoraCache{" + name + " @ " + manager.getURI() + "}";
    }
}

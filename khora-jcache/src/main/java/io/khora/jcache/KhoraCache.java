package io.khora.jcache;

import io.khora.EntryProcessor;
import io.khora.Lease;
import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceClosedException;
import io.khora.SpaceEvent;
import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.SpaceListener;
import io.khora.Subscription;
import io.khora.persistence.DataSourceException;
import io.khora.persistence.SpacePersistenceException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
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
 */
public final class KhoraCache<K, V> implements Cache<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(KhoraCache.class);
    private static final int STRIPES = 64;

    private final KhoraCacheManager manager;
    private final String name;
    private final MutableConfiguration<K, V> configuration;
    private final StoreCodec codec;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<? super K, ? super V> writer;
    private final ExpiryPolicy expiry;
    private final EventDispatcher<K, V> dispatcher;
    private final CacheStatistics statistics = new CacheStatistics();
    private final CacheConfigurationBean configurationBean = new CacheConfigurationBean(this);
    private final ThreadLocal<OperationContext> context = ThreadLocal.withInitial(OperationContext::new);
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final SpaceFactory factory;
    private final CacheSpaceSpec spec;
    private final Space space;
    private final Object lifecycleLock = new Object();
    private Subscription expirySubscription;
    private volatile boolean closed;

    KhoraCache(KhoraCacheManager manager, String name, MutableConfiguration<K, V> configuration, SpaceFactory factory,
               Executor asyncExecutor) {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.factory = factory;
        this.codec = configuration.isStoreByValue() ? StoreCodec.byValue(manager.getClassLoader()) : StoreCodec.byReference();
        this.loader = create(configuration.getCacheLoaderFactory());
        this.writer = configuration.isWriteThrough() ? create(configuration.getCacheWriterFactory()) : null;
        Factory<ExpiryPolicy> ef = configuration.getExpiryPolicyFactory();
        this.expiry = ef == null ? null : ef.create();
        this.dispatcher = new EventDispatcher<>(asyncExecutor);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        for (CacheEntryListenerConfiguration<K, V> l : configuration.getCacheEntryListenerConfigurations()) {
            dispatcher.register(l);
        }
        this.spec = new CacheSpaceSpec(manager.getURI(), name, "jcache:" + manager.getURI() + "/" + name,
                configuration.isReadThrough() && loader != null ? new CacheLoaderDataSource(this) : null,
                writer != null ? new CacheWriterEndpoint(this) : null, manager.getProperties());
        this.space = factory.open(spec);
        if (dispatcher.wantsExpired()) {
            subscribeExpiry();
        }
        if (configuration.isManagementEnabled()) {
            MBeans.register(this, MBeans.CONFIGURATION, configurationBean);
        }
        if (configuration.isStatisticsEnabled()) {
            MBeans.register(this, MBeans.STATISTICS, statistics);
        }
    }

    private static <T> T create(Factory<T> f) {
        return f == null ? null : f.create();
    }

    // ================================================================ SPI adapter support

    OperationContext context() {
        return context.get();
    }

    StoreCodec codec() {
        return codec;
    }

    boolean hasLoader() {
        return loader != null;
    }

    CompleteConfiguration<K, V> configuration() {
        return configuration;
    }

    /** {@code CacheLoader.load}; any failure is a {@link CacheLoaderException}. */
    @SuppressWarnings("unchecked")
    V loadFromLoader(Object key) {
        try {
            return loader.load((K) key);
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException("CacheLoader.load(" + key + ") of cache '" + name + "' failed: " + e, e);
        }
    }

    /** {@code CacheLoader.loadAll}; any failure is a {@link CacheLoaderException}. */
    @SuppressWarnings("unchecked")
    Map<Object, Object> loadAllFromLoader(Collection<?> keys) {
        try {
            Map<K, V> m = loader.loadAll((Iterable<? extends K>) keys);
            return m == null ? Map.of() : (Map<Object, Object>) (Map<?, ?>) m;
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException("CacheLoader.loadAll of cache '" + name + "' failed: " + e, e);
        }
    }

    /** {@code CacheWriter.write}; any failure is a {@link CacheWriterException}. */
    @SuppressWarnings("unchecked")
    void writerWrite(Object key, Object value) {
        try {
            writer.write(new KhoraCacheEntry<>((K) key, (V) value));
        } catch (CacheWriterException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheWriterException("CacheWriter.write(" + key + ") of cache '" + name + "' failed: " + e, e);
        }
    }

    /** {@code CacheWriter.delete}; any failure is a {@link CacheWriterException}. */
    void writerDelete(Object key) {
        try {
            writer.delete(key);
        } catch (CacheWriterException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheWriterException("CacheWriter.delete(" + key + ") of cache '" + name + "' failed: " + e, e);
        }
    }

    // ================================================================ checks and helpers

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("cache '" + name + "' is closed");
        }
    }

    private K checkKey(K key) {
        Objects.requireNonNull(key, "key must not be null");
        Class<K> t = configuration.getKeyType();
        if (t != Object.class && !t.isInstance(key)) {
            throw new ClassCastException("cache '" + name + "' has keys of " + t.getName() + ", not " + key.getClass().getName());
        }
        return key;
    }

    V checkValueType(V value) {
        Objects.requireNonNull(value, "value must not be null");
        Class<V> t = configuration.getValueType();
        if (t != Object.class && !t.isInstance(value)) {
            throw new ClassCastException("cache '" + name + "' has values of " + t.getName() + ", not " + value.getClass().getName());
        }
        return value;
    }

    private boolean stats() {
        return configuration.isStatisticsEnabled();
    }

    private ReentrantLock stripe(Object key) {
        int h = key.hashCode();
        return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
    }

    @SuppressWarnings("unchecked")
    private V decode(Object stored) {
        return (V) codec.decode(stored);
    }

    private Duration creationExpiry() {
        if (expiry == null) {
            return Duration.ETERNAL;
        }
        try {
            Duration d = expiry.getExpiryForCreation();
            return d == null ? Duration.ETERNAL : d;
        } catch (RuntimeException e) {
            LOG.warn("cache '{}': ExpiryPolicy.getExpiryForCreation failed; the entry does not expire", name, e);
            return Duration.ETERNAL;
        }
    }

    private Duration updateExpiry() {
        if (expiry == null) {
            return null;
        }
        try {
            return expiry.getExpiryForUpdate();
        } catch (RuntimeException e) {
            LOG.warn("cache '{}': ExpiryPolicy.getExpiryForUpdate failed; the expiry is kept", name, e);
            return null;
        }
    }

    private Duration accessExpiry() {
        if (expiry == null) {
            return null;
        }
        try {
            return expiry.getExpiryForAccess();
        } catch (RuntimeException e) {
            LOG.warn("cache '{}': ExpiryPolicy.getExpiryForAccess failed; the expiry is kept", name, e);
            return null;
        }
    }

    private static boolean isZero(Duration d) {
        return d != null && d.isZero();
    }

    /** The lease for a duration: null (keep the current lease) for null, FOREVER for ETERNAL. */
    private static Lease lease(Duration d) {
        if (d == null) {
            return null;
        }
        if (d.isEternal()) {
            return Lease.FOREVER;
        }
        long ms = d.getTimeUnit().toMillis(d.getDurationAmount());
        return Lease.ofMillis(Math.max(1L, ms));
    }

    /** Translates what a space call threw into what JSR-107 specifies. */
    private RuntimeException translate(RuntimeException e) {
        if (e instanceof ProcessorFailure pf) {
            return pf.toEntryProcessorException();
        }
        if (e instanceof SpacePersistenceException) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof CacheWriterException cwe) {
                    return cwe;
                }
            }
            return new CacheWriterException(e.getMessage(), e.getCause() != null ? e.getCause() : e);
        }
        if (e instanceof DataSourceException) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof CacheLoaderException cle) {
                    return cle;
                }
            }
            return new CacheLoaderException(e.getMessage(), e.getCause() != null ? e.getCause() : e);
        }
        if (e instanceof SpaceClosedException) {
            return new IllegalStateException("cache '" + name + "' is closed", e);
        }
        return e;
    }

    /** An exception thrown by a JCache entry processor, carried out of the space's invoke. */
    private static final class ProcessorFailure extends RuntimeException {
        ProcessorFailure(Throwable cause) {
            super(cause);
        }

        EntryProcessorException toEntryProcessorException() {
            return getCause() instanceof EntryProcessorException epe ? epe : new EntryProcessorException(getCause());
        }
    }

    // ================================================================ the atomic step

    /** One key's atomic step: runs inside the space's invoke with the current entry. */
    private interface Mutation<K, V, R> {
        R apply(Slot<K, V> slot);
    }

    /**
     * The current entry of a key inside the space's invoke, and what the step decided: events to
     * dispatch and statistics to count once the space applied the change.
     */
    private static final class Slot<K, V> {
        final KhoraCache<K, V> cache;
        final K key;
        final io.khora.MutableEntry<CacheEntryRecord> entry;
        final CacheEntryRecord current;
        private V value;
        private boolean decoded;
        final List<KhoraCacheEntryEvent<K, V>> events = new ArrayList<>(2);
        long hits;
        long misses;
        long puts;
        long removals;

        Slot(KhoraCache<K, V> cache, K key, io.khora.MutableEntry<CacheEntryRecord> entry) {
            this.cache = cache;
            this.key = key;
            this.entry = entry;
            this.current = entry.get();
        }

        boolean exists() {
            return current != null;
        }

        V value() {
            if (!decoded) {
                value = current == null ? null : cache.decode(current.value());
                decoded = true;
            }
            return value;
        }

        /** The current value if some listener may want it as an old value, else null. */
        V oldForEvent() {
            return cache.dispatcher.isEmpty() ? null : value();
        }

        /** Stores a value (in its stored form) under the key, with {@code lease} (null keeps the current lease). */
        void store(Object encoded, Lease lease) {
            Object storedKey = current != null ? current.key() : cache.codec.storedKey(key);
            CacheEntryRecord r = new CacheEntryRecord(storedKey, encoded, null);
            if (lease == null) {
                entry.set(r);
            } else {
                entry.set(r, lease);
            }
        }

        /** Gives the current entry a new lease; not a cache mutation, so not written through. */
        void renew(Lease lease) {
            silent();
            entry.set(new CacheEntryRecord(current.key(), current.value(), null), lease);
        }

        void remove() {
            entry.remove();
        }

        /** The space change this step makes is not to reach the CacheWriter. */
        void silent() {
            cache.context().skipWriter = true;
        }

        /** The current entry expires now (ZERO duration): removed without CacheWriter.delete, EXPIRED event. */
        void expireNow() {
            V old = oldForEvent();
            silent();
            entry.remove();
            events.add(KhoraCacheEntryEvent.expired(cache, key, old));
        }
    }

    private <R> R mutate(K key, Mutation<K, V, R> m) {
        ReentrantLock lock = stripe(key);
        lock.lock();
        try {
            List<Slot<K, V>> holder = new ArrayList<>(1);
            R result;
            OperationContext ctx = context();
            if (ctx.insideEntry) {
                throw new IllegalStateException("cache '" + name + "' was called back from its own entry processor, CacheLoader,"
                        + " CacheWriter or ExpiryPolicy while a key is locked; JSR-107 does not allow that (it would deadlock)");
            }
            try {
                EntryProcessor<CacheEntryRecord, R> p = e -> {
                    ctx.insideEntry = true;
                    Slot<K, V> s = new Slot<>(this, key, e);
                    holder.add(s);
                    return m.apply(s);
                };
                result = space.invoke(CacheEntryRecord.class, key, p);
            } catch (RuntimeException e) {
                throw translate(e);
            } finally {
                ctx.skipWriter = false;
                ctx.insideEntry = false;
            }
            Slot<K, V> s = holder.isEmpty() ? null : holder.get(holder.size() - 1);
            if (s != null) {
                if (stats()) {
                    statistics.hits(s.hits);
                    statistics.misses(s.misses);
                    statistics.puts(s.puts);
                    statistics.removals(s.removals);
                }
                dispatcher.dispatch(s.events);
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- decisions shared by operations

    /** Creates the entry with the creation expiry; ZERO stores nothing (but still writes through). */
    private void create(Slot<K, V> s, V value, Object encoded) {
        Duration d = creationExpiry();
        if (isZero(d)) {
            if (writer != null) {
                writerWrite(s.key, value);
            }
            return;
        }
        s.store(encoded, lease(d));
        s.events.add(KhoraCacheEntryEvent.created(this, s.key, value));
        s.puts++;
    }

    /** Replaces the entry's value with the update expiry (null keeps the lease; ZERO expires it). */
    private void update(Slot<K, V> s, V value, Object encoded) {
        V old = s.oldForEvent();
        Duration d = updateExpiry();
        if (isZero(d)) {
            if (writer != null) {
                writerWrite(s.current.key(), value);
            }
            s.silent();
            s.remove();
            s.events.add(KhoraCacheEntryEvent.updated(this, s.key, value, old));
            s.events.add(KhoraCacheEntryEvent.expired(this, s.key, value));
        } else {
            s.store(encoded, lease(d));
            s.events.add(KhoraCacheEntryEvent.updated(this, s.key, value, old));
        }
        s.puts++;
    }

    /** Removes the existing entry (written through as a delete). */
    private void removeExisting(Slot<K, V> s) {
        V old = s.oldForEvent();
        s.remove();
        s.events.add(KhoraCacheEntryEvent.removed(this, s.key, old));
        s.removals++;
    }

    /** The entry was read: applies the access expiry (null keeps the lease, ZERO expires it). */
    private void accessed(Slot<K, V> s) {
        Duration d = accessExpiry();
        if (d == null) {
            return;
        }
        if (d.isZero()) {
            s.expireNow();
        } else {
            s.renew(lease(d));
        }
    }

    /** A delete of a key the cache does not hold still reaches the CacheWriter (the store may hold it). */
    private void deleteAbsent(Slot<K, V> s) {
        if (writer != null) {
            writerDelete(s.key);
        }
    }

    // ================================================================ reads

    @Override
    public V get(K key) {
        ensureOpen();
        checkKey(key);
        long start = System.nanoTime();
        V v = read(key);
        if (stats()) {
            statistics.getTime(System.nanoTime() - start);
        }
        return v;
    }

    /** A read by key: from memory, else (read-through) from the loader through the space. */
    private V read(K key) {
        OperationContext ctx = context();
        CacheEntryRecord r;
        Map<Object, Long> loaded;
        try {
            r = space.readById(CacheEntryRecord.class, key);
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            loaded = ctx.takeLoaded();
        }
        return afterRead(key, r, loaded);
    }

    private V afterRead(K key, CacheEntryRecord r, Map<Object, Long> loaded) {
        if (r == null) {
            if (stats()) {
                statistics.misses(1);
            }
            return null;
        }
        V value = decode(r.value());
        if (r.loadToken() != null && r.loadToken().equals(loaded.get(r.key()))) {
            if (stats()) {
                statistics.misses(1);
            }
            loadedBySpace(key, r, value);
            return value;
        }
        if (stats()) {
            statistics.hits(1);
        }
        touch(key, r);
        return value;
    }

    /**
     * Read-through put {@code r} into the space with no lease: give it the creation expiry (ZERO
     * removes it again), unless it was changed meanwhile, and announce it (CREATED).
     */
    private void loadedBySpace(K key, CacheEntryRecord r, V value) {
        Duration d = creationExpiry();
        mutate(key, s -> {
            if (s.current == null || !r.loadToken().equals(s.current.loadToken())) {
                return null;
            }
            if (isZero(d)) {
                s.silent();
                s.remove();
                return null;
            }
            s.renew(lease(d));
            s.events.add(KhoraCacheEntryEvent.created(this, key, value));
            return null;
        });
    }

    /** Applies the access expiry to an entry just read without a lock (if it is still that entry). */
    private void touch(K key, CacheEntryRecord read) {
        Duration d = accessExpiry();
        if (d == null) {
            return;
        }
        mutate(key, s -> {
            if (s.current != null && Objects.equals(s.current.value(), read.value())) {
                if (d.isZero()) {
                    s.expireNow();
                } else {
                    s.renew(lease(d));
                }
            }
            return null;
        });
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        ensureOpen();
        Objects.requireNonNull(keys, "keys must not be null");
        List<K> list = new ArrayList<>(keys.size());
        for (K k : keys) {
            list.add(checkKey(k));
        }
        long start = System.nanoTime();
        OperationContext ctx = context();
        List<CacheEntryRecord> found;
        Map<Object, Long> loaded;
        try {
            found = space.readByIds(CacheEntryRecord.class, list);
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            loaded = ctx.takeLoaded();
        }
        Map<K, V> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            V v = afterRead(list.get(i), found.get(i), loaded);
            if (v != null) {
                out.put(list.get(i), v);
            }
        }
        if (stats()) {
            statistics.getTime(System.nanoTime() - start);
        }
        return out;
    }

    @Override
    public boolean containsKey(K key) {
        ensureOpen();
        checkKey(key);
        return peek(key) != null;
    }

    /** The entry in memory, without loading, statistics or expiry effects. */
    private CacheEntryRecord peek(Object key) {
        OperationContext ctx = context();
        ctx.noLoad = true;
        try {
            return space.readById(CacheEntryRecord.class, key);
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            ctx.noLoad = false;
            ctx.takeLoaded();
        }
    }

    // ================================================================ loadAll

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        ensureOpen();
        Objects.requireNonNull(keys, "keys must not be null");
        for (K k : keys) {
            checkKey(k);
        }
        if (loader == null) {
            if (completionListener != null) {
                completionListener.onCompletion();
            }
            return;
        }
        List<K> copy = new ArrayList<>(keys);
        manager.executor().execute(() -> {
            try {
                loadAllNow(copy, replaceExistingValues);
                if (completionListener != null) {
                    completionListener.onCompletion();
                }
            } catch (Exception e) {
                if (completionListener != null) {
                    completionListener.onException(e instanceof CacheLoaderException ? e : new CacheLoaderException(e));
                }
            }
        });
    }

    /**
     * Loads {@code keys} (those not in the cache, unless replacing) with one {@code loadAll} and
     * puts what came back: not written through, creation or update expiry, CREATED/UPDATED events.
     */
    @SuppressWarnings("unchecked")
    private void loadAllNow(List<K> keys, boolean replace) {
        List<K> wanted = new ArrayList<>(keys.size());
        for (K k : keys) {
            if (replace || peek(k) == null) {
                wanted.add(k);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Map<Object, Object> loaded = loadAllFromLoader(wanted);
        for (Map.Entry<Object, Object> e : loaded.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                continue;
            }
            K key = (K) e.getKey();
            V value = (V) e.getValue();
            Object encoded = codec.encode(value);
            mutate(key, s -> {
                s.silent();
                if (!s.exists()) {
                    Duration d = creationExpiry();
                    if (!isZero(d)) {
                        s.store(encoded, lease(d));
                        s.events.add(KhoraCacheEntryEvent.created(this, key, value));
                    }
                } else if (replace) {
                    V old = s.oldForEvent();
                    Duration d = updateExpiry();
                    if (isZero(d)) {
                        s.remove();
                        s.events.add(KhoraCacheEntryEvent.updated(this, key, value, old));
                        s.events.add(KhoraCacheEntryEvent.expired(this, key, value));
                    } else {
                        s.store(encoded, lease(d));
                        s.events.add(KhoraCacheEntryEvent.updated(this, key, value, old));
                    }
                }
                return null;
            });
        }
    }

    // ================================================================ writes

    @Override
    public void put(K key, V value) {
        ensureOpen();
        checkKey(key);
        checkValueType(value);
        Object encoded = codec.encode(value);
        long start = System.nanoTime();
        mutate(key, s -> {
            if (s.exists()) {
                update(s, value, encoded);
            } else {
                create(s, value, encoded);
            }
            return null;
        });
        if (stats()) {
            statistics.putTime(System.nanoTime() - start);
        }
    }

    @Override
    public V getAndPut(K key, V value) {
        ensureOpen();
        checkKey(key);
        checkValueType(value);
        Object encoded = codec.encode(value);
        long start = System.nanoTime();
        V old = mutate(key, s -> {
            if (s.exists()) {
                V o = s.value();
                s.hits++;
                update(s, value, encoded);
                return o;
            }
            s.misses++;
            create(s, value, encoded);
            return null;
        });
        if (stats()) {
            long t = System.nanoTime() - start;
            statistics.getTime(t);
            statistics.putTime(t);
        }
        return old;
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        ensureOpen();
        Objects.requireNonNull(map, "map must not be null");
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            checkKey(e.getKey());
            checkValueType(e.getValue());
        }
        long start = System.nanoTime();
        RuntimeException first = null;
        for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            K key = e.getKey();
            V value = e.getValue();
            Object encoded = codec.encode(value);
            try {
                mutate(key, s -> {
                    if (s.exists()) {
                        update(s, value, encoded);
                    } else {
                        create(s, value, encoded);
                    }
                    return null;
                });
            } catch (CacheWriterException | javax.cache.event.CacheEntryListenerException ex) {
                // the other entries are still put; the first failure is reported at the end
                if (first == null) {
                    first = ex;
                }
            }
        }
        if (stats()) {
            statistics.putTime(System.nanoTime() - start);
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        ensureOpen();
        checkKey(key);
        checkValueType(value);
        Object encoded = codec.encode(value);
        long start = System.nanoTime();
        boolean put = mutate(key, s -> {
            if (s.exists()) {
                s.hits++;
                return false;
            }
            s.misses++;
            create(s, value, encoded);
            return true;
        });
        if (stats()) {
            statistics.putTime(System.nanoTime() - start);
        }
        return put;
    }

    @Override
    public boolean remove(K key) {
        ensureOpen();
        checkKey(key);
        long start = System.nanoTime();
        boolean removed = mutate(key, s -> {
            if (s.exists()) {
                removeExisting(s);
                return true;
            }
            deleteAbsent(s);
            return false;
        });
        if (stats()) {
            statistics.removeTime(System.nanoTime() - start);
        }
        return removed;
    }

    @Override
    public boolean remove(K key, V oldValue) {
        ensureOpen();
        checkKey(key);
        checkValueType(oldValue);
        long start = System.nanoTime();
        boolean removed = mutate(key, s -> {
            if (!s.exists()) {
                s.misses++;
                return false;
            }
            s.hits++;
            if (Objects.equals(s.value(), oldValue)) {
                removeExisting(s);
                return true;
            }
            accessed(s);
            return false;
        });
        if (stats()) {
            statistics.removeTime(System.nanoTime() - start);
        }
        return removed;
    }

    @Override
    public V getAndRemove(K key) {
        ensureOpen();
        checkKey(key);
        long start = System.nanoTime();
        V old = mutate(key, s -> {
            if (!s.exists()) {
                s.misses++;
                deleteAbsent(s);
                return null;
            }
            s.hits++;
            V o = s.value();
            removeExisting(s);
            return o;
        });
        if (stats()) {
            long t = System.nanoTime() - start;
            statistics.getTime(t);
            statistics.removeTime(t);
        }
        return old;
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        ensureOpen();
        checkKey(key);
        checkValueType(oldValue);
        checkValueType(newValue);
        Object encoded = codec.encode(newValue);
        long start = System.nanoTime();
        boolean replaced = mutate(key, s -> {
            if (!s.exists()) {
                s.misses++;
                return false;
            }
            s.hits++;
            if (Objects.equals(s.value(), oldValue)) {
                update(s, newValue, encoded);
                return true;
            }
            accessed(s);
            return false;
        });
        if (stats()) {
            statistics.putTime(System.nanoTime() - start);
        }
        return replaced;
    }

    @Override
    public boolean replace(K key, V value) {
        ensureOpen();
        checkKey(key);
        checkValueType(value);
        Object encoded = codec.encode(value);
        long start = System.nanoTime();
        boolean replaced = mutate(key, s -> {
            if (!s.exists()) {
                s.misses++;
                return false;
            }
            s.hits++;
            update(s, value, encoded);
            return true;
        });
        if (stats()) {
            statistics.putTime(System.nanoTime() - start);
        }
        return replaced;
    }

    @Override
    public V getAndReplace(K key, V value) {
        ensureOpen();
        checkKey(key);
        checkValueType(value);
        Object encoded = codec.encode(value);
        long start = System.nanoTime();
        V old = mutate(key, s -> {
            if (!s.exists()) {
                s.misses++;
                return null;
            }
            s.hits++;
            V o = s.value();
            update(s, value, encoded);
            return o;
        });
        if (stats()) {
            long t = System.nanoTime() - start;
            statistics.getTime(t);
            statistics.putTime(t);
        }
        return old;
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        ensureOpen();
        Objects.requireNonNull(keys, "keys must not be null");
        for (K k : keys) {
            checkKey(k);
        }
        removeEach(new ArrayList<>(keys), true);
    }

    @Override
    public void removeAll() {
        ensureOpen();
        List<K> keys = new ArrayList<>();
        for (CacheEntryRecord r : snapshot()) {
            @SuppressWarnings("unchecked")
            K k = (K) r.key();
            keys.add(k);
        }
        removeEach(keys, false);
    }

    /** Removes each key as {@link #remove(Object)} does; the first writer or listener failure is rethrown at the end. */
    private void removeEach(List<K> keys, boolean deleteAbsent) {
        long start = System.nanoTime();
        RuntimeException first = null;
        for (K key : keys) {
            try {
                mutate(key, s -> {
                    if (s.exists()) {
                        removeExisting(s);
                    } else if (deleteAbsent) {
                        deleteAbsent(s);
                    }
                    return null;
                });
            } catch (CacheWriterException | javax.cache.event.CacheEntryListenerException ex) {
                if (first == null) {
                    first = ex;
                }
            }
        }
        if (stats()) {
            statistics.removeTime(System.nanoTime() - start);
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void clear() {
        ensureOpen();
        OperationContext ctx = context();
        ctx.skipWriter = true;
        try {
            space.clear(Query.all(CacheEntryRecord.class));
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            ctx.skipWriter = false;
        }
    }

    /** Every live entry now (a copy). */
    private List<CacheEntryRecord> snapshot() {
        OperationContext ctx = context();
        ctx.noLoad = true;
        try {
            return space.readMultiple(Query.all(CacheEntryRecord.class));
        } catch (RuntimeException e) {
            throw translate(e);
        } finally {
            ctx.noLoad = false;
        }
    }

    // ================================================================ entry processors

    @Override
    public <T> T invoke(K key, javax.cache.processor.EntryProcessor<K, V, T> entryProcessor, Object... arguments)
            throws EntryProcessorException {
        ensureOpen();
        checkKey(key);
        Objects.requireNonNull(entryProcessor, "entry processor must not be null");
        return mutate(key, s -> process(s, entryProcessor, arguments));
    }

    /**
     * Runs the processor on the entry (inside the space's invoke) and applies its net effect, as
     * JSR-107 defines it: CREATE and UPDATE are written through and get the creation/update expiry,
     * LOAD is stored without writing through, REMOVE of an existing entry is written through as a
     * delete (of an absent one too: the store may hold it), ACCESS applies the access expiry.
     */
    private <T> T process(Slot<K, V> s, javax.cache.processor.EntryProcessor<K, V, T> processor, Object[] arguments) {
        ProcessorEntry<K, V> pe = new ProcessorEntry<>(this, s.key, s.exists(), s::value);
        T result;
        try {
            result = processor.process(pe, arguments);
        } catch (Exception e) {
            throw new ProcessorFailure(e);
        }
        if (s.exists()) {
            s.hits++;
        } else {
            s.misses++;
        }
        switch (pe.op()) {
            case NONE -> {
            }
            case ACCESS -> accessed(s);
            case CREATE -> create(s, pe.value(), codec.encode(pe.value()));
            case LOAD -> {
                Duration d = creationExpiry();
                if (!isZero(d)) {
                    s.silent();
                    s.store(codec.encode(pe.value()), lease(d));
                    s.events.add(KhoraCacheEntryEvent.created(this, s.key, pe.value()));
                }
            }
            case UPDATE -> {
                if (s.exists()) {
                    update(s, pe.value(), codec.encode(pe.value()));
                } else {
                    create(s, pe.value(), codec.encode(pe.value()));
                }
            }
            case REMOVE -> {
                if (s.exists()) {
                    removeExisting(s);
                } else {
                    deleteAbsent(s);
                }
            }
        }
        return result;
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
                                                         javax.cache.processor.EntryProcessor<K, V, T> entryProcessor,
                                                         Object... arguments) {
        ensureOpen();
        Objects.requireNonNull(keys, "keys must not be null");
        Objects.requireNonNull(entryProcessor, "entry processor must not be null");
        for (K k : keys) {
            checkKey(k);
        }
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T r = mutate(key, s -> process(s, entryProcessor, arguments));
                if (r != null) {
                    results.put(key, () -> r);
                }
            } catch (Exception e) {
                EntryProcessorException epe = e instanceof EntryProcessorException x ? x : new EntryProcessorException(e);
                results.put(key, () -> {
                    throw epe;
                });
            }
        }
        return results;
    }

    // ================================================================ iteration

    @Override
    public Iterator<Entry<K, V>> iterator() {
        ensureOpen();
        List<CacheEntryRecord> all = snapshot();
        return new Iterator<>() {
            private int next;
            private Entry<K, V> ready;
            private K last;

            @Override
            public boolean hasNext() {
                ensureOpen();
                while (ready == null && next < all.size()) {
                    @SuppressWarnings("unchecked")
                    K key = (K) all.get(next++).key();
                    CacheEntryRecord r = peek(key);
                    if (r != null) {
                        ready = new KhoraCacheEntry<>(key, decode(r.value()));
                        if (stats()) {
                            statistics.hits(1);
                        }
                        touch(key, r);
                    }
                }
                return ready != null;
            }

            @Override
            public Entry<K, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Entry<K, V> e = ready;
                ready = null;
                last = e.getKey();
                return e;
            }

            @Override
            public void remove() {
                ensureOpen();
                if (last == null) {
                    throw new IllegalStateException("next() has not been called, or remove() was called already");
                }
                K k = last;
                last = null;
                KhoraCache.this.remove(k);
            }
        };
    }

    // ================================================================ listeners

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        ensureOpen();
        Objects.requireNonNull(listenerConfiguration, "listener configuration must not be null");
        synchronized (lifecycleLock) {
            for (CacheEntryListenerConfiguration<K, V> c : configuration.getCacheEntryListenerConfigurations()) {
                if (c.equals(listenerConfiguration)) {
                    throw new IllegalArgumentException("this cache entry listener configuration is registered already");
                }
            }
            configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
            dispatcher.register(listenerConfiguration);
            if (dispatcher.wantsExpired()) {
                subscribeExpiry();
            }
        }
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        Objects.requireNonNull(listenerConfiguration, "listener configuration must not be null");
        ensureOpen();
        synchronized (lifecycleLock) {
            configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
            dispatcher.deregister(listenerConfiguration);
        }
    }

    /** Space EXPIRE events (lease sweeps, or a mutation finding an entry expired) become EXPIRED events. */
    private void subscribeExpiry() {
        synchronized (lifecycleLock) {
            if (expirySubscription != null) {
                return;
            }
            expirySubscription = space.subscribe(Query.all(CacheEntryRecord.class), EnumSet.of(SpaceEventType.EXPIRE),
                    new SpaceListener<>() {
                        @Override
                        public void onEvent(SpaceEvent<CacheEntryRecord> event) {
                            onSpaceExpired(event);
                        }

                        @Override
                        public void onTerminated(SpaceException reason) {
                            onExpiryTerminated(reason);
                        }
                    });
        }
    }

    /** The space ended the EXPIRE subscription (listeners fell too far behind): say so, and subscribe again. */
    private void onExpiryTerminated(SpaceException reason) {
        synchronized (lifecycleLock) {
            expirySubscription = null;
            if (closed) {
                return;
            }
        }
        LOG.warn("cache '{}': EXPIRED events were lost ({}); listening again", name, reason.getMessage());
        try {
            subscribeExpiry();
        } catch (RuntimeException e) {
            LOG.warn("cache '{}': cannot listen to expiries again", name, e);
        }
    }

    @SuppressWarnings("unchecked")
    private void onSpaceExpired(SpaceEvent<CacheEntryRecord> event) {
        if (closed) {
            return;
        }
        CacheEntryRecord r = event.entry();
        K key = (K) r.key();
        ReentrantLock lock = stripe(key);
        lock.lock();
        try {
            V old = decode(r.value());
            dispatcher.dispatch(List.of(KhoraCacheEntryEvent.expired(this, key, old)));
        } catch (RuntimeException | Error e) {
            LOG.warn("cache '{}': an EXPIRED listener failed", name, e);
        } finally {
            lock.unlock();
        }
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
            if (enabled) {
                MBeans.register(this, MBeans.STATISTICS, statistics);
            } else {
                MBeans.unregister(this, MBeans.STATISTICS);
            }
        }
    }

    void setManagementEnabled(boolean enabled) {
        synchronized (lifecycleLock) {
            configuration.setManagementEnabled(enabled);
            if (enabled) {
                MBeans.register(this, MBeans.CONFIGURATION, configurationBean);
            } else {
                MBeans.unregister(this, MBeans.CONFIGURATION);
            }
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
            if (expirySubscription != null) {
                expirySubscription.close();
            }
        }
        MBeans.unregister(this, MBeans.CONFIGURATION);
        MBeans.unregister(this, MBeans.STATISTICS);
        try {
            factory.release(spec, space);
        } catch (RuntimeException e) {
            LOG.warn("cache '{}': releasing its space failed", name, e);
        }
        for (Object o : new Object[] {loader, writer, expiry}) {
            if (o instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("cache '{}': closing {} failed", name, o, e);
                }
            }
        }
        dispatcher.closeAll();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        Objects.requireNonNull(clazz, "class must not be null");
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (clazz.isInstance(space)) {
            return clazz.cast(space);
        }
        throw new IllegalArgumentException("cache '" + name + "' cannot be unwrapped to " + clazz.getName());
    }

    @Override
    public String toString() {
        return "KhoraCache{" + name + " @ " + manager.getURI() + "}";
    }
}

package io.khora.jcache;

import io.khora.internal.lifecycle.SerialExecutor;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache's entry listeners. An operation hands over the events of its mutation once the space
 * has applied it: synchronous listeners (and their filters) run right here, on the caller's thread,
 * before the cache method returns; asynchronous ones get the events through their own
 * {@link SerialExecutor}, in order.
 */
final class EventDispatcher<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    private final Executor asyncExecutor;
    private final CopyOnWriteArrayList<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();

    EventDispatcher(Executor asyncExecutor) {
        this.asyncExecutor = asyncExecutor;
    }

    private static final class Registration<K, V> {
        final CacheEntryListenerConfiguration<K, V> configuration;
        final CacheEntryListener<? super K, ? super V> listener;
        final CacheEntryEventFilter<? super K, ? super V> filter;
        final SerialExecutor async;

        Registration(CacheEntryListenerConfiguration<K, V> configuration, CacheEntryListener<? super K, ? super V> listener,
                     CacheEntryEventFilter<? super K, ? super V> filter, SerialExecutor async) {
            this.configuration = configuration;
            this.listener = listener;
            this.filter = filter;
            this.async = async;
        }

        boolean wants(EventType type) {
            return switch (type) {
                case CREATED -> listener instanceof CacheEntryCreatedListener;
                case UPDATED -> listener instanceof CacheEntryUpdatedListener;
                case REMOVED -> listener instanceof CacheEntryRemovedListener;
                case EXPIRED -> listener instanceof CacheEntryExpiredListener;
            };
        }
    }

    /** Registers a listener configuration (the caller checked it is not registered yet). */
    void register(CacheEntryListenerConfiguration<K, V> cfg) {
        Factory<CacheEntryListener<? super K, ? super V>> lf = cfg.getCacheEntryListenerFactory();
        if (lf == null) {
            throw new IllegalArgumentException("the cache entry listener configuration has no listener factory");
        }
        CacheEntryListener<? super K, ? super V> listener = lf.create();
        Factory<CacheEntryEventFilter<? super K, ? super V>> ff = cfg.getCacheEntryEventFilterFactory();
        CacheEntryEventFilter<? super K, ? super V> filter = ff == null ? null : ff.create();
        registrations.add(new Registration<>(cfg, listener, filter, cfg.isSynchronous() ? null : new SerialExecutor(asyncExecutor, "asynchronous cache entry listener")));
    }

    /** Removes a registration and closes its listener and filter; false if it was not registered. */
    boolean deregister(CacheEntryListenerConfiguration<K, V> cfg) {
        for (Registration<K, V> r : registrations) {
            if (r.configuration.equals(cfg)) {
                registrations.remove(r);
                closeQuietly(r);
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return registrations.isEmpty();
    }

    /** Whether some listener hears expiries. */
    boolean wantsExpired() {
        for (Registration<K, V> r : registrations) {
            if (r.wants(EventType.EXPIRED)) {
                return true;
            }
        }
        return false;
    }

    void closeAll() {
        for (Registration<K, V> r : registrations) {
            closeQuietly(r);
        }
        registrations.clear();
    }

    private static void closeQuietly(Registration<?, ?> r) {
        for (Object o : new Object[] {r.listener, r.filter}) {
            if (o instanceof Closeable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed", o, e);
                }
            } else if (o instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed", o, e);
                }
            }
        }
    }

    /**
     * Delivers the events of one operation. Synchronous listeners run now; the first failure of one
     * is rethrown once every listener had the events (a {@link CacheEntryListenerException}, other
     * exceptions wrapped in one, errors as they are).
     */
    void dispatch(List<KhoraCacheEntryEvent<K, V>> events) {
        if (events.isEmpty() || registrations.isEmpty()) {
            return;
        }
        Throwable failure = null;
        for (Registration<K, V> r : registrations) {
            if (r.async != null) {
                List<KhoraCacheEntryEvent<K, V>> copy = List.copyOf(events);
                r.async.execute(() -> deliver(r, copy));
            } else {
                try {
                    deliver(r, events);
                } catch (RuntimeException | Error e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure instanceof CacheEntryListenerException cele) {
            throw cele;
        }
        if (failure != null) {
            throw new CacheEntryListenerException(failure);
        }
    }

    /** Passes the events the listener wants and its filter accepts, in runs of one type. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <K, V> void deliver(Registration<K, V> r, List<KhoraCacheEntryEvent<K, V>> events) {
        List<CacheEntryEvent<? extends K, ? extends V>> run = new ArrayList<>(events.size());
        EventType runType = null;
        for (KhoraCacheEntryEvent<K, V> e : events) {
            if (!r.wants(e.getEventType()) || (r.filter != null && !r.filter.evaluate(e))) {
                continue;
            }
            if (runType != null && runType != e.getEventType()) {
                call(r.listener, runType, (List) run);
                run = new ArrayList<>();
            }
            runType = e.getEventType();
            run.add(e);
        }
        if (runType != null) {
            call(r.listener, runType, (List) run);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void call(CacheEntryListener listener, EventType type, List events) {
        switch (type) {
            case CREATED -> ((CacheEntryCreatedListener) listener).onCreated(events);
            case UPDATED -> ((CacheEntryUpdatedListener) listener).onUpdated(events);
            case REMOVED -> ((CacheEntryRemovedListener) listener).onRemoved(events);
            case EXPIRED -> ((CacheEntryExpiredListener) listener).onExpired(events);
        }
    }
}

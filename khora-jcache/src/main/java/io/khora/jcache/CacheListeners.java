package io.khora.jcache;

import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceEvent;
import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.SpaceListener;
import io.khora.Subscription;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import javax.cache.configuration.CacheEntryListenerConfiguration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache's listener registrations and the one space subscription that feeds its EXPIRED events.
 * Registering keeps the cache's configuration in step with the {@link EventDispatcher}; while some
 * listener wants EXPIRED events, the space's EXPIRE events (lease sweeps, or a mutation finding an
 * entry expired) are dispatched as EXPIRED under the key's stripe lock. If the space ends that
 * subscription (its listeners fell too far behind), the loss is logged and the cache subscribes again.
 */
final class CacheListeners<K, V> implements SpaceListener<CacheEntryRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(CacheListeners.class);

    private final CacheParts<K, V> parts;
    private final Space space;
    private final AtomicStep<K, V> step;
    private final Object lifecycleLock;
    private final BooleanSupplier closed;
    private Subscription expirySubscription;

    /** @param lifecycleLock guards the configuration and the subscription; {@code closed} is read under it */
    CacheListeners(CacheParts<K, V> parts, Space space, AtomicStep<K, V> step, Object lifecycleLock, BooleanSupplier closed) {
        this.parts = parts;
        this.space = space;
        this.step = step;
        this.lifecycleLock = lifecycleLock;
        this.closed = closed;
    }

    /** Registers the listeners the configuration names already (at the cache's start). */
    void start() {
        for (CacheEntryListenerConfiguration<K, V> l : parts.configuration.getCacheEntryListenerConfigurations()) {
            parts.dispatcher.register(l);
        }
        subscribeIfWanted();
    }

    void register(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        Objects.requireNonNull(listenerConfiguration, "listener configuration must not be null");
        synchronized (lifecycleLock) {
            for (CacheEntryListenerConfiguration<K, V> c : parts.configuration.getCacheEntryListenerConfigurations()) {
                if (c.equals(listenerConfiguration)) {
                    throw new IllegalArgumentException("this cache entry listener configuration is registered already");
                }
            }
            parts.configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
            parts.dispatcher.register(listenerConfiguration);
            subscribeIfWanted();
        }
    }

    void deregister(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        synchronized (lifecycleLock) {
            parts.configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
            parts.dispatcher.deregister(listenerConfiguration);
        }
    }

    /** Ends the expiry subscription; call under the lifecycle lock when the cache closes. */
    void closeSubscription() {
        if (expirySubscription != null) {
            expirySubscription.close();
        }
    }

    private void subscribeIfWanted() {
        if (parts.dispatcher.wantsExpired()) {
            subscribeExpiry();
        }
    }

    private void subscribeExpiry() {
        synchronized (lifecycleLock) {
            if (expirySubscription == null) {
                expirySubscription = space.subscribe(Query.all(CacheEntryRecord.class), EnumSet.of(SpaceEventType.EXPIRE), this);
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onEvent(SpaceEvent<CacheEntryRecord> event) {
        if (closed.getAsBoolean()) {
            return;
        }
        CacheEntryRecord r = event.entry();
        K key = (K) r.key();
        step.underKeyLock(key, () -> {
            try {
                parts.dispatcher.dispatch(List.of(KhoraCacheEntryEvent.expired(parts.cache, key, parts.decode(r.value()))));
            } catch (RuntimeException | Error e) {
                LOG.warn("cache '{}': an EXPIRED listener failed", parts.name, e);
            }
        });
    }

    /** The space ended the EXPIRE subscription: say so, and subscribe again. */
    @Override
    public void onTerminated(SpaceException reason) {
        synchronized (lifecycleLock) {
            if (expirySubscription != null) {
                expirySubscription.close(); // ended by the space already; closing it again changes nothing
                expirySubscription = null;
            }
            if (closed.getAsBoolean()) {
                return;
            }
        }
        LOG.warn("cache '{}': EXPIRED events were lost ({}); listening again", parts.name, reason.getMessage());
        try {
            subscribeExpiry();
        } catch (RuntimeException e) {
            LOG.warn("cache '{}': cannot listen to expiries again", parts.name, e);
        }
    }
}

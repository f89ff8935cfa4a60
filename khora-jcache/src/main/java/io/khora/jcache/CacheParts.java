package io.khora.jcache;

import java.util.Objects;
import java.util.function.Supplier;

import javax.cache.configuration.MutableConfiguration;

/**
 * What the mechanisms of one cache share: its name and configuration, the codec between values and
 * their stored form, the loader and writer, the expiry leases, the listeners' dispatcher, the
 * statistics, and the per-thread {@link OperationContext} its space adapters read. Also the checks
 * every operation makes of its arguments.
 */
final class CacheParts<K, V> {
    final KhoraCache<K, V> cache;
    final String name;
    final MutableConfiguration<K, V> configuration;
    final StoreCodec codec;
    final CacheIntegration<K, V> integration;
    final ExpiryLeases expiry;
    final EventDispatcher<K, V> dispatcher;
    final StatisticsAccounting stats;
    private final ThreadLocal<OperationContext> context = ThreadLocal.withInitial(OperationContext::new);

    CacheParts(KhoraCache<K, V> cache, String name, MutableConfiguration<K, V> configuration, StoreCodec codec,
               CacheIntegration<K, V> integration, ExpiryLeases expiry, EventDispatcher<K, V> dispatcher,
               StatisticsAccounting stats) {
        this.cache = cache;
        this.name = name;
        this.configuration = configuration;
        this.codec = codec;
        this.integration = integration;
        this.expiry = expiry;
        this.dispatcher = dispatcher;
        this.stats = stats;
    }

    /** What this thread's current operation tells the space adapters. */
    OperationContext context() {
        return context.get();
    }

    /** Whether a miss may load through the CacheLoader. */
    boolean readsThrough() {
        return configuration.isReadThrough() && integration.hasLoader();
    }

    /** {@code key}, if it is not null and of the configured key type. */
    K checkKey(K key) {
        Objects.requireNonNull(key, "key must not be null");
        return checkType(key, configuration.getKeyType(), "keys");
    }

    /** {@code value}, if it is not null and of the configured value type. */
    V checkValueType(V value) {
        Objects.requireNonNull(value, "value must not be null");
        return checkType(value, configuration.getValueType(), "values");
    }

    private <T> T checkType(T x, Class<?> type, String what) {
        if (type != Object.class && !type.isInstance(x)) {
            throw new ClassCastException("cache '" + name + "' has " + what + " of " + type.getName() + ", not " + x.getClass().getName());
        }
        return x;
    }

    @SuppressWarnings("unchecked")
    V decode(Object stored) {
        return (V) codec.decode(stored);
    }

    /** Runs a space call; what it throws comes out as {@link SpaceFailures#translate} says. */
    <T> T space(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw SpaceFailures.translate(name, e);
        }
    }

    /** A space read that must not load through the CacheLoader (peeks, iteration). */
    <T> T withoutLoading(Supplier<T> call) {
        OperationContext ctx = context();
        ctx.noLoad = true;
        try {
            return space(call);
        } finally {
            ctx.noLoad = false;
            ctx.takeLoaded();
        }
    }
}

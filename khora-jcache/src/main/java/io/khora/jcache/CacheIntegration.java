package io.khora.jcache;

import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;

import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;

/**
 * A cache's {@link CacheLoader} and {@link CacheWriter}, each optional. Every call that fails comes
 * out as the exception JSR-107 names ({@link CacheLoaderException}, {@link CacheWriterException}),
 * with the call, the key and the cache in its message.
 */
final class CacheIntegration<K, V> {
    private final String cacheName;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<? super K, ? super V> writer;

    CacheIntegration(String cacheName, CacheLoader<K, V> loader, CacheWriter<? super K, ? super V> writer) {
        this.cacheName = cacheName;
        this.loader = loader;
        this.writer = writer;
    }

    boolean hasLoader() {
        return loader != null;
    }

    boolean hasWriter() {
        return writer != null;
    }

    /** The loader and the writer, for closing with the cache (either may be null). */
    Object[] parts() {
        return new Object[] {loader, writer};
    }

    /** {@code CacheLoader.load}. */
    @SuppressWarnings("unchecked")
    V load(Object key) {
        return loading("CacheLoader.load(" + key + ")", () -> loader.load((K) key));
    }

    /** {@code CacheLoader.loadAll}: what it returned, or an empty map for null. */
    @SuppressWarnings("unchecked")
    Map<Object, Object> loadAll(Collection<?> keys) {
        Map<K, V> m = loading("CacheLoader.loadAll", () -> loader.loadAll((Iterable<? extends K>) keys));
        return m == null ? Map.of() : (Map<Object, Object>) (Map<?, ?>) m;
    }

    /** {@code CacheWriter.write}. */
    @SuppressWarnings("unchecked")
    void write(Object key, Object value) {
        writing("CacheWriter.write(" + key + ")", () -> writer.write(new KhoraCacheEntry<>((K) key, (V) value)));
    }

    /** {@code CacheWriter.delete}. */
    void delete(Object key) {
        writing("CacheWriter.delete(" + key + ")", () -> writer.delete(key));
    }

    private <T> T loading(String call, Supplier<T> body) {
        try {
            return body.get();
        } catch (CacheLoaderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheLoaderException(call + " of cache '" + cacheName + "' failed: " + e, e);
        }
    }

    private void writing(String call, Runnable body) {
        try {
            body.run();
        } catch (CacheWriterException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CacheWriterException(call + " of cache '" + cacheName + "' failed: " + e, e);
        }
    }
}

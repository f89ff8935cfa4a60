package io.khora.jcache;

import io.khora.persistence.DataIterator;
import io.khora.persistence.DataSourceIdQuery;
import io.khora.persistence.DataSourceIdsQuery;
import io.khora.persistence.DataSourceQuery;
import io.khora.persistence.SpaceDataSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.cache.integration.CacheLoader;

/**
 * Read-through for a read-through cache: the space's {@link SpaceDataSource}, over the cache's
 * {@link CacheLoader}. A {@code readById} miss in the space reaches {@link #getById}
 * ({@code CacheLoader.load}), a {@code readByIds} miss reaches {@link #getDataIteratorByIds} (one
 * {@code CacheLoader.loadAll} for every missing key); the space puts what comes back into the
 * partition (never over a live entry) and returns it. Each loaded entry carries a fresh load token,
 * which the cache uses to give it its creation expiry and CREATED event.
 *
 * <p>The initial load and query read-through load nothing: JCache loads only by key.
 */
final class CacheLoaderDataSource extends SpaceDataSource {
    private final CacheParts<?, ?> cache;
    private final AtomicLong tokens = new AtomicLong();

    CacheLoaderDataSource(CacheParts<?, ?> cache) {
        this.cache = cache;
    }

    @Override
    public Object getById(DataSourceIdQuery query) {
        OperationContext ctx = cache.context();
        if (ctx.noLoad) {
            return null;
        }
        Object key = query.getId();
        Object value = cache.integration.load(key);
        return value == null ? null : record(ctx, key, value);
    }

    @Override
    public DataIterator<Object> getDataIteratorByIds(DataSourceIdsQuery query) {
        OperationContext ctx = cache.context();
        if (ctx.noLoad) {
            return DataIterator.empty();
        }
        Map<Object, Object> loaded = cache.integration.loadAll(Arrays.asList(query.getIds()));
        List<Object> rows = new ArrayList<>(loaded.size());
        for (Map.Entry<Object, Object> e : loaded.entrySet()) {
            if (e.getKey() != null && e.getValue() != null) {
                rows.add(record(ctx, e.getKey(), e.getValue()));
            }
        }
        return DataIterator.of(rows);
    }

    @Override
    public DataIterator<Object> getDataIterator(DataSourceQuery query) {
        return null;
    }

    private CacheEntryRecord record(OperationContext ctx, Object key, Object value) {
        long token = tokens.incrementAndGet();
        ctx.loaded(key, token);
        return new CacheEntryRecord(cache.codec.storedKey(key), cache.codec.encode(value), token);
    }
}

package io.khora.persistence;

import io.khora.ClusterInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads data into a space (seeds 000–002): the <em>initial load</em> when the space starts, and
 * <em>read-through</em> when an operation misses in memory. Extend it and override what your store
 * supports; every method has a working default.
 *
 * <p>Which space call reaches which method (the seed 000 contract):
 * <ul>
 *   <li>{@code readById} → {@link #getById}, under ALL_IN_CACHE and LRU, on a miss;</li>
 *   <li>{@code readByIds} → {@link #getDataIteratorByIds}, under ALL_IN_CACHE and LRU, for the missing ids;</li>
 *   <li>{@code read}, {@code readMultiple}, {@code count} → {@link #getDataIterator}, under LRU only;</li>
 *   <li>{@code takeMultiple} → {@link #getDataIterator}, under ALL_IN_CACHE and LRU, with a synchronization endpoint (read-write).</li>
 * </ul>
 *
 * <p>Partitions: the space calls {@link #initialDataLoad(ClusterInfo)} once per partition (in
 * parallel), so a data source can read only that partition's rows. One instance serves every
 * partition of an embedded space; implementations must be thread-safe.
 */
public abstract class SpaceDataSource {
    /**
     * The layout as last set by {@link #setClusterInfo}; for a data source written against
     * {@link #initialDataLoad()} (GigaSpaces style). Prefer the parameter of
     * {@link #initialDataLoad(ClusterInfo)}, which is safe when partitions load concurrently.
     */
    protected volatile ClusterInfo clusterInfo;

    /** Sets {@link #clusterInfo}. */
    public void setClusterInfo(ClusterInfo clusterInfo) {
        this.clusterInfo = clusterInfo;
    }

    /**
     * The entries partition {@code partition.instanceId()} loads at start. The default sets
     * {@link #clusterInfo} and calls {@link #initialDataLoad()}, one partition at a time for this
     * instance, so data sources written against the field keep working. The space discards (and
     * counts) rows that belong to other partitions.
     *
     * @param partition this partition's layout (1-based {@code instanceId})
     * @return the entries (POJOs or documents); null means none
     */
    public DataIterator<Object> initialDataLoad(ClusterInfo partition) {
        synchronized (this) {
            setClusterInfo(partition);
            return initialDataLoad();
        }
    }

    /** GigaSpaces-style initial load reading {@link #clusterInfo}; returns null (nothing) by default. */
    public DataIterator<Object> initialDataLoad() {
        return null;
    }

    /** Entries matching {@code query}; null means none. */
    public DataIterator<Object> getDataIterator(DataSourceQuery query) {
        return null;
    }

    /** The entry with the query's id, or null. The default asks {@link #getDataIterator}. */
    public Object getById(DataSourceIdQuery idQuery) {
        try (DataIterator<Object> it = nonNull(getDataIterator(idQuery))) {
            return it.hasNext() ? it.next() : null;
        }
    }

    /**
     * The entries with the query's ids (any order, missing ones skipped). The default makes one
     * {@link #getDataIterator} call for all ids ({@code id IN (…)}), not one call per id.
     */
    public DataIterator<Object> getDataIteratorByIds(DataSourceIdsQuery idsQuery) {
        List<Object> out = new ArrayList<>();
        try (DataIterator<Object> it = nonNull(getDataIterator(idsQuery))) {
            it.forEachRemaining(out::add);
        }
        return DataIterator.of(out);
    }

    /**
     * Whether one {@link #getDataIterator} call on a supertype returns its subtypes' entries too;
     * if false, the space asks once per concrete type it knows.
     */
    public boolean supportsInheritance() {
        return true;
    }

    /**
     * An estimate of how many rows {@link #initialDataLoad(ClusterInfo)} returns for the partition,
     * for progress reporting (percent done); -1 (the default) when unknown.
     */
    public long estimateInitialLoadSize(ClusterInfo partition) {
        return -1;
    }

    /** {@code it}, or an empty iterator for null. */
    protected static <T> DataIterator<T> nonNull(DataIterator<T> it) {
        return it == null ? DataIterator.empty() : it;
    }
}

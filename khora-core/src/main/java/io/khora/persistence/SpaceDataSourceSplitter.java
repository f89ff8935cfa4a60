package io.khora.persistence;

import io.khora.ClusterInfo;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Collections;

/**
 * Routes each entry type to its own data source (seed 000): the initial load reads every data
 * source in turn, and read-through asks the one mapped to the query's type name. A type with no
 * data source is not read through.
 */
public class SpaceDataSourceSplitter extends SpaceDataSource {
    private final Map<String, SpaceDataSource> byType;
    private final List<SpaceDataSource> distinct;

    /** @param byTypeName type name → data source (one data source may serve several types) */
    public SpaceDataSourceSplitter(Map<String, ? extends SpaceDataSource> byTypeName) {
        Objects.requireNonNull(byTypeName, "byTypeName");
        if (byTypeName.isEmpty()) {
            throw new IllegalArgumentException("a splitter needs at least one type → data source mapping");
        }
        this.byType = new LinkedHashMap<>(byTypeName);
        Set<SpaceDataSource> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<SpaceDataSource> list = new ArrayList<>();
        for (SpaceDataSource ds : byType.values()) {
            if (seen.add(Objects.requireNonNull(ds, "data source"))) {
                list.add(ds);
            }
        }
        this.distinct = List.copyOf(list);
    }

    /** The data source of {@code typeName}, or null. */
    public SpaceDataSource dataSourceFor(String typeName) {
        return byType.get(typeName);
    }

    @Override
    public DataIterator<Object> initialDataLoad(ClusterInfo partition) {
        List<DataIterator<Object>> parts = new ArrayList<>();
        for (SpaceDataSource ds : distinct) {
            parts.add(nonNull(ds.initialDataLoad(partition)));
        }
        return DataIterator.concat(parts);
    }

    @Override
    public DataIterator<Object> getDataIterator(DataSourceQuery query) {
        SpaceDataSource ds = byType.get(query.getTypeName());
        return ds == null ? null : ds.getDataIterator(query);
    }

    @Override
    public Object getById(DataSourceIdQuery idQuery) {
        SpaceDataSource ds = byType.get(idQuery.getTypeName());
        return ds == null ? null : ds.getById(idQuery);
    }

    @Override
    public DataIterator<Object> getDataIteratorByIds(DataSourceIdsQuery idsQuery) {
        SpaceDataSource ds = byType.get(idsQuery.getTypeName());
        return ds == null ? null : ds.getDataIteratorByIds(idsQuery);
    }

    @Override
    public boolean supportsInheritance() {
        return distinct.stream().allMatch(SpaceDataSource::supportsInheritance);
    }

    @Override
    public long estimateInitialLoadSize(ClusterInfo partition) {
        long total = 0;
        for (SpaceDataSource ds : distinct) {
            long n = ds.estimateInitialLoadSize(partition);
            if (n < 0) {
                return -1;
            }
            total += n;
        }
        return total;
    }

    @Override
    public void setClusterInfo(ClusterInfo clusterInfo) {
        super.setClusterInfo(clusterInfo);
        distinct.forEach(ds -> ds.setClusterInfo(clusterInfo));
    }
}

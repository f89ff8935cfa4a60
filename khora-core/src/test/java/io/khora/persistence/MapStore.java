package io.khora.persistence;

import io.khora.ClusterInfo;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.persistence.Partitioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A data store over maps with a {@link SpaceDataSource} and a {@link SpaceSynchronizationEndpoint}
 * that record every SPI call, for tests of which space call reaches which SPI method. Queries
 * return every row of the type (a superset; the space filters), as a store without a query engine
 * would.
 */
final class MapStore {
    final Map<String, Map<Object, Object>> tables = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<OperationsBatchData> batches = new CopyOnWriteArrayList<>();
    volatile RuntimeException failWrites;
    volatile Function<ClusterInfo, RuntimeException> failLoad;
    volatile boolean partitionAwareLoad = true;
    volatile Function<DataSyncOperation, RuntimeException> endpointFilter;

    void put(Object row) {
        Object id = TypeIntrospector.describe(row.getClass()).codec().toValues(row)[TypeIntrospector.describe(row.getClass()).idIndex()];
        tables.computeIfAbsent(row.getClass().getName(), t -> new ConcurrentSkipListMap<>()).put(id, row);
    }

    Map<Object, Object> table(Class<?> type) {
        return tables.computeIfAbsent(type.getName(), t -> new ConcurrentSkipListMap<>());
    }

    long count(String call) {
        return calls.stream().filter(c -> c.startsWith(call)).count();
    }

    final SpaceDataSource dataSource = new SpaceDataSource() {
        @Override
        public DataIterator<Object> initialDataLoad(ClusterInfo partition) {
            calls.add("initialDataLoad " + partition.instanceId());
            Function<ClusterInfo, RuntimeException> f = failLoad;
            if (f != null) {
                RuntimeException e = f.apply(partition);
                if (e != null) {
                    return failingAfterOne(e);
                }
            }
            List<Object> rows = new ArrayList<>();
            for (Map<Object, Object> table : tables.values()) {
                for (Object row : table.values()) {
                    if (!partitionAwareLoad || owned(row, partition)) {
                        rows.add(row);
                    }
                }
            }
            return DataIterator.of(rows);
        }

        private DataIterator<Object> failingAfterOne(RuntimeException e) {
            return new DataIterator<>() {
                int n;

                @Override
                public boolean hasNext() {
                    if (n++ > 0) {
                        throw e;
                    }
                    return true;
                }

                @Override
                public Object next() {
                    return tables.values().iterator().next().values().iterator().next();
                }

                @Override
                public void close() {
                }
            };
        }

        private boolean owned(Object row, ClusterInfo partition) {
            var type = TypeIntrospector.describe(row.getClass());
            Object routing = type.codec().toValues(row)[type.routingIndex()];
            return routing == null || Partitioning.partitionOf(routing, partition.numberOfInstances()) == partition.instanceId() - 1;
        }

        @Override
        public long estimateInitialLoadSize(ClusterInfo partition) {
            return -1;
        }

        @Override
        public DataIterator<Object> getDataIterator(DataSourceQuery query) {
            calls.add("getDataIterator " + query.getTypeName() + " " + query.getWhere());
            return DataIterator.of(new ArrayList<>(tables.getOrDefault(query.getTypeName(), Map.of()).values()));
        }

        @Override
        public Object getById(DataSourceIdQuery idQuery) {
            calls.add("getById " + idQuery.getTypeName() + " " + idQuery.getId());
            return tables.getOrDefault(idQuery.getTypeName(), Map.of()).get(idQuery.getId());
        }

        @Override
        public DataIterator<Object> getDataIteratorByIds(DataSourceIdsQuery idsQuery) {
            calls.add("getDataIteratorByIds " + idsQuery.getTypeName() + " " + List.of(idsQuery.getIds()));
            List<Object> rows = new ArrayList<>();
            for (Object id : idsQuery.getIds()) {
                Object row = tables.getOrDefault(idsQuery.getTypeName(), Map.of()).get(id);
                if (row != null) {
                    rows.add(row);
                }
            }
            return DataIterator.of(rows);
        }
    };

    final SpaceSynchronizationEndpoint endpoint = new SpaceSynchronizationEndpoint() {
        @Override
        public void onOperationsBatchSynchronization(OperationsBatchData batch) {
            calls.add("onOperationsBatchSynchronization " + batch.items().stream().map(o -> o.getDataSyncOperationType().name()).toList());
            RuntimeException f = failWrites;
            if (f != null) {
                throw f;
            }
            Function<DataSyncOperation, RuntimeException> filter = endpointFilter;
            if (filter != null) {
                for (DataSyncOperation op : batch.getBatchDataItems()) {
                    RuntimeException e = filter.apply(op);
                    if (e != null) {
                        throw e;
                    }
                }
            }
            for (DataSyncOperation op : batch.getBatchDataItems()) {
                Map<Object, Object> table = tables.computeIfAbsent(op.getTypeName(), t -> new ConcurrentSkipListMap<>());
                if (op.getDataSyncOperationType() == DataSyncOperationType.REMOVE) {
                    table.remove(op.getSpaceId());
                } else {
                    table.put(op.getSpaceId(), op.getDataAsObject());
                }
            }
            batches.add(batch);
        }

        @Override
        public void afterOperationsBatchSynchronization(OperationsBatchData batch) {
            calls.add("afterOperationsBatchSynchronization " + batch.items().size());
        }

        @Override
        public void onTransactionSynchronization(TransactionData tx) {
            calls.add("onTransactionSynchronization " + tx.getTransactionParticipantDataItems().length);
            RuntimeException f = failWrites;
            if (f != null) {
                throw f;
            }
            for (DataSyncOperation op : tx.getTransactionParticipantDataItems()) {
                Map<Object, Object> table = tables.computeIfAbsent(op.getTypeName(), t -> new ConcurrentSkipListMap<>());
                if (op.getDataSyncOperationType() == DataSyncOperationType.REMOVE) {
                    table.remove(op.getSpaceId());
                } else {
                    table.put(op.getSpaceId(), op.getDataAsObject());
                }
            }
        }
    };
}

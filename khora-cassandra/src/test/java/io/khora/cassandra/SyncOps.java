package io.khora.cassandra;

import io.khora.ChangeSet;
import io.khora.document.SpaceDocument;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SynchronizationSourceDetails;
import io.khora.persistence.TransactionData;

import java.util.List;

/** Changes as the write-behind mirror hands them to an endpoint, with chosen outbox sequences, for endpoint tests. */
final class SyncOps {
    private SyncOps() {
    }

    /** A change of {@code entry} (a mapped POJO) numbered {@code sequence} in its outbox. */
    record Change(CassandraTableMapping<?> mapping, DataSyncOperationType kind, Object entry, long sequence, List<String> changed)
            implements DataSyncOperation {
        public DataSyncOperationType getDataSyncOperationType() {
            return kind;
        }

        public String getTypeName() {
            return mapping.type().getName();
        }

        public Class<?> getType() {
            return mapping.type();
        }

        public String getIdPropertyName() {
            return mapping.idProperty();
        }

        public Object getSpaceId() {
            return mapping.get(mapping.idColumn(), entry);
        }

        public Object getRouting() {
            return mapping.get(mapping.routingColumn(), entry);
        }

        public long getVersion() {
            return sequence;
        }

        public boolean supportsDataAsObject() {
            return true;
        }

        public Object getDataAsObject() {
            return entry;
        }

        public boolean supportsDataAsDocument() {
            return false;
        }

        public SpaceDocument getDataAsDocument() {
            throw new UnsupportedOperationException("the Cassandra endpoint tests use POJOs");
        }

        public List<ChangeSet.Operation> getChanges() {
            return List.of();
        }

        public List<String> getChangedPropertyNames() {
            return changed;
        }

        public int getPartitionId() {
            return 0;
        }

        public long getSequence() {
            return sequence;
        }
    }

    static Change change(CassandraTableMapping<?> mapping, DataSyncOperationType kind, Object entry, long sequence, String... changed) {
        return new Change(mapping, kind, entry, sequence, List.of(changed));
    }

    /** A batch from partition 0 of {@code space}'s outbox {@code logId}. */
    record Batch(String space, String logId, DataSyncOperation... ops) implements OperationsBatchData {
        public DataSyncOperation[] getBatchDataItems() {
            return ops.clone();
        }

        public SynchronizationSourceDetails getSourceDetails() {
            return new SynchronizationSourceDetails(space, 0, true, logId);
        }
    }

    /** A committed transaction recorded in partition 0 of {@code space}'s outbox {@code logId}. */
    record Tx(String space, String logId, DataSyncOperation... ops) implements TransactionData {
        public String getTransactionId() {
            return "tx-" + space;
        }

        public DataSyncOperation[] getTransactionParticipantDataItems() {
            return ops.clone();
        }

        public SynchronizationSourceDetails getSourceDetails() {
            return new SynchronizationSourceDetails(space, 0, true, logId);
        }

        public boolean isConsolidated() {
            return true;
        }
    }
}

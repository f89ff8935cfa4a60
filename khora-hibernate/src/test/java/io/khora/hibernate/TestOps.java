package io.khora.hibernate;

import io.khora.ChangeSet;
import io.khora.document.SpaceDocument;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SynchronizationSourceDetails;
import io.khora.persistence.TransactionData;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Small implementations of the synchronization SPI's data interfaces for endpoint tests. */
final class TestOps {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private TestOps() {
    }

    /** One operation on a POJO entity (or, with {@code entity == null}, on a document type). */
    record Op(DataSyncOperationType type, Object entity, Object id, List<String> changed, long sequence) implements DataSyncOperation {
        @Override
        public DataSyncOperationType getDataSyncOperationType() {
            return type;
        }

        @Override
        public String getTypeName() {
            return entity == null ? "OrderDocument" : entity.getClass().getName();
        }

        @Override
        public Class<?> getType() {
            return entity == null ? null : entity.getClass();
        }

        @Override
        public String getIdPropertyName() {
            return "id";
        }

        @Override
        public Object getSpaceId() {
            return id;
        }

        @Override
        public Object getRouting() {
            return id;
        }

        @Override
        public long getVersion() {
            return 1;
        }

        @Override
        public boolean supportsDataAsObject() {
            return entity != null;
        }

        @Override
        public Object getDataAsObject() {
            if (entity == null) {
                throw new UnsupportedOperationException("a document");
            }
            return entity;
        }

        @Override
        public boolean supportsDataAsDocument() {
            return true;
        }

        @Override
        public SpaceDocument getDataAsDocument() {
            return new SpaceDocument(getTypeName());
        }

        @Override
        public List<ChangeSet.Operation> getChanges() {
            return List.of();
        }

        @Override
        public List<String> getChangedPropertyNames() {
            return changed;
        }

        @Override
        public int getPartitionId() {
            return 0;
        }

        @Override
        public long getSequence() {
            return sequence;
        }
    }

    static Op op(DataSyncOperationType type, Object entity, Object id, String... changed) {
        return new Op(type, entity, id, List.of(changed), SEQUENCE.incrementAndGet());
    }

    static Op document(DataSyncOperationType type, Object id) {
        return new Op(type, null, id, List.of(), SEQUENCE.incrementAndGet());
    }

    record Batch(DataSyncOperation... ops) implements OperationsBatchData {
        @Override
        public DataSyncOperation[] getBatchDataItems() {
            return ops.clone();
        }

        @Override
        public SynchronizationSourceDetails getSourceDetails() {
            return new SynchronizationSourceDetails("test-space", 0, false);
        }
    }

    /**
     * A batch as the write-behind mirror sends it: sequences from a durable outbox, numbered under
     * {@code logId} (null: a source without log ids).
     */
    record DurableBatch(String space, int partition, String logId, DataSyncOperation... ops) implements OperationsBatchData {
        DurableBatch(String space, int partition, DataSyncOperation... ops) {
            this(space, partition, null, ops);
        }

        @Override
        public DataSyncOperation[] getBatchDataItems() {
            return ops.clone();
        }

        @Override
        public SynchronizationSourceDetails getSourceDetails() {
            return new SynchronizationSourceDetails(space, partition, true, logId);
        }
    }

    /** A batch as a cluster mirror of lease epoch {@code epoch} sends it (see {@link SynchronizationSourceDetails#mirrorEpoch()}). */
    record MirrorBatch(String space, int partition, String logId, long epoch, DataSyncOperation... ops) implements OperationsBatchData {
        @Override
        public DataSyncOperation[] getBatchDataItems() {
            return ops.clone();
        }

        @Override
        public SynchronizationSourceDetails getSourceDetails() {
            return new SynchronizationSourceDetails(space, partition, true, logId, epoch);
        }
    }

    record Tx(String id, DataSyncOperation... ops) implements TransactionData {
        @Override
        public String getTransactionId() {
            return id;
        }

        @Override
        public DataSyncOperation[] getTransactionParticipantDataItems() {
            return ops.clone();
        }

        @Override
        public SynchronizationSourceDetails getSourceDetails() {
            return new SynchronizationSourceDetails("test-space", 0, false);
        }

        @Override
        public boolean isConsolidated() {
            return true;
        }
    }
}

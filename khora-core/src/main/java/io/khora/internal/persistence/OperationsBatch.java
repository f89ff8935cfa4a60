package io.khora.internal.persistence;

import io.khora.internal.engine.Change;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SynchronizationSourceDetails;

import java.util.Arrays;
import java.util.List;

/** An {@link OperationsBatchData} over the changes of one partition operation. */
public final class OperationsBatch implements OperationsBatchData {
    private final DataSyncOperation[] items;
    private final SynchronizationSourceDetails source;

    OperationsBatch(String spaceName, List<Change> changes, EntryCopier copier) {
        this(spaceName, changes, copier, false);
    }

    /**
     * @param durableSequences whether the changes' sequences come from a durable outbox (write-behind)
     */
    public OperationsBatch(String spaceName, List<Change> changes, EntryCopier copier, boolean durableSequences) {
        this(spaceName, changes, copier, durableSequences, null);
    }

    /**
     * @param durableSequences whether the changes' sequences come from a durable outbox (write-behind)
     * @param logId the log id of the outbox the sequences come from, or null (see
     *     {@link SynchronizationSourceDetails#logId()})
     */
    public OperationsBatch(String spaceName, List<Change> changes, EntryCopier copier, boolean durableSequences, String logId) {
        this(spaceName, changes, copier, durableSequences, logId, 0L);
    }

    /**
     * Like {@link #OperationsBatch(String, List, EntryCopier, boolean, String)}, from a mirror whose
     * lease has epoch {@code mirrorEpoch} (see {@link SynchronizationSourceDetails#mirrorEpoch()}).
     */
    public OperationsBatch(String spaceName, List<Change> changes, EntryCopier copier, boolean durableSequences, String logId,
                           long mirrorEpoch) {
        this.items = new DataSyncOperation[changes.size()];
        for (int i = 0; i < items.length; i++) {
            items[i] = new SyncOperation(changes.get(i), copier);
        }
        this.source = new SynchronizationSourceDetails(spaceName, changes.isEmpty() ? 0 : changes.get(0).partitionId(),
                durableSequences, logId, mirrorEpoch);
    }

    @Override
    public DataSyncOperation[] getBatchDataItems() {
        return items.clone();
    }

    @Override
    public SynchronizationSourceDetails getSourceDetails() {
        return source;
    }

    @Override
    public String toString() {
        return "OperationsBatch" + Arrays.toString(items);
    }
}

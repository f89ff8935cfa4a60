package io.khora.persistence;

import java.util.List;

/** The changes of one space operation (or of one write-behind batch), in the order they happened. */
public interface OperationsBatchData {
    /** The changes, in order. */
    DataSyncOperation[] getBatchDataItems();

    /** The changes as a list. */
    default List<DataSyncOperation> items() {
        return List.of(getBatchDataItems());
    }

    /** Where the batch comes from. */
    SynchronizationSourceDetails getSourceDetails();
}

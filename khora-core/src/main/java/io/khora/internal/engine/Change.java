package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.persistence.DataSyncOperationType;

import java.util.List;

/**
 * One change a partition made (or is about to make) to an entry, as its {@link ChangeSink} sees it.
 *
 * @param type what happens to the entry in the store
 * @param entry the entry after the change (for REMOVE: as it was removed)
 * @param operations for PARTIAL_UPDATE and CHANGE, the change operations; else empty
 * @param partitionId the 0-based partition
 * @param sequence the change's number in its partition, increasing
 */
public record Change(DataSyncOperationType type, SpaceEntry entry, List<ChangeSet.Operation> operations,
                     int partitionId, long sequence) {
}

package io.khora.persistence;

import java.time.Instant;

/**
 * A write-behind operation the endpoint refused while it accepted others around it (so the store
 * was up): set aside, with the error, instead of stalling its partition (LESSONS: XAP retried the
 * same batch forever).
 *
 * @param partitionId 0-based partition
 * @param sequence the operation's outbox sequence (the last one, if consolidated from several)
 * @param operation what it did
 * @param typeName the entry type
 * @param id the entry id
 * @param error the endpoint's error message
 * @param recordedAt when it was set aside
 */
public record DeadLetter(int partitionId, long sequence, DataSyncOperationType operation, String typeName, Object id,
                         String error, Instant recordedAt) {
}

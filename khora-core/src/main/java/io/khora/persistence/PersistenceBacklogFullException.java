package io.khora.persistence;

import io.khora.SpaceException;

import java.time.Duration;

/**
 * A write-behind outbox was full (the data store is slower than the writers, or down) for longer
 * than the configured wait; the operation was not applied and nothing already acknowledged is lost.
 */
public class PersistenceBacklogFullException extends SpaceException {
    private final int partitionId;
    private final long pending;

    /** For partition {@code partitionId} of {@code spaceName}. */
    public PersistenceBacklogFullException(String spaceName, int partitionId, long pending, long capacity, Duration waited) {
        super("space '" + spaceName + "' partition " + (partitionId + 1) + ": the write-behind outbox holds " + pending
                + " undelivered changes (capacity " + capacity + ") and none were delivered within " + waited.toMillis()
                + " ms; the operation was not applied. Is the data store down or too slow?");
        this.partitionId = partitionId;
        this.pending = pending;
    }

    /** The 0-based partition whose outbox was full. */
    public int partitionId() {
        return partitionId;
    }

    /** Undelivered changes at the time. */
    public long pending() {
        return pending;
    }
}

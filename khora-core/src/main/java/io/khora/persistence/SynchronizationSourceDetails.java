package io.khora.persistence;

/**
 * Where a batch of changes comes from.
 *
 * @param spaceName the space
 * @param partitionId 0-based partition
 * @param durableSequences whether the operations' sequence numbers come from a durable log (the
 *     write-behind outbox) and so keep increasing across restarts; only then may an endpoint use
 *     them to skip what it already applied. Write-through sequences restart with the space.
 */
public record SynchronizationSourceDetails(String spaceName, int partitionId, boolean durableSequences) {
    /** GigaSpaces-style accessor: {@code space.partition} with a 1-based partition. */
    public String getName() {
        return spaceName + "." + (partitionId + 1);
    }
}

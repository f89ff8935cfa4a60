package io.khora.persistence;

/**
 * Where a batch of changes comes from.
 *
 * @param spaceName the space
 * @param partitionId 0-based partition
 */
public record SynchronizationSourceDetails(String spaceName, int partitionId) {
    /** GigaSpaces-style accessor. */
    public String getName() {
        return spaceName + "." + (partitionId + 1);
    }
}

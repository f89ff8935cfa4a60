package io.khora;

/**
 * The layout of a space as seen by one partition or by a client: the number of partitions
 * ({@code numberOfInstances}), the 1-based partition id ({@code instanceId}, 0 when the view is the
 * whole space) and the backup id (0 for a primary).
 *
 * @param numberOfInstances number of partitions, at least 1
 * @param instanceId 1-based partition id, or 0 for a view of the whole space
 * @param backupId 0 for a primary, 1.. for backups
 */
public record ClusterInfo(int numberOfInstances, int instanceId, int backupId) {
    /** Validates the layout. */
    public ClusterInfo {
        if (numberOfInstances < 1) {
            throw new IllegalArgumentException("numberOfInstances must be at least 1, got " + numberOfInstances);
        }
        if (instanceId < 0 || instanceId > numberOfInstances) {
            throw new IllegalArgumentException("instanceId must be in 0.." + numberOfInstances + ", got " + instanceId);
        }
        if (backupId < 0) {
            throw new IllegalArgumentException("backupId must not be negative, got " + backupId);
        }
    }

    /** GigaSpaces-style accessor for {@link #numberOfInstances()}. */
    public int getNumberOfInstances() {
        return numberOfInstances;
    }

    /** GigaSpaces-style accessor for {@link #instanceId()}. */
    public int getInstanceId() {
        return instanceId;
    }

    /** GigaSpaces-style accessor for {@link #backupId()}. */
    public int getBackupId() {
        return backupId;
    }
}

package io.khora.cluster;

import io.khora.SpaceNotReadyException;
import io.khora.SpaceState;

/**
 * The partition has no leader (its state is {@link SpaceState#RECOVER}): fewer than a majority of
 * its replicas can reach each other, or an election is under way, or a new leader is still
 * applying the log of its predecessor. The operation was not applied; retry after the partition
 * has a leader again.
 */
public class NoLeaderException extends SpaceNotReadyException {
    /** For partition {@code partitionId} of {@code spaceName}; {@code detail} says what this replica sees. */
    public NoLeaderException(String spaceName, int partitionId, String detail) {
        super(spaceName, SpaceState.RECOVER, "partition " + partitionId + " has no leader" + (detail == null ? "" : " (" + detail + ")"));
    }
}

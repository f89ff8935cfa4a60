package io.khora;


/**
 * The partition has no leader (its state is {@link SpaceState#RECOVER}): fewer than a majority of
 * its replicas can reach each other, or an election is under way, or a new leader is still
 * applying the log of its predecessor.
 *
 * <p>From a cluster replica: this replica proposed nothing (this attempt was not
 * applied). From the cluster client: no attempt of the operation may have been applied — the
 * client reports {@link OutcomeUnknownException} instead when an earlier attempt may have been
 * (its answer was lost) — so the operation was not applied, and retrying it (as a new call) once
 * the partition has a leader again is safe.
 */
public class NoLeaderException extends SpaceNotReadyException {
    /** For partition {@code partitionId} of {@code spaceName}; {@code detail} says what this replica sees. */
    public NoLeaderException(String spaceName, int partitionId, String detail) {
        super(spaceName, SpaceState.RECOVER, "partition " + partitionId + " has no leader" + (detail == null ? "" : " (" + detail + ")"));
    }
}

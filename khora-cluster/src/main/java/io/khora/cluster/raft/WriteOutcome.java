package io.khora.cluster.raft;

/**
 * What a replicated write did.
 *
 * @param version the entry's new version (1 when created)
 * @param created whether the entry was new
 * @param expiresAt its absolute expiry in log time ({@link Long#MAX_VALUE} for never)
 */
public record WriteOutcome(long version, boolean created, long expiresAt) {
}

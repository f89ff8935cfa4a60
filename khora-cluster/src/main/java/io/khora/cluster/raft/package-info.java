/**
 * The replicated state machine of a partition.
 *
 * <p>{@link io.khora.cluster.raft.Command}s are immutable records, encoded by
 * {@link io.khora.cluster.raft.CommandCodec} in Khora's wire format with the leader's timestamp;
 * {@link io.khora.cluster.raft.PartitionStateMachine} applies them to a
 * {@link io.khora.internal.engine.PartitionEngine} whose ticker is the
 * {@link io.khora.cluster.raft.LogTicker}: every replica computes the same versions, lease expiries
 * and takes, and never reads its own clock. Failures are encoded in the response
 * ({@link io.khora.cluster.raft.ErrorCode}). A {@link io.khora.cluster.raft.Command.Batch} carries
 * several commands in one entry (group commit); a {@link io.khora.cluster.raft.Command.Call} tags a
 * client's mutation with its call id, which {@link io.khora.cluster.raft.ClientCalls} — replicated
 * state, in snapshots — deduplicates. Types travel as
 * {@link io.khora.cluster.raft.TypeDeclaration}s, so a replica needs no user class for the layout.
 */
package io.khora.cluster.raft;

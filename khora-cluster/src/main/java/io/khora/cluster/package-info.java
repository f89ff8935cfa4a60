/**
 * Khora's distributed space: what its layers share.
 *
 * <p>Each partition of a space is one Raft group (jgroups-raft on its own JGroups channel) whose
 * state machine is the partition engine. This package holds the vocabulary every layer shares:
 * {@link io.khora.NotLeaderException}, {@link io.khora.NoLeaderException} (state
 * RECOVER) and {@link io.khora.OutcomeUnknownException} say what the caller may retry; a
 * {@link io.khora.cluster.CallId} makes any mutation safe to retry (applied at most once). It
 * depends on no other package of the cluster module.
 *
 * <p>Layers: {@code io.khora.cluster.replica} — one replica
 * ({@link io.khora.cluster.replica.ReplicatedPartition}): mutations proposed at the leader (with
 * group commit), reads answered by the serving leader, waiting reads and takes, events
 * ({@link io.khora.cluster.replica.ReplicatedEvent}), tuned by
 * {@link io.khora.cluster.replica.PartitionOptions};
 * {@code io.khora.cluster.raft} — the commands, their wire layout, the state machine, log time
 * ({@code LogTicker}, {@code LeaderClock}) and type declarations (no JGroups networking);
 * {@code io.khora.cluster.node} — a replica's configuration and its JGroups stack (binding, failure
 * detection, the file log); {@code io.khora.cluster.server} — the node process hosting replicas;
 * {@code io.khora.cluster.protocol} and {@code io.khora.cluster.client} — the client protocol and
 * the client that routes to leaders; {@code io.khora.cluster.mirror} — the write-behind mirror.
 */
package io.khora.cluster;

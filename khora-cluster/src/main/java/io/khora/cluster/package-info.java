/**
 * Khora's distributed space, part 1: the replicated partition.
 *
 * <p>Each partition of a space is one Raft group (jgroups-raft on its own JGroups channel) whose
 * state machine is the partition engine. {@link io.khora.cluster.ReplicatedPartition} is one
 * replica: mutations are proposed at the leader and return futures; reads are answered by the
 * leader from its engine; {@link io.khora.cluster.NotLeaderException},
 * {@link io.khora.cluster.NoLeaderException} (state RECOVER) and
 * {@link io.khora.cluster.OutcomeUnknownException} say what the caller may retry; a
 * {@link io.khora.cluster.CallId} makes any mutation safe to retry (applied at most once). The
 * leader batches concurrent proposals into one log entry (group commit), parks waiting reads and
 * takes until a match is applied, and fires {@link io.khora.cluster.ReplicatedEvent}s to
 * subscribers; {@link io.khora.cluster.PartitionOptions} tunes these.
 *
 * <p>Layers: {@code io.khora.cluster.raft} — the commands, their wire layout, the state machine,
 * log time ({@code LogTicker}, {@code LeaderClock}) and type declarations (no JGroups networking);
 * {@code io.khora.cluster.node} — a replica's configuration and its JGroups stack (binding, failure
 * detection, the file log). Not here yet: the server process, placement of partitions over nodes,
 * the client protocol and router (which carry waits, events and call ids across the network),
 * persistence hooks, membership changes.
 */
package io.khora.cluster;

/**
 * Khora's distributed space, part 1: the replicated partition.
 *
 * <p>Each partition of a space is one Raft group (jgroups-raft on its own JGroups channel) whose
 * state machine is the partition engine. {@link io.khora.cluster.ReplicatedPartition} is one
 * replica: mutations are proposed at the leader and return futures; reads are answered by the
 * leader from its engine; {@link io.khora.cluster.NotLeaderException},
 * {@link io.khora.cluster.NoLeaderException} (state RECOVER) and
 * {@link io.khora.cluster.OutcomeUnknownException} say what the caller may retry.
 *
 * <p>Layers: {@code io.khora.cluster.raft} — the commands, their wire layout, the state machine,
 * log time ({@code LogTicker}, {@code LeaderClock}) and type declarations (no JGroups networking);
 * {@code io.khora.cluster.node} — a replica's configuration and its JGroups stack (binding, failure
 * detection, the file log). Not here yet: the server process, placement of partitions over nodes,
 * the client protocol and router, waiting operations across the network, events, persistence
 * hooks, membership changes.
 */
package io.khora.cluster;

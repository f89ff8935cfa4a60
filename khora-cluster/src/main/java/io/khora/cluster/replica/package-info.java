/**
 * One replica of a replicated partition: a Raft group member (jgroups-raft on its own JGroups
 * channel) whose state machine is the partition engine.
 *
 * <p>{@link io.khora.cluster.replica.ReplicatedPartition} is the facade: mutations are proposed at
 * the leader and return futures, reads are answered by the serving leader from its engine. Behind
 * it, each room is its own class: {@link io.khora.cluster.replica.Proposer} (group commit),
 * {@link io.khora.cluster.replica.LeaderWaits} (waiting reads and takes),
 * {@link io.khora.cluster.replica.LeaderEvents} (the engine's event sink feeding subscriptions),
 * {@link io.khora.cluster.replica.LeaderOutbox} (the leader's side of the write-behind outbox).
 */
package io.khora.cluster.replica;

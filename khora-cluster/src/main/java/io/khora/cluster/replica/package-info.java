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
 * {@link io.khora.cluster.replica.PartitionOptions} tunes a replica; subscribers get
 * {@link io.khora.cluster.replica.ReplicatedEvent}s.
 *
 * <p><b>Leadership.</b> Everything a replica keeps only while it leads lives in one
 * {@link io.khora.cluster.replica.LeaderState}, created when jgroups-raft makes the replica leader
 * and closed whole when it stops leading: its clock, whether and for which term it serves, its
 * waits and subscriptions, the types it declared and the transactions it is resolving. Around it:
 * {@link io.khora.cluster.replica.LeaderDuties} (the no-op that makes a new leader serve, and its
 * upkeep), {@link io.khora.cluster.replica.LeaderProposals} (routing mutations into the log),
 * {@link io.khora.cluster.replica.LeaderReads}, {@link io.khora.cluster.replica.WaitingCalls} and
 * {@link io.khora.cluster.replica.LeadershipConfirmation} (reads, waiting reads and takes,
 * linearizable reads), {@link io.khora.cluster.replica.TypeDeclarations},
 * {@link io.khora.cluster.replica.OverdueTransactions}, {@link io.khora.cluster.replica.LockedRetry}
 * and {@link io.khora.cluster.replica.ReplicaFailures} (what failed, and whether it may have been
 * applied).
 */
package io.khora.cluster.replica;

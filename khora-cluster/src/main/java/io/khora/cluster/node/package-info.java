/**
 * One replica as a member of its Raft group: {@link io.khora.cluster.node.ReplicaConfig} (members,
 * data directory, fsync, snapshot threshold, timings), {@link io.khora.cluster.node.RaftStack} (the
 * JGroups channel: TCP with tcp_nodelay, every socket bound to the configured address, failure
 * detection, ELECTION/RAFT/REDIRECT), {@link io.khora.cluster.node.SnapshotSafeFileLog} (the
 * file-based Raft log with two jgroups-raft 1.1.4 fixes) and {@link io.khora.cluster.node.JGroupsLogging}
 * (JGroups logs through SLF4J).
 */
package io.khora.cluster.node;

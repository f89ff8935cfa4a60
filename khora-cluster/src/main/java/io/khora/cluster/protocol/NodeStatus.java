package io.khora.cluster.protocol;

import io.khora.SpaceState;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node's report on itself, for {@code khora status}.
 *
 * @param nodeId the node's id
 * @param members the node ids in this node's current membership view
 * @param replicas every partition replica this node hosts
 * @param spaces every space of the cluster as this node sees it: every node's id and client address,
 *               every partition's replicas (so a report can name what does not answer) and the
 *               leaders this node knows
 */
public record NodeStatus(String nodeId, List<String> members, List<ReplicaStatus> replicas, List<SpaceLayout> spaces) {
    /** Checks the components. */
    public NodeStatus {
        Objects.requireNonNull(nodeId, "nodeId");
        members = List.copyOf(members);
        replicas = List.copyOf(replicas);
        spaces = List.copyOf(spaces);
    }

    /** Without the spaces' layouts. */
    public NodeStatus(String nodeId, List<String> members, List<ReplicaStatus> replicas) {
        this(nodeId, members, replicas, List.of());
    }

    /**
     * One replica's report.
     *
     * @param space the space
     * @param partition the partition (0-based)
     * @param state the replica's state (READY when it knows a serving leader, RECOVER without one, INITIAL before it started)
     * @param leader the leader's node id, or null if unknown
     * @param term the current Raft term
     * @param commitIndex the commit index here
     * @param lastAppended the last log index here
     * @param entries the number of live entries here
     * @param followerMatch on the leader, every follower's match index by node id
     */
    public record ReplicaStatus(String space, int partition, SpaceState state, String leader, long term, long commitIndex,
                                long lastAppended, long entries, Map<String, Long> followerMatch) {
        /** Checks the components. */
        public ReplicaStatus {
            Objects.requireNonNull(space, "space");
            Objects.requireNonNull(state, "state");
            followerMatch = Map.copyOf(followerMatch);
        }
    }
}

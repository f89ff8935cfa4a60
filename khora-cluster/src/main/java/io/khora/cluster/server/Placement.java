package io.khora.cluster.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the replicas of each partition live: replica {@code k} of group {@code g} on node
 * {@code (g + k) mod N} — a round robin over the nodes in spec order, so no two replicas of a
 * partition share a node (replicas ≤ nodes) and the first replica, the preferred leader, moves on
 * by one node per partition, which spreads leaders. Deterministic: every node and every client
 * computes the same placement from the same spec.
 */
public final class Placement {
    private final ClusterSpec spec;

    /** The placement of {@code spec}. */
    public Placement(ClusterSpec spec) {
        this.spec = spec;
    }

    /** The node ids holding a replica of a partition, the preferred leader first. */
    public List<String> replicas(String space, int partition) {
        ClusterSpec.SpaceSpec s = spec.space(space).orElseThrow(() -> new IllegalArgumentException("no space '" + space + "'"));
        if (partition < 0 || partition >= s.partitions()) {
            throw new IllegalArgumentException("space " + space + " has partitions 0.." + (s.partitions() - 1) + ", not " + partition);
        }
        int g = spec.groupOrdinal(space, partition);
        int n = spec.nodes().size();
        List<String> out = new ArrayList<>(s.replicas());
        for (int k = 0; k < s.replicas(); k++) {
            out.add(spec.nodes().get((g + k) % n).id());
        }
        return out;
    }

    /** The port of {@code nodeId}'s replica channel for a partition. */
    public int replicaPort(String nodeId, String space, int partition) {
        ClusterSpec.NodeSpec node = spec.node(nodeId).orElseThrow(() -> new IllegalArgumentException("no node '" + nodeId + "'"));
        return node.raftPort() + 2 + 2 * spec.groupOrdinal(space, partition);
    }
}

package io.khora.cluster.protocol;

import io.khora.SpaceState;

import java.util.List;
import java.util.Objects;

/**
 * A space as one node sees it: its partitions, where their replicas live, which leaders it knows,
 * and the address of every node for clients.
 *
 * @param space the space's name
 * @param partitions the number of partitions
 * @param state the space's state as this node sees it (the worst of the partitions it hosts)
 * @param nodes every node of the cluster
 * @param placement per partition (by index): its replicas and its leader if known
 */
public record SpaceLayout(String space, int partitions, SpaceState state, List<NodeAddress> nodes, List<PartitionPlacement> placement) {
    /** Checks the components. */
    public SpaceLayout {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(state, "state");
        nodes = List.copyOf(nodes);
        placement = List.copyOf(placement);
    }

    /**
     * Where one partition lives.
     *
     * @param replicas the ids of the nodes holding a replica, preferred leader first
     * @param leader the id of the leader's node, or null when this node does not know one
     */
    public record PartitionPlacement(List<String> replicas, String leader) {
        /** Checks the components. */
        public PartitionPlacement {
            replicas = List.copyOf(replicas);
        }
    }

    /**
     * A node's client address.
     *
     * @param id the node id
     * @param host its host name or address
     * @param port its client port
     */
    public record NodeAddress(String id, String host, int port) {
        /** Checks the components. */
        public NodeAddress {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(host, "host");
        }
    }
}

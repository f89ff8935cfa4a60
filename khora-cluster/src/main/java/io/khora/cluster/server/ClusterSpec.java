package io.khora.cluster.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What every node of a cluster agrees on: the member nodes with their addresses, and the spaces
 * with their partitions, replicas and minimum number of seeders. Every node is started with the
 * same spec; placement and ports derive from it deterministically. Immutable; built and
 * validated by {@link #builder()}.
 */
public final class ClusterSpec {
    /**
     * One member node.
     *
     * @param id the node's id (unique; also its Raft id in every group it joins)
     * @param host the address it binds and is reached at
     * @param clientPort the port clients connect to
     * @param raftPort the first of the ports its JGroups channels use: the membership channel at
     *                 {@code raftPort}, the replica of group {@code g} at {@code raftPort + 2 + 2g}
     *                 (each with its failure-detection port one above)
     */
    public record NodeSpec(String id, String host, int clientPort, int raftPort) {
        /** Checks the components. */
        public NodeSpec {
            if (id == null || id.isBlank() || !id.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("node id '" + id + "' must be non-empty letters, digits, '_', '.' or '-'");
            }
            Objects.requireNonNull(host, () -> "host of node " + id);
            checkPort(clientPort, "clientPort of node " + id);
            checkPort(raftPort, "raftPort of node " + id);
        }
    }

    /**
     * One space.
     *
     * @param name the space's name
     * @param partitions the number of partitions (at least 1)
     * @param replicas the replicas per partition (1 to the number of nodes; 3 tolerates one failure)
     * @param minSeeders how many nodes must be up before the space's partitions start (INITIAL until then)
     * @param writeBehind the space's write-behind outbox (delivered by a {@code khora mirror} process),
     *     or null for a space without persistence
     */
    public record SpaceSpec(String name, int partitions, int replicas, int minSeeders, WriteBehindSpec writeBehind) {
        /** A space without persistence. */
        public SpaceSpec(String name, int partitions, int replicas, int minSeeders) {
            this(name, partitions, replicas, minSeeders, null);
        }

        /** With write-behind through the given outbox settings. */
        public SpaceSpec withWriteBehind(WriteBehindSpec wb) {
            return new SpaceSpec(name, partitions, replicas, minSeeders, wb);
        }

        /** Checks the components. */
        public SpaceSpec {
            if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("space name '" + name + "' must be non-empty letters, digits, '_', '.' or '-'");
            }
            if (partitions < 1 || partitions > 1024) {
                throw new IllegalArgumentException("space " + name + ": partitions must be 1..1024, got " + partitions);
            }
            if (replicas < 1) {
                throw new IllegalArgumentException("space " + name + ": replicas must be at least 1, got " + replicas);
            }
            if (minSeeders < 1) {
                throw new IllegalArgumentException("space " + name + ": min-seeders must be at least 1, got " + minSeeders);
            }
        }
    }

    /**
     * A space's write-behind: every partition keeps its changes in an outbox that is part of its
     * replicated state until the mirror process has delivered them.
     *
     * @param maxPending the most undelivered changes per partition (the outbox is held in memory on
     *     every replica and in its snapshots)
     * @param backlogWait how long a mutation waits for room in a full outbox before it fails with
     *     {@link io.khora.persistence.PersistenceBacklogFullException}
     */
    public record WriteBehindSpec(int maxPending, java.time.Duration backlogWait) {
        /** The defaults: 100,000 changes per partition, 10 s. */
        public static final WriteBehindSpec DEFAULTS = new WriteBehindSpec(100_000, java.time.Duration.ofSeconds(10));

        /** Checks the components. */
        public WriteBehindSpec {
            if (maxPending < 1) {
                throw new IllegalArgumentException("write-behind max-pending must be at least 1, got " + maxPending);
            }
            if (backlogWait == null || backlogWait.isNegative()) {
                throw new IllegalArgumentException("write-behind backlog-wait must not be negative, got " + backlogWait);
            }
        }
    }

    private final List<NodeSpec> nodes;
    private final List<SpaceSpec> spaces;
    private final Map<String, NodeSpec> nodesById;
    private final Map<String, Integer> firstGroup;
    private final int groups;

    private ClusterSpec(List<NodeSpec> nodes, List<SpaceSpec> spaces) {
        this.nodes = List.copyOf(nodes);
        this.spaces = List.copyOf(spaces);
        Map<String, NodeSpec> byId = new LinkedHashMap<>();
        Set<String> endpoints = new HashSet<>();
        for (NodeSpec n : nodes) {
            if (byId.put(n.id(), n) != null) {
                throw new IllegalArgumentException("node id '" + n.id() + "' appears twice");
            }
            if (!endpoints.add(n.host() + ":" + n.clientPort())) {
                throw new IllegalArgumentException("node " + n.id() + ": client address " + n.host() + ":" + n.clientPort() + " is used twice");
            }
        }
        this.nodesById = byId;
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one node");
        }
        Map<String, Integer> first = new LinkedHashMap<>();
        int g = 0;
        for (SpaceSpec s : spaces) {
            if (first.put(s.name(), g) != null) {
                throw new IllegalArgumentException("space '" + s.name() + "' is declared twice");
            }
            if (s.replicas() > nodes.size()) {
                throw new IllegalArgumentException("space " + s.name() + ": " + s.replicas() + " replicas need as many nodes, the cluster has "
                        + nodes.size() + " (no two replicas of a partition share a node)");
            }
            if (s.minSeeders() > nodes.size()) {
                throw new IllegalArgumentException("space " + s.name() + ": min-seeders " + s.minSeeders() + " exceeds the " + nodes.size() + " nodes");
            }
            g += s.partitions();
        }
        this.firstGroup = first;
        this.groups = g;
        for (NodeSpec n : nodes) {
            long last = (long) n.raftPort() + 3 + 2L * groups;
            if (last > 65535) {
                throw new IllegalArgumentException("node " + n.id() + ": raftPort " + n.raftPort() + " leaves no room for " + groups
                        + " partition groups (ports up to " + last + " are needed)");
            }
            for (NodeSpec o : nodes) {
                if (o != n && o.host().equals(n.host()) && overlaps(n, o)) {
                    throw new IllegalArgumentException("nodes " + n.id() + " and " + o.id() + " on " + n.host()
                            + " have overlapping port ranges (client " + n.clientPort() + "/" + o.clientPort() + ", raft "
                            + n.raftPort() + "/" + o.raftPort() + ", " + (2 + 2 * groups) + " raft ports each)");
                }
            }
        }
    }

    private boolean overlaps(NodeSpec a, NodeSpec b) {
        int width = 2 + 2 * groups;
        boolean raft = a.raftPort() < b.raftPort() + width && b.raftPort() < a.raftPort() + width;
        boolean client = a.clientPort() >= b.raftPort() && a.clientPort() < b.raftPort() + width;
        return raft || client || a.clientPort() == b.clientPort();
    }

    private static void checkPort(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 1..65535, got " + port);
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The nodes, in declaration order. */
    public List<NodeSpec> nodes() {
        return nodes;
    }

    /** The spaces, in declaration order. */
    public List<SpaceSpec> spaces() {
        return spaces;
    }

    /** The node with {@code id}. */
    public Optional<NodeSpec> node(String id) {
        return Optional.ofNullable(nodesById.get(id));
    }

    /** The space named {@code name}. */
    public Optional<SpaceSpec> space(String name) {
        return spaces.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The cluster-wide ordinal of a partition's Raft group (which fixes its ports). */
    public int groupOrdinal(String space, int partition) {
        Integer first = firstGroup.get(space);
        if (first == null) {
            throw new IllegalArgumentException("no space '" + space + "' in the cluster spec");
        }
        return first + partition;
    }

    /** The number of Raft groups (partitions of all spaces). */
    public int groupCount() {
        return groups;
    }

    /** Builds a {@link ClusterSpec}. */
    public static final class Builder {
        private final List<NodeSpec> nodes = new ArrayList<>();
        private final List<SpaceSpec> spaces = new ArrayList<>();

        private Builder() {
        }

        /** Adds a node. */
        public Builder node(String id, String host, int clientPort, int raftPort) {
            nodes.add(new NodeSpec(id, host, clientPort, raftPort));
            return this;
        }

        /** Adds a space. */
        public Builder space(String name, int partitions, int replicas, int minSeeders) {
            spaces.add(new SpaceSpec(name, partitions, replicas, minSeeders));
            return this;
        }

        /** Adds a space with write-behind. */
        public Builder space(String name, int partitions, int replicas, int minSeeders, WriteBehindSpec writeBehind) {
            spaces.add(new SpaceSpec(name, partitions, replicas, minSeeders, writeBehind));
            return this;
        }

        /** The validated spec; fails with a message naming what is wrong. */
        public ClusterSpec build() {
            return new ClusterSpec(nodes, spaces);
        }
    }
}

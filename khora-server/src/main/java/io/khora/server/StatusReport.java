package io.khora.server;

import io.khora.SpaceState;
import io.khora.cluster.client.StatusClient;
import io.khora.cluster.protocol.NodeStatus;
import io.khora.cluster.protocol.SpaceLayout;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the nodes report into the report {@code khora status} prints, and its verdict. A
 * partition is served when one of its replicas says it leads it and serves (READY), and that node's
 * membership view holds a majority of the partition's replicas (a leader cut off from its
 * followers still claims to lead until it notices, but cannot commit); it is
 * under-replicated when a replica's node is down, its replica is not running, or the leader's log
 * is more than {@code maxLag} entries ahead of it. The nodes and every partition's replicas come
 * from the answering nodes' layouts, so a node that does not answer is still named by its id.
 */
final class StatusReport {
    /** Every partition has a serving leader, every node answers, every replica is up to date. */
    static final int HEALTHY = 0;
    /** No node answered, or some partition has no leader: the space does not serve everything. */
    static final int NOT_SERVING = 1;
    /** Every partition has a leader, but a node is down or a partition is under-replicated. */
    static final int DEGRADED = 3;
    /** How many log entries a replica may be behind its leader before it counts as lagging, by default. */
    static final long DEFAULT_MAX_LAG = 1_000;

    /**
     * What {@code khora status} prints and exits with.
     *
     * @param text the report
     * @param exitCode {@link #HEALTHY}, {@link #NOT_SERVING} or {@link #DEGRADED}
     * @param problems one line per problem (empty when healthy)
     */
    record Report(String text, int exitCode, List<String> problems) {
    }

    private StatusReport() {
    }

    /** The report's text for the answers of every node (lag threshold {@link #DEFAULT_MAX_LAG}). */
    static String format(List<StatusClient.Answer> answers) {
        return of(answers, DEFAULT_MAX_LAG).text();
    }

    /** The client addresses of the nodes the answering nodes know of that are not among those asked. */
    static List<InetSocketAddress> unasked(List<StatusClient.Answer> answers) {
        List<String> asked = answers.stream().map(a -> address(a.address())).toList();
        List<InetSocketAddress> out = new ArrayList<>();
        for (String address : nodes(answers).values()) {
            if (!asked.contains(address) && out.stream().noneMatch(a -> address(a).equals(address))) {
                int colon = address.lastIndexOf(':');
                out.add(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
            }
        }
        return out;
    }

    /** The report and verdict for the answers of every node. */
    static Report of(List<StatusClient.Answer> answers, long maxLag) {
        Map<String, String> nodes = nodes(answers);
        Map<String, NodeStatus> up = new LinkedHashMap<>();
        Map<String, String> downByAddress = new LinkedHashMap<>();
        for (StatusClient.Answer a : answers) {
            if (a.status() != null) {
                up.putIfAbsent(a.status().nodeId(), a.status());
            } else {
                downByAddress.putIfAbsent(address(a.address()), a.error());
            }
        }
        List<String> problems = new ArrayList<>();
        StringBuilder sb = new StringBuilder("NODES\n");
        for (Map.Entry<String, String> n : nodes.entrySet()) {
            NodeStatus s = up.get(n.getKey());
            if (s != null) {
                sb.append(String.format("  %-8s %-22s UP     members %s%n", n.getKey(), n.getValue(), s.members()));
            } else {
                String why = downByAddress.getOrDefault(n.getValue(), "it did not answer");
                sb.append(String.format("  %-8s %-22s DOWN   (%s)%n", n.getKey(), n.getValue(), why));
                problems.add("node " + n.getKey() + " (" + n.getValue() + ") is down: " + why);
            }
        }
        for (Map.Entry<String, String> d : downByAddress.entrySet()) {
            if (!nodes.containsValue(d.getKey())) { // asked, but no answering node names it (or none answered)
                sb.append(String.format("  %-8s %-22s DOWN   (%s)%n", "?", d.getKey(), d.getValue()));
            }
        }
        if (up.isEmpty()) {
            sb.append("NOT SERVING: no node answered\n");
            return new Report(sb.toString(), NOT_SERVING, List.of("no node answered"));
        }
        sb.append("PARTITIONS\n");
        sb.append(String.format("  %-16s %-9s %-8s %-6s %-10s %-8s %s%n", "space/partition", "state", "leader", "term", "commit", "entries",
                "replica lag (entries behind the leader)"));
        int leaderless = 0;
        for (SpaceLayout l : layouts(up.values())) {
            for (int p = 0; p < l.partitions(); p++) {
                if (!partition(sb, problems, l.space(), p, l.placement().get(p).replicas(), up, maxLag)) {
                    leaderless++;
                }
            }
        }
        if (leaderless > 0) {
            sb.append("NOT SERVING: ").append(leaderless).append(leaderless == 1 ? " partition has" : " partitions have").append(" no leader\n");
        } else if (!problems.isEmpty()) {
            sb.append("DEGRADED: every partition has a leader, but\n");
        } else {
            sb.append("HEALTHY: every partition has a leader and every replica is up to date\n");
        }
        for (String problem : problems) {
            sb.append("  ").append(problem).append('\n');
        }
        return new Report(sb.toString(), leaderless > 0 ? NOT_SERVING : problems.isEmpty() ? HEALTHY : DEGRADED, List.copyOf(problems));
    }

    /** Prints one partition's line and notes its problems; false if it has no leader. */
    private static boolean partition(StringBuilder sb, List<String> problems, String space, int p, List<String> replicas,
                                     Map<String, NodeStatus> up, long maxLag) {
        Map<String, NodeStatus.ReplicaStatus> reported = new LinkedHashMap<>();
        for (String node : replicas) {
            NodeStatus s = up.get(node);
            if (s != null) {
                s.replicas().stream().filter(r -> r.space().equals(space) && r.partition() == p).findFirst()
                        .ifPresent(r -> reported.put(node, r));
            }
        }
        NodeStatus.ReplicaStatus leader = null;
        String leaderNode = null;
        String cutOff = null;
        for (Map.Entry<String, NodeStatus.ReplicaStatus> e : reported.entrySet()) {
            NodeStatus.ReplicaStatus r = e.getValue();
            if (!e.getKey().equals(r.leader()) || r.state() != SpaceState.READY || (leader != null && r.term() <= leader.term())) {
                continue;
            }
            List<String> members = up.get(e.getKey()).members();
            if (replicas.stream().filter(members::contains).count() * 2 <= replicas.size()) {
                cutOff = " (" + e.getKey() + " still claims it, but its view " + members + " holds no majority of " + replicas + ")";
                continue; // it cannot commit: it has not noticed yet that it lost its followers
            }
            leader = r;
            leaderNode = e.getKey();
        }
        String name = space + "/" + p;
        NodeStatus.ReplicaStatus any = leader != null ? leader : reported.values().stream().findFirst().orElse(null);
        StringBuilder lag = new StringBuilder();
        List<String> under = new ArrayList<>();
        for (String node : replicas) {
            if (node.equals(leaderNode)) {
                continue;
            }
            NodeStatus.ReplicaStatus r = reported.get(node);
            String what;
            if (!up.containsKey(node)) {
                what = "down";
                under.add(node + " is down");
            } else if (r == null || r.state() == SpaceState.INITIAL) {
                what = "not running";
                under.add(node + " runs no replica");
            } else if (leader == null) {
                what = r.state().name();
            } else {
                Long match = leader.followerMatch().get(node);
                long behind = match == null ? -1 : Math.max(0, leader.lastAppended() - match);
                what = match == null ? "?" : String.valueOf(behind);
                if (match == null) {
                    under.add(node + " is not replicated by the leader");
                } else if (behind > maxLag) {
                    under.add(node + " lags " + behind + " entries behind the leader (more than " + maxLag + ")");
                }
            }
            lag.append(node).append('=').append(what).append(' ');
        }
        String state = leader != null ? "READY" : any == null ? "DOWN"
                : reported.values().stream().allMatch(r -> r.state() == SpaceState.INITIAL) ? "INITIAL" : "RECOVER";
        sb.append(String.format("  %-16s %-9s %-8s %-6s %-10s %-8s %s%n", name, state, leaderNode == null ? "-" : leaderNode,
                any == null ? "-" : any.term(), any == null ? "-" : any.commitIndex(), any == null ? "-" : any.entries(), lag.toString().trim()));
        if (leader == null) {
            problems.add(name + " has no leader" + (reported.isEmpty() ? " (no replica answers)" : cutOff != null ? cutOff : ""));
            return false;
        }
        if (!under.isEmpty()) {
            problems.add(name + " is under-replicated: " + String.join(", ", under));
        }
        return true;
    }

    /** Node id → client address, in the order of the cluster spec, from the answering nodes' layouts. */
    private static Map<String, String> nodes(List<StatusClient.Answer> answers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StatusClient.Answer a : answers) {
            if (a.status() == null) {
                continue;
            }
            for (SpaceLayout l : a.status().spaces()) {
                for (SpaceLayout.NodeAddress n : l.nodes()) {
                    out.putIfAbsent(n.id(), n.host() + ":" + n.port());
                }
            }
            out.putIfAbsent(a.status().nodeId(), address(a.address()));
        }
        return out;
    }

    /** Every space once, as the first answering node that reports it sees it. */
    private static List<SpaceLayout> layouts(java.util.Collection<NodeStatus> up) {
        Map<String, SpaceLayout> out = new LinkedHashMap<>();
        for (NodeStatus s : up) {
            for (SpaceLayout l : s.spaces()) {
                out.putIfAbsent(l.space(), l);
            }
        }
        return List.copyOf(out.values());
    }

    private static String address(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}

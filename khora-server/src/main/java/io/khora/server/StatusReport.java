package io.khora.server;

import io.khora.cluster.client.StatusClient;
import io.khora.cluster.protocol.NodeStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Formats what the nodes report into the table {@code khora status} prints. */
final class StatusReport {
    private StatusReport() {
    }

    /** The report for the answers of every node. */
    static String format(List<StatusClient.Answer> answers) {
        StringBuilder sb = new StringBuilder();
        sb.append("NODES\n");
        Map<String, List<NodeStatus.ReplicaStatus>> byPartition = new TreeMap<>();
        Map<String, String> replicaNode = new TreeMap<>();
        for (StatusClient.Answer a : answers) {
            String addr = a.address().getHostString() + ":" + a.address().getPort();
            if (a.status() == null) {
                sb.append(String.format("  %-8s %-22s DOWN   (%s)%n", "?", addr, a.error()));
                continue;
            }
            NodeStatus s = a.status();
            sb.append(String.format("  %-8s %-22s UP     members %s%n", s.nodeId(), addr, s.members()));
            for (NodeStatus.ReplicaStatus r : s.replicas()) {
                String key = r.space() + "/" + String.format("%04d", r.partition());
                byPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
                replicaNode.put(key + "@" + byPartition.get(key).size(), s.nodeId());
            }
        }
        sb.append("PARTITIONS\n");
        sb.append(String.format("  %-16s %-9s %-8s %-6s %-10s %-8s %s%n", "space/partition", "state", "leader", "term", "commit", "entries",
                "replica lag (entries behind the leader)"));
        for (Map.Entry<String, List<NodeStatus.ReplicaStatus>> e : byPartition.entrySet()) {
            List<NodeStatus.ReplicaStatus> rs = e.getValue();
            NodeStatus.ReplicaStatus leader = rs.stream().filter(r -> !r.followerMatch().isEmpty()).findFirst().orElse(null);
            NodeStatus.ReplicaStatus any = leader != null ? leader : rs.get(0);
            String state = rs.stream().map(r -> r.state().name()).reduce((a, b) -> a.equals(b) ? a : (a.equals("READY") ? b : a)).orElse("?");
            StringBuilder lag = new StringBuilder();
            if (leader != null) {
                leader.followerMatch().forEach((node, match) -> lag.append(node).append('=').append(Math.max(0, leader.lastAppended() - match)).append(' '));
            }
            String[] parts = e.getKey().split("/");
            sb.append(String.format("  %-16s %-9s %-8s %-6d %-10d %-8d %s%n", parts[0] + "/" + Integer.parseInt(parts[1]), state,
                    any.leader() == null ? "-" : any.leader(), any.term(), any.commitIndex(), any.entries(),
                    leader == null ? "(no leader reporting)" : lag.toString().trim()));
        }
        return sb.toString();
    }
}

package io.khora.cluster.server;

import io.khora.cluster.protocol.NodeStatus;
import io.khora.cluster.server.security.Grants;
import io.khora.cluster.server.security.Role;

import java.util.List;
import java.util.Map;

/**
 * A node's status as a principal may see it: the spaces it may read or administer, with the
 * details (term, log positions, followers' match indexes) only where it has {@code admin}, and the
 * membership view only if it has {@code admin} somewhere.
 */
final class StatusView {
    private StatusView() {
    }

    /** {@code full} cut to what {@code grants} show. */
    static NodeStatus of(NodeStatus full, Grants grants) {
        if (grants.equals(Grants.ALL)) {
            return full;
        }
        List<NodeStatus.ReplicaStatus> replicas = full.replicas().stream()
                .filter(r -> grants.allows(r.space(), Role.READ) || grants.allows(r.space(), Role.ADMIN))
                .map(r -> grants.allows(r.space(), Role.ADMIN) ? r
                        : new NodeStatus.ReplicaStatus(r.space(), r.partition(), r.state(), r.leader(), 0, 0, 0, r.entries(), Map.of()))
                .toList();
        return new NodeStatus(full.nodeId(), grants.allowsAnywhere(Role.ADMIN) ? full.members() : List.of(), replicas,
                full.spaces().stream().filter(l -> grants.allows(l.space(), Role.READ) || grants.allows(l.space(), Role.ADMIN)).toList());
    }
}

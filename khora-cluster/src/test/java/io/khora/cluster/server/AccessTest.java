package io.khora.cluster.server;

import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.cluster.protocol.NodeStatus;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.raft.Command;
import io.khora.cluster.server.security.Grants;
import io.khora.cluster.server.security.Role;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The authorization table: what each request kind needs. */
class AccessTest {
    private static final Command.QuerySpec ALL = Command.QuerySpec.all();

    private static Grants on(String space, Role... roles) {
        return new Grants(Map.of(space, roles.length == 0 ? Set.of() : EnumSet.of(roles[0], roles)));
    }

    private static Request mutate(Command c) {
        return new Request.Mutate(1, "s", 0, 1, 1, false, false, c);
    }

    @Test
    void onlyHelloAndAuthComeBeforeAuthentication() {
        assertThat(Access.of(new Request.Hello(1, 1, 1, false)).beforeAuthentication()).isTrue();
        assertThat(Access.of(new Request.Auth(1, "EXTERNAL", new byte[0])).beforeAuthentication()).isTrue();
        for (Request r : List.of(new Request.Status(1), new Request.Unsubscribe(1, 2), new Request.Layout(1, "s"),
                new Request.Count(1, "s", 0, "T", ALL), mutate(new Command.TxAbort("tx")))) {
            assertThat(Access.of(r).beforeAuthentication()).as("%s", r).isFalse();
        }
    }

    @Test
    void eachRequestNeedsItsRoleOnItsSpace() {
        Map<Request, Role> table = new java.util.LinkedHashMap<>();
        table.put(new Request.ReadById(1, "s", 0, "T", "id"), Role.READ);
        table.put(new Request.Count(1, "s", 0, "T", ALL), Role.READ);
        table.put(new Request.Query(1, "s", 0, "T", ALL, 1, 0, false, 0, 0, false), Role.READ);
        table.put(new Request.Subscribe(1, "s", 0, "T", ALL, EnumSet.allOf(io.khora.SpaceEventType.class)), Role.READ);
        table.put(new Request.Query(1, "s", 0, "T", ALL, 1, 0, true, 1, 1, false), Role.WRITE);
        table.put(mutate(new Command.Write("T", new Object[0], Lease.FOREVER, WriteMode.UPDATE_OR_WRITE)), Role.WRITE);
        table.put(mutate(new Command.TakeQuery("T", ALL, 1)), Role.WRITE);
        table.put(mutate(new Command.TxCommit("tx")), Role.WRITE);
        table.put(mutate(new Command.Clear("T", ALL)), Role.ADMIN);
        table.put(mutate(new Command.OutboxAck("log", 1, 1)), Role.MIRROR);
        table.put(mutate(new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, "m", 0, 1000)), Role.MIRROR);
        table.put(new Request.OutboxPull(1, "s", 0, 0, 1, 0, 1), Role.MIRROR);
        table.forEach((r, role) -> {
            for (Role other : Role.values()) {
                assertThat(Access.of(r).allowedBy(on("s", other))).as("%s with %s", r, other).isEqualTo(other == role);
                assertThat(Access.of(r).allowedBy(on("other", other))).as("%s with %s on another space", r, other).isFalse();
            }
            assertThat(Access.of(r).allowedBy(on("*", role))).as("'*' stands for every space").isTrue();
            assertThat(Access.of(r).allowedBy(Grants.ALL)).isTrue();
        });
    }

    @Test
    void theLayoutNeedsAnyRoleAndTypeDeclarationsReadOrWrite() {
        Access layout = Access.of(new Request.Layout(1, "s"));
        Access declare = Access.of(new Request.Declare(1, "s", List.of()));
        for (Role r : Role.values()) {
            assertThat(layout.allowedBy(on("s", r))).isTrue();
            assertThat(declare.allowedBy(on("s", r))).isEqualTo(r == Role.READ || r == Role.WRITE);
        }
        assertThat(layout.allowedBy(on("s"))).isFalse();
        assertThat(declare.needed()).isEqualTo("one of the roles [read, write]");
    }

    @Test
    void theStatusShowsDetailsOnlyToAdminsAndOnlyTheirSpaces() {
        NodeStatus full = new NodeStatus("n1", List.of("n1", "n2"), List.of(
                new NodeStatus.ReplicaStatus("a", 0, io.khora.SpaceState.READY, "n1", 3, 10, 11, 5, Map.of("n2", 10L)),
                new NodeStatus.ReplicaStatus("b", 0, io.khora.SpaceState.READY, "n1", 3, 10, 11, 5, Map.of("n2", 10L))));
        NodeStatus reader = StatusView.of(full, on("a", Role.READ));
        assertThat(reader.members()).isEmpty();
        assertThat(reader.replicas()).singleElement().satisfies(r -> {
            assertThat(r.space()).isEqualTo("a");
            assertThat(r.commitIndex()).isZero();
            assertThat(r.followerMatch()).isEmpty();
            assertThat(r.entries()).isEqualTo(5);
        });
        NodeStatus admin = StatusView.of(full, on("*", Role.ADMIN));
        assertThat(admin).isEqualTo(full);
        assertThat(StatusView.of(full, on("c", Role.WRITE)).replicas()).isEmpty();
    }
}

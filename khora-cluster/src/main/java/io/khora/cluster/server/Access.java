package io.khora.cluster.server;

import io.khora.cluster.protocol.Request;
import io.khora.cluster.raft.Command;
import io.khora.cluster.server.security.Role;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What each request needs: the one table of the client protocol's authorization (docs/architecture.md,
 * "Security", has the same table). Roles are per space; {@link Request.Status} needs only an
 * authenticated principal, and its answer is cut to what the principal's roles show
 * ({@link StatusView}).
 *
 * <pre>
 * HELLO, AUTH                                    nothing (the only requests before authentication)
 * UNSUBSCRIBE, STATUS                            authenticated (STATUS: summary with read, details with admin)
 * LAYOUT                                         any role on the space (every client routes by it)
 * DECLARE                                        read or write (a writer declares its types too)
 * READ_BY_ID, COUNT, SUBSCRIBE                   read
 * QUERY                                          read; write if it takes
 * MUTATE write, take, change, renew, tx prepare/commit/abort   write
 * MUTATE clear                                   admin
 * MUTATE outbox ack, mirror lease; OUTBOX_PULL   mirror
 * </pre>
 *
 * @param space the space the role is needed on (null: none)
 * @param roles the roles of which one is needed (empty: none)
 * @param beforeAuthentication whether the request is accepted before the connection authenticated
 * @param what how a refusal names the request
 */
record Access(String space, Set<Role> roles, boolean beforeAuthentication, String what) {
    private static final Access NOTHING = new Access(null, Set.of(), true, "");
    private static final Access AUTHENTICATED = new Access(null, Set.of(), false, "");

    private Access(String space, Role role, String what) {
        this(space, Set.of(role), false, what);
    }

    /** Whether {@code grants} allow it. */
    boolean allowedBy(io.khora.cluster.server.security.Grants grants) {
        return roles.isEmpty() || roles.stream().anyMatch(r -> grants.allows(space, r));
    }

    /** How a refusal names the roles needed: {@code the role 'write'}, {@code one of the roles [read, write]}. */
    String needed() {
        List<String> names = roles.stream().sorted().map(Role::fileName).toList();
        return names.size() == 1 ? "the role '" + names.get(0) + "'" : "one of the roles " + names;
    }

    /** What {@code r} needs. */
    static Access of(Request r) {
        if (r instanceof Request.Hello || r instanceof Request.Auth) {
            return NOTHING;
        } else if (r instanceof Request.Unsubscribe || r instanceof Request.Status) {
            return AUTHENTICATED;
        } else if (r instanceof Request.Layout l) {
            return new Access(l.space(), EnumSet.allOf(Role.class), false, "see the layout of");
        } else if (r instanceof Request.Declare d) {
            return new Access(d.space(), EnumSet.of(Role.READ, Role.WRITE), false, "declare types in");
        } else if (r instanceof Request.ReadById rb) {
            return new Access(rb.space(), Role.READ, "read");
        } else if (r instanceof Request.Count c) {
            return new Access(c.space(), Role.READ, "count in");
        } else if (r instanceof Request.Subscribe s) {
            return new Access(s.space(), Role.READ, "subscribe to");
        } else if (r instanceof Request.Query q) {
            return q.take() ? new Access(q.space(), Role.WRITE, "take from") : new Access(q.space(), Role.READ, "read");
        } else if (r instanceof Request.OutboxPull o) {
            return new Access(o.space(), Role.MIRROR, "pull the write-behind outbox of");
        } else if (r instanceof Request.Mutate m) {
            Command c = m.command();
            if (c instanceof Command.Clear) {
                return new Access(m.space(), Role.ADMIN, "clear");
            } else if (c instanceof Command.OutboxAck) {
                return new Access(m.space(), Role.MIRROR, "acknowledge the write-behind outbox of");
            } else if (c instanceof Command.MirrorLease) {
                return new Access(m.space(), Role.MIRROR, "hold the mirror lease of");
            }
            return new Access(m.space(), Role.WRITE, "write to");
        }
        throw new IllegalArgumentException("no access rule for request " + r.getClass().getSimpleName());
    }
}

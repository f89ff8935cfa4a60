package io.khora.cluster.server;

import io.khora.cluster.protocol.Request;
import io.khora.cluster.raft.Command;
import io.khora.cluster.server.security.Role;

/**
 * What each request needs: the one table of the client protocol's authorization (docs/architecture.md,
 * "Security", has the same table). Roles are per space; {@link Request.Status} needs only an
 * authenticated principal, and its answer is cut to what the principal's roles show
 * ({@link StatusView}).
 *
 * <pre>
 * HELLO, AUTH                                    nothing (the only requests before authentication)
 * UNSUBSCRIBE, STATUS                            authenticated (STATUS: summary with read, details with admin)
 * LAYOUT, DECLARE, READ_BY_ID, COUNT, SUBSCRIBE  read
 * QUERY                                          read; write if it takes
 * MUTATE write, take, change, renew, tx prepare/commit/abort   write
 * MUTATE clear                                   admin
 * MUTATE outbox ack, mirror lease; OUTBOX_PULL   mirror
 * </pre>
 *
 * @param space the space the role is needed on (null: none)
 * @param role the role needed (null: none)
 * @param beforeAuthentication whether the request is accepted before the connection authenticated
 * @param what how a refusal names the request
 */
record Access(String space, Role role, boolean beforeAuthentication, String what) {
    private static final Access NOTHING = new Access(null, null, true, "");
    private static final Access AUTHENTICATED = new Access(null, null, false, "");

    /** What {@code r} needs. */
    static Access of(Request r) {
        if (r instanceof Request.Hello || r instanceof Request.Auth) {
            return NOTHING;
        } else if (r instanceof Request.Unsubscribe || r instanceof Request.Status) {
            return AUTHENTICATED;
        } else if (r instanceof Request.Layout l) {
            return new Access(l.space(), Role.READ, false, "see the layout of");
        } else if (r instanceof Request.Declare d) {
            return new Access(d.space(), Role.READ, false, "declare types in");
        } else if (r instanceof Request.ReadById rb) {
            return new Access(rb.space(), Role.READ, false, "read");
        } else if (r instanceof Request.Count c) {
            return new Access(c.space(), Role.READ, false, "count in");
        } else if (r instanceof Request.Subscribe s) {
            return new Access(s.space(), Role.READ, false, "subscribe to");
        } else if (r instanceof Request.Query q) {
            return q.take() ? new Access(q.space(), Role.WRITE, false, "take from") : new Access(q.space(), Role.READ, false, "read");
        } else if (r instanceof Request.OutboxPull o) {
            return new Access(o.space(), Role.MIRROR, false, "pull the write-behind outbox of");
        } else if (r instanceof Request.Mutate m) {
            Command c = m.command();
            if (c instanceof Command.Clear) {
                return new Access(m.space(), Role.ADMIN, false, "clear");
            } else if (c instanceof Command.OutboxAck) {
                return new Access(m.space(), Role.MIRROR, false, "acknowledge the write-behind outbox of");
            } else if (c instanceof Command.MirrorLease) {
                return new Access(m.space(), Role.MIRROR, false, "hold the mirror lease of");
            }
            return new Access(m.space(), Role.WRITE, false, "write to");
        }
        throw new IllegalArgumentException("no access rule for request " + r.getClass().getSimpleName());
    }
}

package io.khora.cluster.server.security;

import java.util.Objects;

/**
 * Who a connection authenticated as, and what it may do.
 *
 * @param name the user name, the node id, or {@code anonymous}
 * @param kind how it authenticated
 * @param grants its roles per space
 */
public record Principal(String name, Kind kind, Grants grants) {
    /** How a principal authenticated. */
    public enum Kind {
        /** A user of {@code users.yaml}, by password (SCRAM-SHA-256) or by client certificate. */
        USER,
        /** A node of the cluster, by its certificate (CN = node id): every role. */
        NODE,
        /** Nobody: the node runs with {@code security: none}, every role. */
        ANONYMOUS
    }

    /** Anyone, on a node with {@code security: none}. */
    public static final Principal ANONYMOUS = new Principal("anonymous", Kind.ANONYMOUS, Grants.ALL);

    /** Checks the components. */
    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(grants, "grants");
    }

    /** Node {@code id}'s principal. */
    public static Principal node(String id) {
        return new Principal(id, Kind.NODE, Grants.ALL);
    }

    /** How error messages name it: {@code user 'app'}, {@code node 'n2'}. */
    public String describe() {
        return switch (kind) {
            case USER -> "user '" + name + "'";
            case NODE -> "node '" + name + "'";
            case ANONYMOUS -> "anonymous";
        };
    }
}

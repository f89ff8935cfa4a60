package io.khora.cluster.server.security;

import java.util.Objects;

/**
 * One user of {@code users.yaml}.
 *
 * @param name the user name (letters, digits, '_', '.', '-')
 * @param scram the password credential, or null if the user has no password
 * @param certificate whether the user may authenticate with a client certificate whose CN is its name
 * @param grants its roles per space
 */
public record User(String name, ScramCredential scram, boolean certificate, Grants grants) {
    /** Checks the components. */
    public User {
        checkName(name);
        Objects.requireNonNull(grants, "grants");
        if (scram == null && !certificate) {
            throw new IllegalArgumentException("user '" + name + "' has neither a scram-sha-256 credential nor certificate: true;"
                    + " it could never authenticate");
        }
    }

    /** Fails unless {@code name} is a valid user name. */
    static void checkName(String name) {
        if (name == null || name.isEmpty() || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("user name '" + name + "' must be non-empty letters, digits, '_', '.' or '-'");
        }
    }
}

package io.khora.cluster.server.security;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a principal may do on a space (see docs/architecture.md, "Security", for the request kinds
 * each role allows). Roles do not imply one another: {@code write} does not include {@code read}.
 */
public enum Role {
    /** Layouts, reads, queries without take, counts, subscriptions, type declarations, the status summary. */
    READ,
    /** Writes, takes, changes, lease renewals, transactions. */
    WRITE,
    /** Clear, and the status details (replica lag, members). */
    ADMIN,
    /** The write-behind outbox: pull, acknowledge, the mirror lease. Nothing else may send those. */
    MIRROR;

    /** The role's name in {@code users.yaml}: {@code read}, {@code write}, {@code admin}, {@code mirror}. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code name} in a file; {@code where} prefixes the error for an unknown name. */
    public static Role parse(String name, String where) {
        for (Role r : values()) {
            if (r.fileName().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException(where + ": unknown role '" + name + "' (known: "
                + Arrays.stream(values()).map(Role::fileName).toList() + ")");
    }
}

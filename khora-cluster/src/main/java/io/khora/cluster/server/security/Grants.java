package io.khora.cluster.server.security;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A principal's roles per space; the space {@code "*"} stands for every space (its roles add to a
 * named space's).
 *
 * @param bySpace the roles per space name (or {@code "*"})
 */
public record Grants(Map<String, Set<Role>> bySpace) {
    /** The space name that stands for every space. */
    public static final String EVERY_SPACE = "*";

    /** Every role on every space (a node's internal clients; a node with {@code security: none}). */
    public static final Grants ALL = new Grants(Map.of(EVERY_SPACE, EnumSet.allOf(Role.class)));

    /** Checks and copies the components. */
    public Grants {
        Objects.requireNonNull(bySpace, "bySpace");
        Map<String, Set<Role>> copy = new LinkedHashMap<>();
        bySpace.forEach((space, roles) -> copy.put(Objects.requireNonNull(space, "space"),
                roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles))));
        bySpace = java.util.Collections.unmodifiableMap(copy);
    }

    /** Whether {@code role} is granted on {@code space} (by its own entry or by {@code "*"}). */
    public boolean allows(String space, Role role) {
        Set<Role> own = bySpace.get(space);
        Set<Role> every = bySpace.get(EVERY_SPACE);
        return (own != null && own.contains(role)) || (every != null && every.contains(role));
    }

    /** Whether {@code role} is granted on some space. */
    public boolean allowsAnywhere(Role role) {
        return bySpace.values().stream().anyMatch(r -> r.contains(role));
    }

    /** The roles granted on {@code space}, its own and those of {@code "*"}. */
    public Set<Role> on(String space) {
        EnumSet<Role> out = EnumSet.noneOf(Role.class);
        out.addAll(bySpace.getOrDefault(space, Set.of()));
        out.addAll(bySpace.getOrDefault(EVERY_SPACE, Set.of()));
        return out;
    }
}

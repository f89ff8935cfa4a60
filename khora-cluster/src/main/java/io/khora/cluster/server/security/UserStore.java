package io.khora.cluster.server.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Adds users to a {@code users.yaml} (what {@code khora certs} calls): existing users are kept as they
 * are and never overwritten; {@link #save} writes the file with mode 0600. Passwords are never
 * stored, only their {@link ScramCredential}.
 *
 * <pre>{@code
 * UserStore users = UserStore.open(dir.resolve("users.yaml"));
 * char[] password = UserStore.newPassword();
 * users.addPasswordUser("app", password, Map.of("orders", EnumSet.of(Role.READ, Role.WRITE)));
 * users.save();
 * }</pre>
 */
public final class UserStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path file;
    private final Map<String, User> users;

    private UserStore(Path file, Map<String, User> users) {
        this.file = file;
        this.users = new LinkedHashMap<>(users);
    }

    /** The users of {@code file}, or none if it does not exist yet. */
    public static UserStore open(Path file) {
        Objects.requireNonNull(file, "file");
        return new UserStore(file, Files.exists(file) ? UsersFile.load(file) : Map.of());
    }

    /** A new random password: 24 characters of base64url (144 bits). */
    public static char[] newPassword() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
    }

    /** Whether a user of that name exists. */
    public boolean contains(String name) {
        return users.containsKey(name);
    }

    /** The users, by name. */
    public Map<String, User> users() {
        return Map.copyOf(users);
    }

    /** Adds a user who authenticates with {@code password} (SCRAM-SHA-256); fails if {@code name} exists. */
    public void addPasswordUser(String name, char[] password, Map<String, Set<Role>> roles) {
        add(new User(name, ScramCredential.of(password), false, new Grants(roles)));
    }

    /** Adds a user who authenticates with a client certificate whose CN is {@code name}; fails if {@code name} exists. */
    public void addCertificateUser(String name, Map<String, Set<Role>> roles) {
        add(new User(name, null, true, new Grants(roles)));
    }

    /** Adds {@code user}; fails if its name exists (users are never overwritten). */
    public void add(User user) {
        if (users.containsKey(user.name())) {
            throw new IllegalArgumentException(file + ": user '" + user.name() + "' exists already; it is not overwritten");
        }
        users.put(user.name(), user);
    }

    /** Writes the file (atomically, mode 0600 where the file system has modes). */
    public void save() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".users", ".yaml");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            Files.writeString(tmp, format());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The file's text. */
    String format() {
        StringBuilder b = new StringBuilder("# Khora users: SCRAM-SHA-256 credentials (never passwords) and roles per space (\"*\": every space)\n");
        b.append("users:\n");
        for (User u : users.values()) {
            b.append("  ").append(u.name()).append(":\n");
            if (u.scram() != null) {
                b.append("    scram-sha-256: \"").append(u.scram().format()).append("\"\n");
            }
            if (u.certificate()) {
                b.append("    certificate: true\n");
            }
            b.append("    roles: {");
            String sep = "";
            for (Map.Entry<String, Set<Role>> e : u.grants().bySpace().entrySet()) {
                b.append(sep).append('"').append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\"")).append("\": [");
                b.append(String.join(", ", e.getValue().stream().sorted().map(Role::fileName).toList())).append(']');
                sep = ", ";
            }
            b.append("}\n");
        }
        return b.toString();
    }
}

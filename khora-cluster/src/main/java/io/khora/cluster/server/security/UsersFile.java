package io.khora.cluster.server.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code users.yaml}, strictly: an unknown key is an error naming the file, the user and the key.
 *
 * <pre>
 * users:
 *   admin:
 *     scram-sha-256: "&lt;salt base64&gt;:&lt;iterations&gt;:&lt;stored key base64&gt;:&lt;server key base64&gt;"
 *     roles: {"*": [read, write, admin, mirror]}
 *   mirror:
 *     certificate: true            # authenticates with a client certificate whose CN is "mirror"
 *     roles: {"*": [mirror]}
 * </pre>
 */
public final class UsersFile {
    private static final Logger LOG = LoggerFactory.getLogger(UsersFile.class);
    private static final List<String> USER_KEYS = List.of("scram-sha-256", "certificate", "roles");

    private UsersFile() {
    }

    /** The users of {@code file}, by name, in the file's order. */
    public static Map<String, User> load(Path file) {
        Object parsed;
        try (Reader r = Files.newBufferedReader(file)) {
            parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("users file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("users file " + file + " cannot be read: " + e);
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage());
        }
        warnIfReadableByOthers(file);
        if (parsed == null) {
            return Map.of();
        }
        Map<String, Object> root = mapping(parsed, file + "");
        for (String k : root.keySet()) {
            if (!k.equals("users")) {
                throw new IllegalArgumentException(file + ": unknown top-level key '" + k + "' (known: users)");
            }
        }
        Object users = root.get("users");
        Map<String, User> out = new LinkedHashMap<>();
        if (users == null) {
            return out;
        }
        mapping(users, file + ": users").forEach((name, o) -> out.put(name, user(file, name, o)));
        return out;
    }

    private static User user(Path file, String name, Object o) {
        String at = file + ": user '" + name + "'";
        Map<String, Object> m = mapping(o, at);
        for (String k : m.keySet()) {
            if (!USER_KEYS.contains(k)) {
                throw new IllegalArgumentException(at + ": unknown key '" + k + "' (known: " + USER_KEYS + ")");
            }
        }
        ScramCredential scram = m.get("scram-sha-256") == null ? null
                : ScramCredential.parse(String.valueOf(m.get("scram-sha-256")), at + ": scram-sha-256");
        Object cert = m.getOrDefault("certificate", false);
        if (!(cert instanceof Boolean)) {
            throw new IllegalArgumentException(at + ": certificate must be true or false, got '" + cert + "'");
        }
        Map<String, Set<Role>> roles = new LinkedHashMap<>();
        if (m.get("roles") == null) {
            throw new IllegalArgumentException(at + ": 'roles' is required (e.g. roles: {\"*\": [read]})");
        }
        mapping(m.get("roles"), at + ": roles").forEach((space, list) -> {
            String where = at + ": roles of space '" + space + "'";
            if (!(list instanceof List<?> l)) {
                throw new IllegalArgumentException(where + ": expected a list of roles, got '" + list + "'");
            }
            EnumSet<Role> set = EnumSet.noneOf(Role.class);
            for (Object r : l) {
                set.add(Role.parse(String.valueOf(r), where));
            }
            roles.put(space, set);
        });
        try {
            return new User(name, scram, (Boolean) cert, new Grants(roles));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("{} is readable by other users (mode {}); it should be 0600", file,
                        java.nio.file.attribute.PosixFilePermissions.toString(p));
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Object o, String at) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(at + ": expected a mapping, got '" + o + "'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<Object, Object>) o).forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}

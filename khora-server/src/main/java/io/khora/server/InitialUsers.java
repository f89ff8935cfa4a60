package io.khora.server;

import io.khora.cluster.server.security.NewFiles;
import io.khora.cluster.server.security.SecurityDirectory;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The users {@code khora certs} creates in {@code users.yaml} (the format of the security design, which the node reads):
 * users with a generated password — the password in {@code <user>.password} (mode 0600, printed once),
 * only its SCRAM-SHA-256 credential in {@code users.yaml} — and users that authenticate with their
 * client certificate ({@code certificate: true}).
 *
 * <p>Kept apart on purpose: the node reads {@code users.yaml} with the client security's own
 * reader, which also computes SCRAM credentials; this writer and that reader should become one
 * place. Roles: {@code admin} gets every role on every space, a certificate user named
 * {@code mirror} the mirror role, any other user read and write (edit the file for others).
 *
 * <p>Never overwrites: users already in the file are kept as they are; a missing user is appended
 * (the existing text is kept byte for byte); an existing {@code <user>.password} is used, not replaced.
 */
final class InitialUsers {
    /** The file name in the security directory. */
    static final String FILE = "users.yaml";
    /** PBKDF2 iterations of a new credential (RFC 7677's minimum). */
    static final int ITERATIONS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private InitialUsers() {
    }

    /** What {@link #ensure} did: lines to print, and the passwords generated now (user → password), to print once. */
    record Outcome(List<String> lines, Map<String, String> newPasswords) {
    }

    /** Makes {@code dir/users.yaml} hold {@code passwordUsers} and {@code certificateUsers}; see the class comment. */
    static Outcome ensure(Path dir, List<String> passwordUsers, List<String> certificateUsers) throws IOException {
        Set<String> all = new LinkedHashSet<>();
        for (String u : passwordUsers) {
            SecurityDirectory.checkName("user name", u);
            if (!all.add(u)) {
                throw new IllegalArgumentException("user '" + u + "' is given twice");
            }
        }
        for (String u : certificateUsers) {
            if (!all.add(u)) {
                throw new IllegalArgumentException("'" + u + "' is both a user with a password (--users) and a client certificate (--client-certs)");
            }
        }
        Path file = dir.resolve(FILE);
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        Set<String> present = existing == null ? Set.of() : users(existing, file);
        List<String> lines = new ArrayList<>();
        Map<String, String> generated = new java.util.LinkedHashMap<>();
        StringBuilder add = new StringBuilder();
        for (String u : passwordUsers) {
            if (present.contains(u)) {
                lines.add(FILE + ": user " + u + " exists, kept");
                continue;
            }
            Path pwFile = dir.resolve(u + ".password");
            String password;
            if (Files.exists(pwFile)) {
                password = Files.readString(pwFile, StandardCharsets.UTF_8).strip();
                if (password.isEmpty()) {
                    throw new IllegalArgumentException(pwFile + " is empty: delete it to have a password generated");
                }
                lines.add(FILE + ": user " + u + " added with the password in " + pwFile + " (kept)");
            } else {
                password = newPassword();
                NewFiles.writeSecret(pwFile, password + "\n");
                generated.put(u, password);
                lines.add(FILE + ": user " + u + " added; its password is in " + pwFile + " (mode 0600)");
            }
            add.append("  ").append(u).append(":\n")
                    .append("    scram-sha-256: \"").append(scramSha256(password.toCharArray())).append("\"\n")
                    .append("    roles: ").append(u.equals("admin") ? "{\"*\": [read, write, admin, mirror]}" : "{\"*\": [read, write]}").append('\n');
        }
        for (String u : certificateUsers) {
            if (present.contains(u)) {
                lines.add(FILE + ": user " + u + " exists, kept");
                continue;
            }
            add.append("  ").append(u).append(":\n")
                    .append("    certificate: true          # authenticates with a client certificate whose CN is \"").append(u).append("\"\n")
                    .append("    roles: ").append(u.equals("mirror") ? "{\"*\": [mirror]}" : "{\"*\": [read, write]}").append('\n');
            lines.add(FILE + ": user " + u + " added (authenticates with " + u + ".pem)");
        }
        if (add.length() == 0) {
            return new Outcome(lines, generated);
        }
        String text;
        if (existing == null) {
            text = "# Khora users: SCRAM-SHA-256 credentials (never passwords) or client certificates, and roles per space (\"*\" = every space).\n"
                    + "users:\n" + add;
            NewFiles.writeSecret(file, text);
        } else {
            text = existing + (existing.endsWith("\n") ? "" : "\n") + add;
            Set<String> after = users(text, file);
            if (!after.containsAll(all)) {
                throw new IllegalArgumentException(file + " is not in the block form khora certs writes, so users " + all
                        + " cannot be appended to it: add them by hand");
            }
            Path tmp = dir.resolve("." + FILE + ".new");
            Files.deleteIfExists(tmp);
            NewFiles.writeSecret(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return new Outcome(lines, generated);
    }

    /** The user names of a users.yaml text. */
    private static Set<String> users(String text, Path file) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage());
        }
        if (root instanceof Map<?, ?> m && m.get("users") instanceof Map<?, ?> users) {
            Set<String> out = new LinkedHashSet<>();
            users.keySet().forEach(k -> out.add(String.valueOf(k)));
            return out;
        }
        if (root instanceof Map<?, ?> m && m.containsKey("users") && m.get("users") == null) {
            return Set.of();
        }
        throw new IllegalArgumentException(file + ": expected a mapping 'users:' of user names");
    }

    /** A random password: 18 bytes from SecureRandom, base64url (24 characters, 144 bits). */
    static String newPassword() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** {@code "<salt>:<iterations>:<stored key>:<server key>"} (base64) for {@code password}: RFC 5802/7677 through com.ongres.scram. */
    static String scramSha256(char[] password) {
        byte[] salt = ScramFunctions.salt(16, RANDOM);
        byte[] salted = ScramFunctions.saltedPassword(ScramMechanism.SCRAM_SHA_256, StringPreparation.SASL_PREPARATION, password, salt, ITERATIONS);
        byte[] stored = ScramFunctions.storedKey(ScramMechanism.SCRAM_SHA_256, ScramFunctions.clientKey(ScramMechanism.SCRAM_SHA_256, salted));
        byte[] server = ScramFunctions.serverKey(ScramMechanism.SCRAM_SHA_256, salted);
        Base64.Encoder e = Base64.getEncoder();
        return e.encodeToString(salt) + ":" + ITERATIONS + ":" + e.encodeToString(stored) + ":" + e.encodeToString(server);
    }
}

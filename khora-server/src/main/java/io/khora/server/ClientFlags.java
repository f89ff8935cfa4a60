package io.khora.server;

import io.khora.cluster.client.ClientSecurity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The client security flags of {@code khora status} and {@code khora mirror}: {@code --tls-ca},
 * {@code --tls-cert}/{@code --tls-key}, {@code --user} with {@code --password-file} (or the
 * environment variable {@code KHORA_PASSWORD}), {@code --tls off}, or {@code --security-dir DIR}: the
 * directory {@code khora certs} wrote — its {@code ca.pem}, and unless a user or certificate is given,
 * the command's usual identity there ({@code <identity>.pem}/{@code <identity>-key.pem} if present,
 * else {@code <identity>.password}).
 */
final class ClientFlags {
    /** The flags. */
    static final List<String> NAMES = List.of("tls", "tls-ca", "tls-cert", "tls-key", "user", "password-file", "security-dir");

    private ClientFlags() {
    }

    /** The security the flags give, or null if none of them is given. */
    static ClientSecurity security(Map<String, String> flags, String identity, Map<String, String> env) {
        if (NAMES.stream().noneMatch(flags::containsKey)) {
            return null;
        }
        ClientSecurity s = ClientSecurity.defaults();
        String tls = flags.getOrDefault("tls", "on");
        if (!tls.equals("on") && !tls.equals("off")) {
            throw new IllegalArgumentException("--tls: '" + tls + "' must be on or off");
        }
        Path dir = flags.containsKey("security-dir") ? Path.of(flags.get("security-dir")) : null;
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--security-dir: " + dir + " is not a directory");
        }
        if (flags.containsKey("tls-cert") != flags.containsKey("tls-key")) {
            throw new IllegalArgumentException("a client certificate needs both --tls-cert and --tls-key");
        }
        String user = flags.get("user");
        Path cert = flags.containsKey("tls-cert") ? file(flags.get("tls-cert"), "--tls-cert") : null;
        Path key = flags.containsKey("tls-key") ? file(flags.get("tls-key"), "--tls-key") : null;
        Path passwordFile = flags.containsKey("password-file") ? file(flags.get("password-file"), "--password-file") : null;
        if (dir != null && user == null && cert == null) {
            if (Files.isRegularFile(dir.resolve(identity + ".pem")) && Files.isRegularFile(dir.resolve(identity + "-key.pem"))) {
                cert = dir.resolve(identity + ".pem");
                key = dir.resolve(identity + "-key.pem");
            } else if (Files.isRegularFile(dir.resolve(identity + ".password"))) {
                user = identity;
                passwordFile = dir.resolve(identity + ".password");
            }
        }
        if (tls.equals("off")) {
            if (flags.containsKey("tls-ca") || cert != null) {
                throw new IllegalArgumentException("--tls off contradicts --tls-ca/--tls-cert");
            }
            s = s.withoutTls();
        } else {
            Path ca = flags.containsKey("tls-ca") ? file(flags.get("tls-ca"), "--tls-ca") : dir == null ? null : file(dir.resolve("ca.pem").toString(),
                    "--security-dir");
            if (ca == null) {
                throw new IllegalArgumentException("give --tls-ca <ca.pem> (or --security-dir DIR), or --tls off for nodes started with --security none");
            }
            s = cert == null ? s.withTls(ca) : s.withTls(ca, cert, key);
        }
        if (passwordFile != null && user == null) {
            throw new IllegalArgumentException("--password-file needs --user");
        }
        if (user != null) {
            if (passwordFile != null) {
                s = s.withCredentials(user, passwordFile);
            } else {
                String p = env.get("KHORA_PASSWORD");
                if (p == null || p.isEmpty()) {
                    throw new IllegalArgumentException("--user " + user + " needs --password-file or the environment variable KHORA_PASSWORD");
                }
                s = s.withCredentials(user, p.toCharArray());
            }
        }
        return s;
    }

    private static Path file(String path, String flag) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(flag + ": file " + p + " does not exist");
        }
        return p;
    }
}

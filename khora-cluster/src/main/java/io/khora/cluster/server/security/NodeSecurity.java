package io.khora.cluster.server.security;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A node's security settings: the PEM files of the cluster CA, of the node's certificate and key,
 * and {@code users.yaml} — usually all from one directory written by {@code khora certs}
 * ({@link #directory}) — or {@link #none()}: plain TCP, no authentication, every client may do
 * everything. {@link #load} reads and checks the files.
 */
public final class NodeSecurity {
    /** The TLS versions the client port speaks. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Path ca;
    private final Path cert;
    private final Path key;
    private final Path users;

    private NodeSecurity(Path ca, Path cert, Path key, Path users) {
        this.ca = ca;
        this.cert = cert;
        this.key = key;
        this.users = users;
    }

    /** No security: plain TCP, no authentication (the node logs a WARN at start). */
    public static NodeSecurity none() {
        return new NodeSecurity(null, null, null, null);
    }

    /** {@code ca.pem}, {@code <nodeId>.pem}, {@code <nodeId>-key.pem} and {@code users.yaml} of {@code dir}. */
    public static NodeSecurity directory(Path dir, String nodeId) {
        Objects.requireNonNull(dir, "dir");
        return files(dir.resolve("ca.pem"), dir.resolve(nodeId + ".pem"), dir.resolve(nodeId + "-key.pem"), dir.resolve("users.yaml"));
    }

    /** The files one by one: the CA certificate, the node's certificate and private key (PKCS#8 PEM), the users. */
    public static NodeSecurity files(Path ca, Path cert, Path key, Path users) {
        return new NodeSecurity(Objects.requireNonNull(ca, "ca"), Objects.requireNonNull(cert, "cert"), Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(users, "users"));
    }

    /** Whether TLS and authentication are on. */
    public boolean enabled() {
        return ca != null;
    }

    /** The cluster CA's certificate (null if off). */
    public Path ca() {
        return ca;
    }

    /** The node's certificate (null if off). */
    public Path cert() {
        return cert;
    }

    /** The node's private key (null if off). */
    public Path key() {
        return key;
    }

    /** The users file (null if off). */
    public Path users() {
        return users;
    }

    /**
     * Reads the files: the server's TLS context (the node's certificate; client certificates are
     * requested, not required, and checked against the CA) and the users.
     *
     * @throws IllegalArgumentException naming a missing or unreadable file
     */
    public Loaded load() {
        if (!enabled()) {
            return new Loaded(null, Map.of());
        }
        exists(ca, "CA certificate");
        exists(cert, "certificate");
        exists(key, "private key");
        exists(users, "users file");
        SslContext ssl;
        try {
            ssl = SslContextBuilder.forServer(cert.toFile(), key.toFile())
                    .trustManager(ca.toFile())
                    .clientAuth(ClientAuth.OPTIONAL)
                    .protocols(PROTOCOLS)
                    .build();
        } catch (Exception e) {
            throw new IllegalArgumentException("security: cannot use certificate " + cert + " with key " + key + " and CA " + ca + ": " + e, e);
        }
        return new Loaded(ssl, UsersFile.load(users));
    }

    private static void exists(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("security: the " + what + " " + p + " does not exist (khora certs writes it)");
        }
    }

    /**
     * What {@link #load} read.
     *
     * @param serverTls the client port's TLS context (null: security off)
     * @param users the users by name
     */
    public record Loaded(SslContext serverTls, Map<String, User> users) {
        /** Copies the users. */
        public Loaded {
            users = Map.copyOf(users);
        }
    }

    @Override
    public String toString() {
        return enabled() ? "security (CA " + ca + ", certificate " + cert + ", users " + users + ")" : "security: none";
    }
}

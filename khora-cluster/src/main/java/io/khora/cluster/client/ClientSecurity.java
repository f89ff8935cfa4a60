package io.khora.cluster.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a client secures its connections: TLS (on unless turned off; the cluster CA's certificate to
 * trust, an optional client certificate and key, all PEM) and the credentials it authenticates with
 * after HELLO — a user and password (SCRAM-SHA-256), or, without a user, the client certificate
 * (EXTERNAL). Immutable; the password is kept as given and never printed. In a URI: {@code tls-ca},
 * {@code tls-cert}, {@code tls-key}, {@code user}, {@code password-file} (or the environment
 * variable {@code KHORA_PASSWORD}), {@code tls=off}; see {@link KhoraUri}.
 *
 * <p>The client checks the node's certificate against the CA and its name against the host it
 * connects to (the certificate's subject alternative names must hold that host name or IP address,
 * as {@code khora certs --hosts} writes them).
 */
public final class ClientSecurity {
    private static final ClientSecurity DEFAULTS = new ClientSecurity(true, null, null, null, null, null);

    private final boolean tls;
    private final Path ca;
    private final Path cert;
    private final Path key;
    private final String user;
    private final char[] password;

    private ClientSecurity(boolean tls, Path ca, Path cert, Path key, String user, char[] password) {
        this.tls = tls;
        this.ca = ca;
        this.cert = cert;
        this.key = key;
        this.user = user;
        this.password = password;
    }

    /** TLS on, no CA given yet (connecting fails until one is), no credentials. */
    public static ClientSecurity defaults() {
        return DEFAULTS;
    }

    /** TLS trusting the cluster CA's certificate {@code ca} (PEM). */
    public ClientSecurity withTls(Path ca) {
        return new ClientSecurity(true, Objects.requireNonNull(ca, "ca"), cert, key, user, password);
    }

    /** TLS trusting {@code ca}, presenting the client certificate {@code cert} with its private key {@code key} (PEM, PKCS#8). */
    public ClientSecurity withTls(Path ca, Path cert, Path key) {
        return new ClientSecurity(true, Objects.requireNonNull(ca, "ca"), Objects.requireNonNull(cert, "cert"), Objects.requireNonNull(key, "key"),
                user, password);
    }

    /** Plain TCP, for nodes started with {@code security: none}. */
    public ClientSecurity withoutTls() {
        return new ClientSecurity(false, null, null, null, user, password);
    }

    /** Authenticates as {@code user} with {@code password} (SCRAM-SHA-256; the password never leaves the client). */
    public ClientSecurity withCredentials(String user, char[] password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (password.length == 0) {
            throw new IllegalArgumentException("the password of user '" + user + "' is empty");
        }
        return new ClientSecurity(tls, ca, cert, key, user, password.clone());
    }

    /** Authenticates as {@code user} with the password in {@code passwordFile} (its first line). */
    public ClientSecurity withCredentials(String user, Path passwordFile) {
        return withCredentials(user, readPassword(passwordFile, "password file"));
    }

    /** The first line of {@code file}, as a password; {@code what} names it in errors. */
    static char[] readPassword(Path file, String what) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e);
        }
        int end = text.indexOf('\n');
        String line = (end < 0 ? text : text.substring(0, end)).strip();
        if (line.isEmpty()) {
            throw new IllegalArgumentException(what + " " + file + " is empty");
        }
        return line.toCharArray();
    }

    /** Whether connections use TLS. */
    public boolean tls() {
        return tls;
    }

    /** The CA certificate trusted, or null. */
    public Path ca() {
        return ca;
    }

    /** The client certificate, or null. */
    public Path cert() {
        return cert;
    }

    /** The client certificate's key, or null. */
    public Path key() {
        return key;
    }

    /** The user to authenticate as, or null. */
    public String user() {
        return user;
    }

    /** The password (a copy), or null. */
    char[] password() {
        return password == null ? null : password.clone();
    }

    /** Whether the client authenticates at all (a user, or a client certificate over TLS). */
    public boolean authenticates() {
        return user != null || (tls && cert != null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientSecurity s && tls == s.tls && Objects.equals(ca, s.ca) && Objects.equals(cert, s.cert)
                && Objects.equals(key, s.key) && Objects.equals(user, s.user) && Arrays.equals(password, s.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tls, ca, cert, key, user);
    }

    @Override
    public String toString() {
        return (tls ? "tls (ca " + ca + (cert == null ? "" : ", certificate " + cert) + ")" : "tls=off")
                + (user == null ? "" : ", user " + user + " (password hidden)");
    }
}

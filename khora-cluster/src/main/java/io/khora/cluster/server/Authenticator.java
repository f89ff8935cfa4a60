package io.khora.cluster.server;

import io.khora.AuthenticationException;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.server.security.AuthThrottle;
import io.khora.cluster.server.security.LogLimiter;
import io.khora.cluster.server.security.Principal;
import io.khora.cluster.server.security.ScramExchange;
import io.khora.cluster.server.security.User;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates a node's client connections (AUTH requests): SCRAM-SHA-256 against
 * {@code users.yaml}, or EXTERNAL — the TLS client certificate the handshake verified against the
 * cluster CA, whose CN names a node of the cluster (every role) or a user with
 * {@code certificate: true}. Failed attempts are counted per remote address ({@link AuthThrottle})
 * and logged, at most one line per address every 10 s ({@link LogLimiter}). With security off every
 * connection is {@link Principal#ANONYMOUS}.
 */
final class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    /** The SASL mechanism of a TLS client certificate. */
    static final String EXTERNAL = "EXTERNAL";

    private final String nodeId;
    private final boolean enabled;
    private final Set<String> nodeIds;
    private final Map<String, User> users;
    private final AuthThrottle throttle;
    private final LogLimiter logs;
    private final byte[] secret = new byte[32];

    Authenticator(String nodeId, boolean enabled, Set<String> nodeIds, Map<String, User> users, AuthThrottle throttle, LogLimiter logs) {
        this.nodeId = nodeId;
        this.enabled = enabled;
        this.nodeIds = Set.copyOf(nodeIds);
        this.users = Map.copyOf(users);
        this.throttle = throttle;
        this.logs = logs;
        new SecureRandom().nextBytes(secret);
    }

    /** With the default throttle (5 failures a minute per address) and log limit (a line per address every 10 s). */
    static Authenticator of(String nodeId, boolean enabled, Set<String> nodeIds, Map<String, User> users) {
        return new Authenticator(nodeId, enabled, nodeIds, users, AuthThrottle.defaults(), new LogLimiter(Duration.ofSeconds(10), System::nanoTime));
    }

    /** Who {@code session} is: its authenticated principal, {@link Principal#ANONYMOUS} with security off, else null. */
    Principal principalOf(ClientSession session) {
        return enabled ? session.principal() : Principal.ANONYMOUS;
    }

    /** Answers one AUTH step: the OK body, or throws {@link AuthenticationException} (generic: it names no space). */
    byte[] authenticate(Request.Auth a, ClientSession session) {
        if (!enabled) {
            return Responses.authStep(true, "security: none".getBytes(StandardCharsets.UTF_8));
        }
        if (session.principal() != null) {
            throw new AuthenticationException("the connection is authenticated already (as " + session.principal().describe() + ")");
        }
        String address = session.remoteAddress();
        long wait = throttle.refusedForMillis(address);
        if (wait > 0) {
            session.scram(null);
            log(address, "refused unchecked: too many failed authentications");
            throw new AuthenticationException("too many failed authentications from " + address + "; try again in "
                    + Math.max(1, wait / 1000) + " s");
        }
        if (a.mechanism().equals(EXTERNAL)) {
            return external(session, address);
        }
        if (!a.mechanism().equals(ScramExchange.MECHANISM)) {
            throw fail(session, address, "unknown mechanism '" + a.mechanism() + "'",
                    "unknown authentication mechanism '" + a.mechanism() + "' (known: " + ScramExchange.MECHANISM + ", " + EXTERNAL + ")");
        }
        String message = new String(a.data(), StandardCharsets.UTF_8);
        ScramExchange x = session.scram();
        try {
            if (x == null) {
                x = new ScramExchange(name -> {
                    User u = users.get(name);
                    return u == null ? null : u.scram();
                }, secret);
                String serverFirst = x.first(message);
                session.scram(x);
                return Responses.authStep(false, serverFirst.getBytes(StandardCharsets.UTF_8));
            }
            String serverFinal = x.last(message);
            User u = users.get(x.user());
            session.authenticated(new Principal(u.name(), Principal.Kind.USER, u.grants()));
            LOG.debug("node {}: {} authenticated user '{}' (SCRAM-SHA-256)", nodeId, address, u.name());
            return Responses.authStep(true, serverFinal.getBytes(StandardCharsets.UTF_8));
        } catch (ScramExchange.ScramFailure e) {
            String user = x == null || x.user() == null ? "?" : x.user();
            throw fail(session, address, "SCRAM-SHA-256 as user '" + user + "': " + e.getMessage(),
                    "authentication as user '" + user + "' failed: wrong user name or password");
        }
    }

    private byte[] external(ClientSession session, String address) {
        X509Certificate cert = session.peerCertificate();
        if (cert == null) {
            throw fail(session, address, "EXTERNAL without a client certificate",
                    "authentication by client certificate failed: the connection presented none");
        }
        String cn = commonName(cert);
        Principal p;
        if (cn != null && nodeIds.contains(cn)) {
            p = Principal.node(cn);
        } else {
            User u = cn == null ? null : users.get(cn);
            if (u == null || !u.certificate()) {
                throw fail(session, address, "EXTERNAL: certificate CN=" + cn + " is neither a node nor a user with certificate: true",
                        "authentication by client certificate CN=" + cn + " failed");
            }
            p = new Principal(u.name(), Principal.Kind.USER, u.grants());
        }
        session.authenticated(p);
        LOG.debug("node {}: {} authenticated as {} (client certificate)", nodeId, address, p.describe());
        return Responses.authStep(true, p.name().getBytes(StandardCharsets.UTF_8));
    }

    /** Counts and logs a failure; the exception the client is answered with. */
    private AuthenticationException fail(ClientSession session, String address, String why, String toClient) {
        session.scram(null);
        int n = throttle.failed(address);
        log(address, why + " (" + n + " failures from this address in the current minute)");
        return new AuthenticationException(toClient);
    }

    /** A TLS handshake with a client failed (no certificate of the cluster CA, say): logged like a failed authentication. */
    void tlsFailed(String address, Throwable cause) {
        log(address, "TLS handshake failed: " + cause);
    }

    private void log(String address, String what) {
        long suppressed = logs.permit(address);
        if (suppressed >= 0) {
            LOG.warn("node {}: failed authentication from {}: {}{}", nodeId, address, what,
                    suppressed > 0 ? " (" + suppressed + " more from this address since the last such line)" : "");
        }
    }

    /** The CN of the certificate's subject, or null. */
    static String commonName(X509Certificate cert) {
        try {
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
        return null;
    }
}

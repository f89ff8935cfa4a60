package io.khora.cluster.client;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.exception.ScramException;

import io.khora.AuthenticationException;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * How one client secures each connection it opens ({@link ClientSecurity}, built once per client):
 * the TLS handler (the cluster CA as the only trust, the node's host name or IP checked against its
 * certificate's subject alternative names, TLSv1.3/1.2), and the authentication after HELLO —
 * SCRAM-SHA-256 for a user and password ({@code com.ongres.scram}'s client, which also checks the
 * node's signature: a node that does not know the password's credential cannot pose as the
 * cluster), EXTERNAL for a client certificate without a user, none otherwise.
 */
final class ClientHandshake {
    /** Plain TCP, no authentication. */
    static final ClientHandshake PLAIN = new ClientHandshake(ClientSecurity.defaults().withoutTls(), null);

    private final ClientSecurity security;
    private final SslContext tls;

    private ClientHandshake(ClientSecurity security, SslContext tls) {
        this.security = security;
        this.tls = tls;
    }

    /**
     * The handshake for {@code s}: reads its PEM files.
     *
     * @throws IllegalArgumentException if TLS is on without a CA, or a file cannot be used
     */
    static ClientHandshake of(ClientSecurity s) {
        if (!s.tls()) {
            return new ClientHandshake(s, null);
        }
        if (s.ca() == null) {
            throw new IllegalArgumentException("no tls-ca given: Khora nodes serve TLS; give tls-ca=<ca.pem> (the cluster CA from"
                    + " khora certs; ClientOptions.withTls), or tls=off for nodes started with security: none");
        }
        try {
            SslContextBuilder b = SslContextBuilder.forClient().trustManager(s.ca().toFile()).protocols("TLSv1.3", "TLSv1.2");
            if (s.cert() != null) {
                b.keyManager(s.cert().toFile(), s.key().toFile());
            }
            return new ClientHandshake(s, b.build());
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot use the TLS files (CA " + s.ca()
                    + (s.cert() == null ? "" : ", certificate " + s.cert() + ", key " + s.key()) + "): " + e, e);
        }
    }

    /** Whether connections use TLS. */
    boolean tls() {
        return tls != null;
    }

    /** Adds the TLS handler for a connection to {@code address} (checking the node's certificate names that host). */
    void install(Channel ch, InetSocketAddress address, long timeoutMillis) {
        SslHandler h = tls.newHandler(ch.alloc(), address.getHostString(), address.getPort());
        h.setHandshakeTimeoutMillis(timeoutMillis);
        SSLEngine engine = h.engine();
        SSLParameters p = engine.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(p);
        ch.pipeline().addFirst("tls", h);
    }

    /** Completes when {@code ch}'s TLS handshake is done (at once without TLS); fails with its cause. */
    CompletableFuture<Void> secured(Channel ch) {
        CompletableFuture<Void> out = new CompletableFuture<>();
        SslHandler h = ch.pipeline().get(SslHandler.class);
        if (h == null) {
            out.complete(null);
        } else {
            h.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    out.complete(null);
                } else {
                    out.completeExceptionally(f.cause());
                }
            });
        }
        return out;
    }

    /**
     * Authenticates connection {@code c} (after its HELLO): completes when the node accepted, fails
     * with {@link AuthenticationException} when it refused (or its signature is wrong).
     */
    CompletableFuture<Void> authenticate(NodeConnection c, long timeoutMillis) {
        if (security.user() != null) {
            return scram(c, timeoutMillis);
        }
        if (tls() && security.cert() != null) {
            return step(c, "EXTERNAL", new byte[0], timeoutMillis).thenApply(s -> null);
        }
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<Void> scram(NodeConnection c, long timeoutMillis) {
        char[] password = security.password();
        ScramClient scram = ScramClient.builder().advertisedMechanisms(List.of("SCRAM-SHA-256")).username(security.user())
                .password(password).build();
        java.util.Arrays.fill(password, '\0');
        String first = scram.clientFirstMessage().toString();
        return step(c, "SCRAM-SHA-256", first.getBytes(StandardCharsets.UTF_8), timeoutMillis).thenCompose(serverFirst -> {
            try {
                scram.serverFirstMessage(new String(serverFirst.data(), StandardCharsets.UTF_8));
            } catch (ScramException | RuntimeException e) {
                throw new CompletionException(refused(c, "its SCRAM server-first message is malformed: " + e.getMessage()));
            }
            String last = scram.clientFinalMessage().toString();
            return step(c, "SCRAM-SHA-256", last.getBytes(StandardCharsets.UTF_8), timeoutMillis);
        }).thenApply(serverFinal -> {
            try {
                scram.serverFinalMessage(new String(serverFinal.data(), StandardCharsets.UTF_8));
            } catch (ScramException | RuntimeException e) {
                throw new CompletionException(refused(c, "its SCRAM signature is wrong (it does not hold user '" + security.user()
                        + "''s credential): " + e.getMessage()));
            }
            if (!serverFinal.done()) {
                throw new CompletionException(refused(c, "it did not complete the SCRAM exchange"));
            }
            return null;
        });
    }

    private static CompletableFuture<Responses.AuthStep> step(NodeConnection c, String mechanism, byte[] data, long timeoutMillis) {
        return c.send(id -> new Request.Auth(id, mechanism, data), timeoutMillis).thenApply(r -> {
            if (r.status() == Status.ERROR) {
                RuntimeException e = Responses.readError(r.body());
                throw new CompletionException(e instanceof AuthenticationException ? new AuthenticationException("node " + c.nodeId()
                        + ": " + e.getMessage()) : e);
            }
            if (r.status() != Status.OK) {
                throw new CompletionException(refused(c, "it answered " + r.status() + " " + text(r)));
            }
            return Responses.readAuthStep(r.body());
        });
    }

    private static String text(Response r) {
        try {
            return Responses.readText(r.body());
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static AuthenticationException refused(NodeConnection c, String why) {
        return new AuthenticationException("node " + c.nodeId() + " cannot be trusted: " + why);
    }

    /** What to add to an error of a connection that failed before or during its handshake. */
    String hint() {
        return tls() ? " (TLS is on: does the node run with security: none? then connect with tls=off)"
                : " (this client has tls=off: does the node serve TLS? then give tls-ca=<ca.pem>)";
    }
}

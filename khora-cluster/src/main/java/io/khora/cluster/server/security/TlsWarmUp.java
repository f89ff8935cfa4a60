package io.khora.cluster.server.security;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;

/**
 * One TLS handshake of a context with itself, in memory (two {@link SSLEngine}s, no sockets), at
 * a node's start: it loads and compiles the TLS and EC code before the node's channels connect.
 * Without it the first handshakes of a cold JVM on a busy machine took over a second each; JGroups
 * resolves two nodes connecting to each other at once by closing one connection, and the longer
 * the handshakes, the likelier a discovery message goes down with it (the nodes then start as
 * separate views and merge seconds later).
 */
final class TlsWarmUp {
    private static final int MAX_STEPS = 100;

    private TlsWarmUp() {
    }

    /** Runs the handshake; fails if the context does not accept its own certificate (mutual authentication). */
    static void handshake(SSLContext context, String[] protocols) throws SSLException {
        SSLEngine client = context.createSSLEngine("warm-up", 0);
        client.setUseClientMode(true);
        client.setEnabledProtocols(protocols);
        SSLEngine server = context.createSSLEngine();
        server.setUseClientMode(false);
        server.setNeedClientAuth(true);
        server.setEnabledProtocols(protocols);
        int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size);
        ByteBuffer toClient = ByteBuffer.allocate(size);
        ByteBuffer app = ByteBuffer.allocate(Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize()));
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < MAX_STEPS; step++) {
            if (done(client) && done(server)) {
                return;
            }
            step(client, empty, toServer, toClient, app);
            step(server, empty, toClient, toServer, app);
        }
        throw new SSLException("the TLS warm-up handshake did not finish in " + MAX_STEPS + " steps");
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s == HandshakeStatus.FINISHED || s == HandshakeStatus.NOT_HANDSHAKING;
    }

    /** Lets {@code e} write what it has to {@code out} and read what {@code in} holds. */
    private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws SSLException {
        runTasks(e);
        if (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            SSLEngineResult r = e.wrap(empty, out);
            check(r);
        }
        runTasks(e);
        in.flip();
        try {
            while (in.hasRemaining() && e.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                SSLEngineResult r = e.unwrap(in, app);
                check(r);
                app.clear();
                runTasks(e);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    break;
                }
            }
        } finally {
            in.compact();
        }
    }

    private static void check(SSLEngineResult r) throws SSLException {
        if (r.getStatus() == SSLEngineResult.Status.CLOSED || r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("the TLS warm-up handshake stopped: " + r);
        }
    }

    private static void runTasks(SSLEngine e) {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
    }
}

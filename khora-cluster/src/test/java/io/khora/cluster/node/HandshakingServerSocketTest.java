package io.khora.cluster.node;

import io.khora.cluster.server.security.TestSecurity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HandshakingServerSocketTest {
    private static final List<String> NODES = List.of("a", "b");

    private static HandshakingServerSocket server(SSLContext ctx, Duration timeout, int max) throws Exception {
        ServerSocket tls = ctx.getServerSocketFactory().createServerSocket();
        ((javax.net.ssl.SSLServerSocket) tls).setNeedClientAuth(true);
        HandshakingServerSocket s = new HandshakingServerSocket(tls, timeout, max);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    private static Socket client(SSLContext ctx, int port) throws Exception {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(60_000); // a hang fails the test instead of stalling the build
        s.startHandshake();
        return s;
    }

    /** Reads until the server closes (end of stream or reset); false if it kept the connection open past the read timeout. */
    private static boolean endsWithin(Socket s) {
        try {
            for (int i = 0; i < 1 << 16; i++) {
                if (s.getInputStream().read() < 0) {
                    return true;
                }
            }
            return false;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    @Test
    void aPeerThatNeverCompletesItsHandshakeDoesNotHoldBackTheNextPeer() throws Exception {
        SSLContext a = TestSecurity.peerContext("a", NODES);
        SSLContext b = TestSecurity.peerContext("b", NODES);
        // a handshake timeout far beyond the test's: a serial accept would hang behind the silent peer
        try (HandshakingServerSocket server = server(a, Duration.ofMinutes(10), 4);
             Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket peer = client(b, server.getLocalPort())) {
                Socket in = accepted.get(60, TimeUnit.SECONDS);
                assertThat(in.getPort()).as("the peer that completed its handshake, not the silent one").isEqualTo(peer.getLocalPort());
                new DataOutputStream(peer.getOutputStream()).writeInt(42);
                assertThat(new DataInputStream(in.getInputStream()).readInt()).isEqualTo(42);
                in.close();
            }
        }
    }

    @Test
    void beyondTheLimitOfHandshakesInProgressANewConnectionIsClosed() throws Exception {
        SSLContext a = TestSecurity.peerContext("a", NODES);
        SSLContext b = TestSecurity.peerContext("b", NODES);
        List<Socket> silent = new ArrayList<>();
        try (HandshakingServerSocket server = server(a, Duration.ofMinutes(10), 2)) {
            CompletableFuture.runAsync(() -> {
                try {
                    server.accept();
                } catch (Exception e) {
                    // closed at the end
                }
            });
            for (int i = 0; i < 2; i++) {
                silent.add(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            }
            // both handshake threads are held; the next connection is closed rather than queued without bound
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) { // until the acceptor has seen the two silent ones
                    try (Socket s = client(b, server.getLocalPort())) {
                        Thread.sleep(100);
                    }
                }
            }).isInstanceOfAny(SocketException.class, javax.net.ssl.SSLException.class, java.io.EOFException.class);
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }

    @Test
    void aFailedHandshakeIsClosedAndTheNextOneAccepted() throws Exception {
        SSLContext a = TestSecurity.peerContext("a", NODES);
        SSLContext b = TestSecurity.peerContext("b", NODES);
        try (HandshakingServerSocket server = server(a, Duration.ofSeconds(30), 4)) {
            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                plain.getOutputStream().write("not TLS at all\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                plain.getOutputStream().flush();
                try (Socket peer = client(b, server.getLocalPort()); Socket in = server.accept()) {
                    assertThat(in.getPort()).isEqualTo(peer.getLocalPort());
                }
                plain.setSoTimeout(30_000);
                assertThat(endsWithin(plain)).as("the plain connection is closed by the server").isTrue();
            }
        }
        // and accept() after close fails as a closed server socket does
        HandshakingServerSocket closed = server(a, Duration.ofSeconds(30), 4);
        closed.close();
        assertThat(closed.isClosed()).isTrue();
        assertThatThrownBy(closed::accept).isInstanceOf(SocketException.class);
    }
}

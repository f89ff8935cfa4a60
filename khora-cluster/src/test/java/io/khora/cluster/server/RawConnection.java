package io.khora.cluster.server;

import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A socket to a node's client port, speaking frames by hand: for what a well-behaved client never
 * sends. Over TLS (trusting the test cluster's CA) to reach a secured node's frame decoder, or plain
 * TCP (to a node with security none, or to test what a peer that never completes a handshake does).
 */
final class RawConnection implements AutoCloseable {
    final Socket socket;
    final DataOutputStream out;
    final DataInputStream in;

    /** Connects to {@code node} from {@code localAddress} (null: any), answers awaited up to {@code readTimeoutMillis}. */
    RawConnection(ClusterSpec.NodeSpec node, String localAddress, int readTimeoutMillis) throws IOException {
        this(node, localAddress, readTimeoutMillis, null);
    }

    /** As the plain constructor; over TLS trusting the CA in {@code caPem} if it is not null (the handshake done here). */
    RawConnection(ClusterSpec.NodeSpec node, String localAddress, int readTimeoutMillis, java.nio.file.Path caPem) throws IOException {
        Socket plain = new Socket();
        if (localAddress != null) {
            plain.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        }
        plain.connect(new InetSocketAddress(node.host(), node.clientPort()), 10_000);
        plain.setSoTimeout(readTimeoutMillis);
        if (caPem == null) {
            socket = plain;
        } else {
            javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) trusting(caPem).getSocketFactory()
                    .createSocket(plain, node.host(), node.clientPort(), true);
            tls.setSoTimeout(readTimeoutMillis);
            tls.startHandshake();
            socket = tls;
        }
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    /** A TLS context trusting only the CA certificate in {@code caPem}. */
    static javax.net.ssl.SSLContext trusting(java.nio.file.Path caPem) throws IOException {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(caPem)) {
            java.security.cert.Certificate ca = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot trust " + caPem + ": " + e, e);
        }
    }

    /** Sends {@code r} as one frame. */
    void send(Request r) throws IOException {
        byte[] frame = ProtocolCodec.encode(r);
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
    }

    /** The next answer frame. */
    Response receive() throws IOException {
        byte[] answer = new byte[in.readInt()];
        in.readFully(answer);
        return ProtocolCodec.decodeResponse(answer);
    }

    /** Sends {@code r} and returns the next answer. */
    Response exchange(Request r) throws IOException {
        send(r);
        return receive();
    }

    /**
     * Reads (and drops) whatever arrives until the node closes the connection: true if it did (end of
     * stream or a reset) within the read timeout, false if it stayed open.
     */
    boolean drainUntilClosed() {
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // dropped
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Writes {@code bytes}; false if the node had closed the connection. */
    boolean trySend(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the node closed the connection: a read ends with end-of-stream (or a reset) within the read timeout. */
    boolean closedByNode() {
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

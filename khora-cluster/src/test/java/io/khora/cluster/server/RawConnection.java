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

/** A plain socket to a node's client port, speaking frames by hand: for what a well-behaved client never sends. */
final class RawConnection implements AutoCloseable {
    final Socket socket;
    final DataOutputStream out;
    final DataInputStream in;

    /** Connects to {@code node} from {@code localAddress} (null: any), answers awaited up to {@code readTimeoutMillis}. */
    RawConnection(ClusterSpec.NodeSpec node, String localAddress, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        }
        socket.connect(new InetSocketAddress(node.host(), node.clientPort()), 10_000);
        socket.setSoTimeout(readTimeoutMillis);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
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

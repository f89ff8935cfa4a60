package io.khora.cluster.client;

import io.khora.OutcomeUnknownException;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.SizeLimits;
import io.khora.cluster.protocol.Status;
import io.netty.channel.nio.NioEventLoopGroup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A connection to a node that does not split its answers (a stand-in speaking raw frames on a real socket). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeConnectionTest {
    @Test
    void anAnswerOverTheClientsFrameLimitFailsItsRequestNamingSizeAndLimitAndTheConnectionGoesOn() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> node = CompletableFuture.runAsync(() -> serve(server));
            NodeConnection c = NodeConnection.open(group, "old", new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                    1, 2, false, 10_000, new SizeLimits(SizeLimits.MIN_FRAME, 1024)).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> c.send(id -> new Request.Status(id), 30_000).join())
                    .hasCauseInstanceOf(OutcomeUnknownException.class)
                    .hasMessageContaining("node old sent a frame of 2621")
                    .hasMessageContaining("over this client's max-frame-size of 131072 bytes (128.0 KiB)");
            assertThat(c.send(id -> new Request.Status(id), 30_000).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
            c.close();
            node.get(30, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    /** Answers HELLO, then the first request with one frame twice the client's limit, then the next normally. */
    private static void serve(ServerSocket server) {
        try (Socket s = server.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            for (int i = 0; i < 3; i++) {
                byte[] frame = new byte[in.readInt()];
                in.readFully(frame);
                Request r = ProtocolCodec.decodeRequest(frame, io.khora.internal.wire.JavaDeserialization.TRUSTED);
                byte[] body = i == 1 ? new byte[2 * SizeLimits.MIN_FRAME] : new byte[0];
                byte[] answer = ProtocolCodec.encode(new Response(r.requestId(), Status.OK, body));
                out.writeInt(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.khora.cluster.server;

import io.khora.internal.logging.RateLimitedLog;
import io.khora.SpaceException;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.internal.wire.JavaDeserialization;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections over {@code max-connections-per-address} or {@code max-connections} are not served: their
 * first request is answered with an error naming the count and the limit, then they are closed; a closed
 * connection frees its place.
 */
class ConnectionLimiterTest {
    private final List<String> logged = new ArrayList<>();
    private final RateLimitedLog log = new RateLimitedLog(logged::add, Duration.ofSeconds(10), System::nanoTime);
    private final AtomicInteger served = new AtomicInteger();

    private PeerChannel connect(ConnectionLimiter.Counts counts, String ip, int port) throws Exception {
        return PeerChannel.from(ip, port, new ConnectionLimiter(counts, "n1", log), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                served.incrementAndGet();
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        });
    }

    private static ByteBuf framed(Request r) {
        byte[] b = ProtocolCodec.encode(r);
        return Unpooled.buffer().writeInt(b.length).writeBytes(b);
    }

    private static Response answer(PeerChannel ch) {
        ByteBuf out = ch.readOutbound();
        byte[] frame = new byte[out.readInt()];
        out.readBytes(frame);
        out.release();
        return ProtocolCodec.decodeResponse(frame);
    }

    @Test
    void aConnectionOverThePerAddressLimitHasItsHelloAnsweredWithTheLimitAndIsClosed() throws Exception {
        ConnectionLimiter.Counts counts = new ConnectionLimiter.Counts(10, 2);
        PeerChannel a = connect(counts, "10.0.0.7", 1001);
        PeerChannel b = connect(counts, "10.0.0.7", 1002);
        PeerChannel other = connect(counts, "10.0.0.8", 1003);
        assertThat(counts.from(InetAddress.getByName("10.0.0.7"))).isEqualTo(2);

        PeerChannel refused = connect(counts, "10.0.0.7", 1004);
        // the HELLO arrives in two pieces, as TCP may deliver it
        ByteBuf hello = framed(new Request.Hello(1, 5, 6, false, 1 << 20));
        refused.writeInbound(hello.readRetainedSlice(6));
        assertThat((Object) refused.readOutbound()).isNull();
        refused.writeInbound(hello);
        Response r = answer(refused);
        assertThat(r.requestId()).isEqualTo(1);
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(Responses.readError(r.body(), JavaDeserialization.refused("a test"))).isInstanceOf(SpaceException.class)
                .hasMessageContaining("node n1 has 2 client connections from 10.0.0.7 open, its max-connections-per-address of 2")
                .hasMessageContaining("the connection is closed");
        refused.runPendingTasks();
        assertThat(refused.isOpen()).isFalse();
        assertThat(served).as("nothing of a refused connection reaches the node").hasValue(0);
        assertThat(logged).singleElement().asString().contains("refused the connection from /10.0.0.7:1004")
                .contains("max-connections-per-address of 2");

        b.close();
        assertThat(counts.from(InetAddress.getByName("10.0.0.7"))).isEqualTo(1);
        PeerChannel again = connect(counts, "10.0.0.7", 1005);
        again.writeInbound(framed(new Request.Status(3)));
        assertThat(served).as("a place freed by a close is taken").hasValue(1);
        assertThat(counts.total()).isEqualTo(3);
        a.close();
        other.close();
        again.close();
        assertThat(counts.total()).isZero();
    }

    @Test
    void aConnectionOverTheNodesLimitIsRefusedAndOneThatSendsNothingIsClosedAfterTheGrace() throws Exception {
        ConnectionLimiter.Counts counts = new ConnectionLimiter.Counts(2, 2);
        connect(counts, "10.0.0.1", 1);
        connect(counts, "10.0.0.2", 2);
        PeerChannel refused = connect(counts, "10.0.0.3", 3);
        refused.writeInbound(framed(new Request.Status(9)));
        assertThat(Responses.readError(answer(refused).body(), JavaDeserialization.refused("a test")).getMessage())
                .contains("node n1 has 2 client connections open, its max-connections of 2");

        PeerChannel silent = connect(counts, "10.0.0.4", 4);
        silent.freezeTime();
        silent.advanceTimeBy(ConnectionLimiter.REFUSAL_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        silent.runScheduledPendingTasks();
        assertThat(silent.isOpen()).isFalse();
        assertThat(counts.total()).isEqualTo(2);
    }

    @Test
    void garbageOnARefusedConnectionClosesIt() throws Exception {
        ConnectionLimiter.Counts counts = new ConnectionLimiter.Counts(1, 1);
        connect(counts, "10.0.0.1", 1);
        PeerChannel refused = connect(counts, "10.0.0.1", 2);
        refused.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, 1, 2, 3, 4, 5}));
        assertThat(refused.isOpen()).isFalse();
        assertThat((Object) refused.readOutbound()).isNull();
    }
}

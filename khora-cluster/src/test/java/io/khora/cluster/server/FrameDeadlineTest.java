package io.khora.cluster.server;

import io.khora.internal.logging.RateLimitedLog;
import io.khora.cluster.protocol.FrameBudget;
import io.khora.cluster.protocol.FrameCodec;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.internal.wire.JavaDeserialization;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request frame begun must arrive whole within the frame timeout: a trickled or unfinished frame is
 * answered with an error naming what arrived and the limit, its memory given back and the connection
 * closed; frames that arrive in time, in one read or several, are untouched.
 */
class FrameDeadlineTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final List<String> logged = new ArrayList<>();
    private final FrameBudget budget = new FrameBudget(1 << 30);

    private EmbeddedChannel channel() throws Exception {
        EmbeddedChannel ch = PeerChannel.from("10.0.0.9", 4711);
        FrameCodec.install(ch.pipeline(), 64 << 20, budget, true);
        ch.pipeline().addLast(new FrameDeadline(TIMEOUT, "n1", new RateLimitedLog(logged::add, Duration.ofSeconds(10), System::nanoTime)));
        ch.freezeTime();
        return ch;
    }

    private static ByteBuf start(long id, int length) {
        return Unpooled.buffer().writeInt(length).writeBytes(ProtocolCodec.encode(new Request.Status(id)));
    }

    @Test
    void aTrickledFrameIsAnsweredWithWhatArrivedAndTheLimitAndTheConnectionClosed() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(start(42, 50 << 20));
        for (int i = 0; i < 4; i++) {
            ch.advanceTimeBy(1, TimeUnit.SECONDS);
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[1024])); // 1 KiB a second: the frame keeps arriving, too slowly
            ch.runScheduledPendingTasks();
            assertThat(ch.isOpen()).isTrue();
        }
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        io.netty.buffer.CompositeByteBuf out = Unpooled.compositeBuffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.addComponent(true, b);
        }
        assertThat(out.readableBytes()).as("the answer, through the frame encoder").isGreaterThan(4);
        byte[] frame = new byte[out.readInt()];
        out.readBytes(frame);
        out.release();
        Response r = ProtocolCodec.decodeResponse(frame);
        assertThat(r.requestId()).isEqualTo(42);
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(Responses.readError(r.body(), JavaDeserialization.refused("a test")).getMessage())
                .contains("request 42: a frame of 52428800 bytes (50.0 MiB) did not arrive whole within node n1's frame-timeout of 5000 ms")
                .contains("(4103 bytes (4.0 KiB) arrived)")
                .contains("not read nor applied");
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(budget.held()).isZero();
        assertThat(logged).singleElement().asString().contains("closed the connection from /10.0.0.9:4711")
                .contains("frame-timeout of 5000 ms");
    }

    @Test
    void aFrameWhoseLengthNeverArrivesIsClosedWithoutAnAnswer() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));
        ch.advanceTimeBy(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.isOpen()).isFalse();
        assertThat(logged).singleElement().asString().contains("a frame whose length had not arrived");
    }

    @Test
    void framesThatArriveInTimeAreUntouched() throws Exception {
        EmbeddedChannel ch = channel();
        byte[] body = ProtocolCodec.encode(new Request.Status(1));
        ByteBuf whole = Unpooled.buffer().writeInt(body.length).writeBytes(body);
        ch.writeInbound(whole.readRetainedSlice(2));
        ch.advanceTimeBy(TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        ch.writeInbound(whole);
        ch.advanceTimeBy(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        byte[] frame = ch.readInbound();
        assertThat(frame).isEqualTo(body);
        assertThat(logged).isEmpty();
    }
}

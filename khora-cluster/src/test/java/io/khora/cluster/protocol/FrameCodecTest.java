package io.khora.cluster.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames through Netty: a frame over the limit is skipped unread and reported with its request id; the
 * next is read. A frame is buffered only as far as it arrived, within the budget; a length no frame
 * can have stops the decoder; frames left incomplete are reported.
 */
class FrameCodecTest {
    private static EmbeddedChannel channel(int maxFrame) {
        EmbeddedChannel ch = new EmbeddedChannel();
        FrameCodec.install(ch.pipeline(), maxFrame);
        return ch;
    }

    /** A node's decoder: with {@code budget}, reporting progress into {@code events}. */
    private static EmbeddedChannel nodeChannel(int maxFrame, FrameBudget budget, java.util.List<Object> events) {
        EmbeddedChannel ch = new EmbeddedChannel();
        FrameCodec.install(ch.pipeline(), maxFrame, budget, true);
        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
        return ch;
    }

    private static byte[] statusRequest(long id) {
        return ProtocolCodec.encode(new Request.Status(id));
    }

    @Test
    void aFrameAnnouncedLargeHoldsOnlyWhatArrivedAndReleasesItWhenComplete() {
        FrameBudget budget = new FrameBudget(1 << 30);
        java.util.List<Object> events = new java.util.ArrayList<>();
        EmbeddedChannel ch = nodeChannel(64 << 20, budget, events);
        int length = 60 << 20;
        ByteBuf start = Unpooled.buffer().writeInt(length).writeBytes(statusRequest(5)).writeBytes(new byte[1000]);
        ch.writeInbound(start);
        assertThat(budget.held()).as("one first allocation, not 60 MB").isEqualTo(FrameCodec.INITIAL);
        assertThat(events).containsExactly(FrameCodec.Progress.INCOMPLETE);
        FrameCodec.Decoder d = ch.pipeline().get(FrameCodec.Decoder.class);
        assertThat(d.received().length()).isEqualTo(length);
        assertThat(d.received().bytes()).isEqualTo(4 + 3 + 1000);
        assertThat(ProtocolCodec.requestIdOf(d.received().head())).isEqualTo(5);

        int sent = 3 + 1000;
        byte[] chunk = new byte[1 << 20];
        while (sent + chunk.length <= length) {
            ch.writeInbound(Unpooled.wrappedBuffer(chunk));
            sent += chunk.length;
            assertThat(budget.held()).as("at most twice what arrived").isLessThanOrEqualTo(2L * sent);
        }
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[length - sent]));
        byte[] whole = ch.readInbound();
        assertThat(whole).hasSize(length);
        assertThat(budget.held()).isZero();
        assertThat(events).containsExactly(FrameCodec.Progress.INCOMPLETE, FrameCodec.Progress.COMPLETE);
    }

    @Test
    void aFrameTheBudgetCannotHoldIsSkippedAndNamedAndTheNextFrameIsRead() {
        FrameBudget budget = new FrameBudget(200_000);
        EmbeddedChannel ch = nodeChannel(1 << 20, budget, new java.util.ArrayList<>());
        byte[] big = new byte[500_000];
        System.arraycopy(statusRequest(7), 0, big, 0, 3);
        ch.writeInbound(Unpooled.buffer().writeInt(big.length).writeBytes(big));
        FrameCodec.FrameOverBudget o = ch.readInbound();
        assertThat(o.length()).isEqualTo(500_000);
        assertThat(o.budget()).isEqualTo(200_000);
        assertThat(ProtocolCodec.requestIdOf(o.head())).isEqualTo(7);
        assertThat(budget.held()).isZero();
        ch.writeInbound(framed(statusRequest(8)));
        byte[] next = ch.readInbound();
        assertThat(ProtocolCodec.decodeRequest(next, io.khora.internal.wire.JavaDeserialization.TRUSTED)).isEqualTo(new Request.Status(8));
    }

    @Test
    void aLengthNoFrameCanHaveStopsTheDecoder() {
        EmbeddedChannel ch = nodeChannel(1 << 20, new FrameBudget(1 << 30), new java.util.ArrayList<>());
        ch.writeInbound(Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeBytes(statusRequest(9)).writeBytes(new byte[20]));
        FrameCodec.OversizedFrame o = ch.readInbound();
        assertThat(o.closing()).isTrue();
        assertThat(ProtocolCodec.requestIdOf(o.head())).isEqualTo(9);
        ch.writeInbound(framed(statusRequest(10)));
        assertThat((Object) ch.readInbound()).as("nothing more is read").isNull();
    }

    @Test
    void aConnectionClosedMidFrameGivesItsMemoryBack() {
        FrameBudget budget = new FrameBudget(1 << 30);
        EmbeddedChannel ch = nodeChannel(64 << 20, budget, new java.util.ArrayList<>());
        ch.writeInbound(Unpooled.buffer().writeInt(10 << 20).writeBytes(new byte[300_000]));
        assertThat(budget.held()).isGreaterThan(0);
        ch.close();
        assertThat(budget.held()).isZero();
    }

    private static ByteBuf framed(byte[] content) {
        ByteBuf b = Unpooled.buffer(4 + content.length);
        b.writeInt(content.length);
        b.writeBytes(content);
        return b;
    }

    @Test
    void aFrameOverTheLimitIsSkippedAndNamedAndTheNextFrameIsRead() {
        EmbeddedChannel ch = channel(SizeLimits.MIN_FRAME);
        byte[] big = ProtocolCodec.encode(new Request.Mutate(41, "s", 0, 1, 1, false, false,
                new io.khora.cluster.raft.Command.Write("T", new Object[] {"id", new byte[200_000]}, io.khora.Lease.FOREVER,
                        io.khora.WriteMode.UPDATE_OR_WRITE)));
        byte[] small = ProtocolCodec.encode(new Request.Status(42));
        ByteBuf stream = Unpooled.wrappedBuffer(framed(big), framed(small));
        // in slices, as a socket delivers it
        while (stream.isReadable()) {
            ch.writeInbound(stream.readRetainedSlice(Math.min(7_000, stream.readableBytes())));
        }
        FrameCodec.OversizedFrame o = ch.readInbound();
        assertThat(o.length()).isEqualTo(big.length);
        assertThat(ProtocolCodec.requestIdOf(o.head())).isEqualTo(41);
        byte[] next = ch.readInbound();
        assertThat(ProtocolCodec.decodeRequest(next, io.khora.internal.wire.JavaDeserialization.TRUSTED)).isEqualTo(new Request.Status(42));
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void framesUpToTheLimitPassWhole() {
        EmbeddedChannel ch = channel(SizeLimits.MIN_FRAME);
        byte[] exactly = new byte[SizeLimits.MIN_FRAME];
        exactly[0] = 1;
        ch.writeInbound(framed(exactly));
        byte[] got = ch.readInbound();
        assertThat(got).isEqualTo(exactly);
        ch.writeOutbound((Object) new byte[] {9, 8});
        ByteBuf out = ch.readOutbound();
        assertThat(out.readInt()).isEqualTo(2);
        out.release();
    }
}

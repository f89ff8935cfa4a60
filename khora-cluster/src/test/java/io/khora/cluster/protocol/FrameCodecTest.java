package io.khora.cluster.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Frames through Netty: a frame over the limit is skipped unread and reported with its request id; the next is read. */
class FrameCodecTest {
    private static EmbeddedChannel channel(int maxFrame) {
        EmbeddedChannel ch = new EmbeddedChannel();
        FrameCodec.install(ch.pipeline(), maxFrame);
        return ch;
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

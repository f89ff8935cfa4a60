package io.khora.cluster.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldPrepender;

import java.util.List;

/**
 * Netty's side of the protocol: a 4-byte length prefix per frame, frames handed on as
 * {@code byte[]} (outbound, {@code byte[]} is written as a frame).
 *
 * <p>A frame longer than the limit is not read into memory: its bytes are skipped and an
 * {@link OversizedFrame} with its length and first bytes (enough to tell which request it belongs
 * to) is handed on instead, so the receiver can answer that request with an error naming the size
 * and the limit and keep the connection.
 */
public final class FrameCodec {
    /** How many of an oversized frame's first bytes are kept: its version, kind and request id. */
    static final int HEAD = 16;

    private FrameCodec() {
    }

    /** Adds the frame decoder (frames up to {@code maxFrame} bytes) and encoder to {@code p}. */
    public static void install(ChannelPipeline p, int maxFrame) {
        p.addLast("frame-decoder", new Decoder(maxFrame));
        p.addLast("frame-encoder", new LengthFieldPrepender(4));
        p.addLast("bytes-encoder", new io.netty.handler.codec.bytes.ByteArrayEncoder());
    }

    /**
     * A frame longer than the limit, skipped.
     *
     * @param length its length in bytes
     * @param head its first bytes (at most 16)
     */
    public record OversizedFrame(int length, byte[] head) {
    }

    /** Splits the stream into frames; skips oversized ones. */
    static final class Decoder extends ByteToMessageDecoder {
        private final int maxFrame;
        /** Bytes of an oversized frame still to skip. */
        private long skipping;

        Decoder(int maxFrame) {
            this.maxFrame = maxFrame;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (skipping > 0) {
                int n = (int) Math.min(skipping, in.readableBytes());
                in.skipBytes(n);
                skipping -= n;
                return;
            }
            if (in.readableBytes() < 4) {
                return;
            }
            int length = in.getInt(in.readerIndex());
            if (length < 0) {
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException("negative frame length " + length);
            }
            if (length > maxFrame) {
                int head = Math.min(length, HEAD);
                if (in.readableBytes() < 4 + head) {
                    return;
                }
                byte[] first = new byte[head];
                in.getBytes(in.readerIndex() + 4, first);
                in.skipBytes(4);
                skipping = length;
                out.add(new OversizedFrame(length, first));
                return;
            }
            if (in.readableBytes() < 4 + length) {
                return;
            }
            in.skipBytes(4);
            byte[] frame = new byte[length];
            in.readBytes(frame);
            out.add(frame);
        }
    }
}

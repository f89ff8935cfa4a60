package io.khora.cluster.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.channel.ChannelHandlerContext;

import java.util.List;

/**
 * Netty's side of the protocol: a 4-byte length prefix per frame, frames handed on as
 * {@code byte[]} (outbound, {@code byte[]} is written as a frame).
 */
public final class FrameCodec {
    /** The largest frame either side accepts (a larger one closes the connection with an error). */
    public static final int MAX_FRAME = 64 * 1024 * 1024;

    private FrameCodec() {
    }

    /** Adds the frame decoder and encoder to {@code p}. */
    public static void install(ChannelPipeline p) {
        p.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4));
        p.addLast("frame-bytes", new ToBytes());
        p.addLast("frame-encoder", new LengthFieldPrepender(4));
        p.addLast("bytes-encoder", new io.netty.handler.codec.bytes.ByteArrayEncoder());
    }

    /** Copies a frame's content into a byte array. */
    private static final class ToBytes extends MessageToMessageDecoder<ByteBuf> {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
            byte[] bytes = new byte[msg.readableBytes()];
            msg.readBytes(bytes);
            out.add(bytes);
        }
    }
}

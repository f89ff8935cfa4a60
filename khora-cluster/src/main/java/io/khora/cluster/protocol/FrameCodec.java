package io.khora.cluster.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldPrepender;

import java.util.Arrays;

/**
 * Netty's side of the protocol: a 4-byte length prefix per frame, frames handed on as
 * {@code byte[]} (outbound, {@code byte[]} is written as a frame).
 *
 * <p>Memory: a frame is copied out of Netty's buffers as it arrives, into an array that grows with
 * what has arrived (from 64 KiB, doubling, up to the announced length) — never sized by the length
 * alone — and every byte of it is reserved from a {@link FrameBudget} until the frame is complete. A
 * peer announcing a large frame and sending little holds little; many of them together hold at most the
 * budget.
 *
 * <p>A frame longer than the limit is not read into memory: its bytes are skipped and an
 * {@link OversizedFrame} with its length and first bytes (enough to tell which request it belongs
 * to) is handed on instead, so the receiver can answer that request with an error naming the size
 * and the limit and keep the connection — unless the length is beyond any frame limit a peer may
 * have ({@link SizeLimits#MAX_FRAME}: a 2 GB length is garbage, not a request): then nothing more is
 * read and the receiver closes the connection after answering. A frame the budget cannot hold is
 * skipped the same way ({@link FrameOverBudget}). A frame still arriving when a read ends is reported
 * ({@link Progress#INCOMPLETE}, once, then {@link Progress#COMPLETE}) to a node's
 * {@code FrameDeadline}.
 */
public final class FrameCodec {
    /** How many of an oversized frame's first bytes are kept: its version, kind and request id. */
    static final int HEAD = 16;
    /** The first allocation for a frame's content. */
    static final int INITIAL = 64 * 1024;

    private FrameCodec() {
    }

    /** Adds the frame decoder (frames up to {@code maxFrame} bytes, no budget) and encoder to {@code p}: a client's. */
    public static void install(ChannelPipeline p, int maxFrame) {
        install(p, maxFrame, FrameBudget.UNLIMITED, false);
    }

    /**
     * Adds the frame decoder ("frame-decoder": frames up to {@code maxFrame} bytes, buffered within
     * {@code budget}, reporting frames left incomplete if {@code reportProgress}) and encoder to {@code p}.
     */
    public static void install(ChannelPipeline p, int maxFrame, FrameBudget budget, boolean reportProgress) {
        p.addLast("frame-decoder", new Decoder(maxFrame, budget, reportProgress));
        p.addLast("frame-encoder", new LengthFieldPrepender(4));
        p.addLast("bytes-encoder", new io.netty.handler.codec.bytes.ByteArrayEncoder());
    }

    /**
     * A frame longer than the limit, skipped.
     *
     * @param length its length in bytes
     * @param head its first bytes (at most 16)
     * @param closing true if its length is beyond any frame limit: the decoder reads nothing more, the
     *                connection should be closed (after answering)
     */
    public record OversizedFrame(int length, byte[] head, boolean closing) {
    }

    /**
     * A frame skipped because the memory for incomplete frames was taken.
     *
     * @param length its length in bytes
     * @param head its first bytes (at most 16)
     * @param held the bytes all incomplete frames held when it was refused
     * @param budget the budget's capacity
     */
    public record FrameOverBudget(int length, byte[] head, long held, long budget) {
    }

    /** User events of a decoder that reports progress. */
    public enum Progress {
        /** A frame is still arriving after a read. */
        INCOMPLETE,
        /** The frame reported incomplete has arrived (or was skipped). */
        COMPLETE
    }

    /** What a frame in progress has received: for messages when it is given up. */
    public record Received(int length, long bytes, byte[] head) {
    }

    /** Splits the stream into frames; skips oversized ones and those the budget cannot hold. */
    public static final class Decoder extends ChannelInboundHandlerAdapter {
        private enum State { LENGTH, HEAD, BODY, SKIP, CLOSED }

        private final int maxFrame;
        private final FrameBudget budget;
        private final boolean reportProgress;
        private State state = State.LENGTH;
        private final byte[] lengthBytes = new byte[4];
        private int lengthFilled;
        private int length;
        private final byte[] head = new byte[HEAD];
        private int headFilled;
        private int headNeeded;
        private byte[] frame;
        private int filled;
        private long reserved;
        private long skipping;
        private boolean reported;

        Decoder(int maxFrame, FrameBudget budget, boolean reportProgress) {
            this.maxFrame = maxFrame;
            this.budget = budget;
            this.reportProgress = reportProgress;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf in)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                while (in.isReadable() && state != State.CLOSED) {
                    step(ctx, in);
                }
            } finally {
                in.release();
            }
            if (reportProgress && !reported && inFrame()) {
                reported = true;
                ctx.fireUserEventTriggered(Progress.INCOMPLETE);
            }
        }

        private boolean inFrame() {
            return state == State.HEAD || state == State.BODY || state == State.SKIP || (state == State.LENGTH && lengthFilled > 0);
        }

        private void step(ChannelHandlerContext ctx, ByteBuf in) {
            switch (state) {
                case LENGTH -> readLength(ctx, in);
                case HEAD -> readHead(ctx, in);
                case BODY -> readBody(ctx, in);
                case SKIP -> {
                    int n = (int) Math.min(skipping, in.readableBytes());
                    in.skipBytes(n);
                    skipping -= n;
                    if (skipping == 0) {
                        ended(ctx);
                    }
                }
                case CLOSED -> in.skipBytes(in.readableBytes());
            }
        }

        private void readLength(ChannelHandlerContext ctx, ByteBuf in) {
            int n = Math.min(4 - lengthFilled, in.readableBytes());
            in.readBytes(lengthBytes, lengthFilled, n);
            lengthFilled += n;
            if (lengthFilled < 4) {
                return;
            }
            length = ((lengthBytes[0] & 0xFF) << 24) | ((lengthBytes[1] & 0xFF) << 16) | ((lengthBytes[2] & 0xFF) << 8) | (lengthBytes[3] & 0xFF);
            if (length < 0) {
                state = State.CLOSED;
                throw new CorruptedFrameException("negative frame length " + length);
            }
            headFilled = 0;
            headNeeded = Math.min(length, HEAD);
            state = State.HEAD;
            if (headNeeded == 0) {
                headComplete(ctx);
            }
        }

        private void readHead(ChannelHandlerContext ctx, ByteBuf in) {
            int n = Math.min(headNeeded - headFilled, in.readableBytes());
            in.readBytes(head, headFilled, n);
            headFilled += n;
            if (headFilled == headNeeded) {
                headComplete(ctx);
            }
        }

        private void headComplete(ChannelHandlerContext ctx) {
            byte[] first = Arrays.copyOf(head, headFilled);
            if (length > maxFrame) {
                boolean closing = length > SizeLimits.MAX_FRAME;
                skipping = length - headFilled;
                state = closing ? State.CLOSED : State.SKIP;
                ctx.fireChannelRead(new OversizedFrame(length, first, closing));
                if (!closing && skipping == 0) {
                    ended(ctx);
                }
                return;
            }
            int capacity = Math.min(length, INITIAL);
            if (!budget.tryReserve(capacity)) {
                overBudget(ctx, length - headFilled);
                return;
            }
            reserved = capacity;
            frame = new byte[capacity];
            System.arraycopy(head, 0, frame, 0, headFilled);
            filled = headFilled;
            state = State.BODY;
            if (filled == length) {
                complete(ctx);
            }
        }

        private void readBody(ChannelHandlerContext ctx, ByteBuf in) {
            int n = Math.min(length - filled, in.readableBytes());
            if (filled + n > frame.length) {
                int capacity = (int) Math.min(length, Math.max(filled + (long) n, 2L * frame.length));
                if (!budget.tryReserve(capacity - frame.length)) {
                    overBudget(ctx, length - filled);
                    return;
                }
                reserved += capacity - frame.length;
                frame = Arrays.copyOf(frame, capacity);
            }
            in.readBytes(frame, filled, n);
            filled += n;
            if (filled == length) {
                complete(ctx);
            }
        }

        private void overBudget(ChannelHandlerContext ctx, long rest) {
            long held = budget.held();
            releaseFrame();
            skipping = rest;
            state = State.SKIP;
            ctx.fireChannelRead(new FrameOverBudget(length, Arrays.copyOf(head, headFilled), held, budget.capacity()));
            if (skipping == 0) {
                ended(ctx);
            }
        }

        private void complete(ChannelHandlerContext ctx) {
            byte[] whole = frame;
            frame = null;
            budget.release(reserved);
            reserved = 0;
            ended(ctx);
            ctx.fireChannelRead(whole);
        }

        private void ended(ChannelHandlerContext ctx) {
            state = State.LENGTH;
            lengthFilled = 0;
            if (reported) {
                reported = false;
                ctx.fireUserEventTriggered(Progress.COMPLETE);
            }
        }

        private void releaseFrame() {
            frame = null;
            budget.release(reserved);
            reserved = 0;
        }

        /** What the frame in progress has received (its length -1 while the length itself is arriving). */
        public Received received() {
            return switch (state) {
                case LENGTH -> new Received(-1, lengthFilled, new byte[0]);
                case HEAD -> new Received(length, 4L + headFilled, Arrays.copyOf(head, headFilled));
                case BODY -> new Received(length, 4L + filled, Arrays.copyOf(head, headFilled));
                case SKIP, CLOSED -> new Received(length, 4L + length - skipping, Arrays.copyOf(head, headFilled));
            };
        }

        /** Stops reading frames: what arrives from now on is dropped (the connection is being closed). */
        public void stop() {
            releaseFrame();
            state = State.CLOSED;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            releaseFrame();
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            releaseFrame();
        }
    }
}

package io.khora.cluster.server;

import io.khora.internal.logging.RateLimitedLog;
import io.khora.SpaceException;
import io.khora.cluster.ByteSizes;
import io.khora.cluster.protocol.FrameCodec;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request frame begun must arrive whole within {@code frame-timeout}: a peer trickling a frame (a
 * slow-loris) or leaving one unfinished holds the connection and the frame's memory only that long.
 * Then the frame decoder stops, the request is answered with an error naming what arrived and the limit
 * (if its id arrived), and the connection is closed; the close is logged, rate-limited. The decoder
 * reports frames left incomplete after a read ({@link FrameCodec.Progress}), so a timer runs only for
 * those, not for every frame. Sits after the frame encoder (its answer is a frame like any other).
 */
final class FrameDeadline extends ChannelInboundHandlerAdapter {
    private final Duration timeout;
    private final String nodeId;
    private final RateLimitedLog log;
    private ScheduledFuture<?> timer;

    FrameDeadline(Duration timeout, String nodeId, RateLimitedLog log) {
        this.timeout = timeout;
        this.nodeId = nodeId;
        this.log = log;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == FrameCodec.Progress.INCOMPLETE) {
            cancel();
            timer = ctx.executor().schedule(() -> expired(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
        } else if (evt == FrameCodec.Progress.COMPLETE) {
            cancel();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    private void expired(ChannelHandlerContext ctx) {
        timer = null;
        FrameCodec.Decoder decoder = ctx.pipeline().get(FrameCodec.Decoder.class);
        if (decoder == null || !ctx.channel().isActive()) {
            return;
        }
        FrameCodec.Received r = decoder.received();
        decoder.stop();
        long id = ProtocolCodec.requestIdOf(r.head());
        String what = (r.length() < 0 ? "a frame whose length had not arrived" : "a frame of " + ByteSizes.describe(r.length()))
                + " did not arrive whole within node " + nodeId + "'s frame-timeout of " + timeout.toMillis() + " ms ("
                + ByteSizes.describe(r.bytes()) + " arrived)";
        log.log("frame-timeout", () -> "closed the connection from " + ctx.channel().remoteAddress() + ": "
                + what + (id >= 0 ? ", request " + id : ""));
        if (id >= 0) {
            SpaceException e = new SpaceException("request " + id + ": " + what + "; it was not read nor applied, and the connection"
                    + " is closed");
            ctx.writeAndFlush(ProtocolCodec.encode(new Response(id, Status.ERROR, Responses.error(e))))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }
}

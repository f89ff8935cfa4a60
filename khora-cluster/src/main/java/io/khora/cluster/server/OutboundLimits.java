package io.khora.cluster.server;

import io.khora.internal.logging.RateLimitedLog;
import io.khora.cluster.ByteSizes;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * Bounds what waits to be sent on a client connection. Netty marks the channel unwritable once more
 * than {@code write-buffer-high} bytes wait (its write buffer water marks, set on the channel); then
 * this handler stops reading the connection's requests — a client that sends but does not read its
 * answers gets no more work done — and reads again once they drop below {@code write-buffer-low}.
 * What still piles up while reading is stopped (answers of requests in progress, events of its
 * subscriptions) is bounded by {@code max-write-buffer}: before an answer is written, a connection with
 * more waiting than that is closed ({@link #admit}). Both are logged, rate-limited.
 */
final class OutboundLimits extends ChannelInboundHandlerAdapter {
    private final int high;
    private final int max;
    private final RateLimitedLog log;

    /**
     * @param high the high water mark (for messages: the channel's option is set by the server)
     * @param max bytes waiting above which the connection is closed
     */
    OutboundLimits(int high, int max, RateLimitedLog log) {
        this.high = high;
        this.max = max;
        this.log = log;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        boolean writable = ch.isWritable();
        if (!writable) {
            log.log("write-buffer-high", () -> "stopped reading requests from " + ch.remoteAddress() + ": "
                    + ByteSizes.describe(pending(ch)) + " of answers wait to be sent, over its write-buffer-high of "
                    + ByteSizes.describe(high));
        }
        ch.config().setAutoRead(writable);
        if (writable) {
            ch.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Whether an answer may be written to {@code ch}: false, after closing the connection, if more than
     * {@code max-write-buffer} bytes wait already.
     */
    boolean admit(Channel ch) {
        long waiting = pending(ch);
        if (waiting <= max) {
            return true;
        }
        log.log("max-write-buffer", () -> "closed the connection from " + ch.remoteAddress() + ": "
                + ByteSizes.describe(waiting) + " of answers wait to be sent (the client does not read them), over its"
                + " max-write-buffer of " + ByteSizes.describe(max));
        ch.close();
        return false;
    }

    private static long pending(Channel ch) {
        ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
        return b == null ? 0 : b.totalPendingWriteBytes();
    }
}

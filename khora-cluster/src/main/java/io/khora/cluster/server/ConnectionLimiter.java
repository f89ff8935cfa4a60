package io.khora.cluster.server;

import io.khora.internal.logging.RateLimitedLog;
import io.khora.SpaceException;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds a node's client connections to {@code max-connections} in all and
 * {@code max-connections-per-address} per IP address. A connection over either limit is not served:
 * its first request (a client's HELLO) is answered with an error naming the count and the limit, then
 * it is closed — or closed after {@link #REFUSAL_GRACE_MILLIS} if no request comes; nothing else it
 * sends is read. Refusals are logged, rate-limited. Sits before the frame decoder (after TLS), so a
 * refused connection costs no frame buffer: only its first bytes are looked at.
 */
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    /** How long a refused connection is kept for its first request, to answer it. */
    static final long REFUSAL_GRACE_MILLIS = 2_000;
    /** Bytes kept of a refused connection's first frame: its length and head (version, kind, request id). */
    private static final int FIRST_BYTES = 4 + 16;

    /** The counts of one node's client port, shared by its connections. Thread-safe. */
    static final class Counts {
        private final int max;
        private final int maxPerAddress;
        private final AtomicInteger total = new AtomicInteger();
        private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

        Counts(int max, int maxPerAddress) {
            this.max = max;
            this.maxPerAddress = maxPerAddress;
        }

        /** Counts a connection from {@code address} (null: not an IP peer) and returns null, or why it is refused (then not counted). */
        String admit(InetAddress address, String nodeId) {
            if (total.incrementAndGet() > max) {
                total.decrementAndGet();
                return "node " + nodeId + " has " + max + " client connections open, its max-connections of " + max;
            }
            if (address == null) {
                return null;
            }
            String[] refused = new String[1];
            perAddress.compute(address, (a, n) -> {
                int open = n == null ? 0 : n;
                if (open >= maxPerAddress) {
                    refused[0] = "node " + nodeId + " has " + open + " client connections from " + a.getHostAddress()
                            + " open, its max-connections-per-address of " + maxPerAddress;
                    return n;
                }
                return open + 1;
            });
            if (refused[0] != null) {
                total.decrementAndGet();
            }
            return refused[0];
        }

        /** Forgets a connection {@link #admit} counted. */
        void release(InetAddress address) {
            total.decrementAndGet();
            if (address != null) {
                perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
            }
        }

        /** Connections counted now. */
        int total() {
            return total.get();
        }

        /** Connections counted now from {@code address}. */
        int from(InetAddress address) {
            return perAddress.getOrDefault(address, 0);
        }
    }

    private final Counts counts;
    private final String nodeId;
    private final RateLimitedLog log;
    private boolean admitted;
    private InetAddress address;
    private String refusal;
    private final byte[] first = new byte[FIRST_BYTES];
    private int firstFilled;
    private boolean answered;

    ConnectionLimiter(Counts counts, String nodeId, RateLimitedLog log) {
        this.counts = counts;
        this.nodeId = nodeId;
        this.log = log;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        address = remote instanceof InetSocketAddress i ? i.getAddress() : null;
        refusal = counts.admit(address, nodeId);
        if (refusal == null) {
            admitted = true;
            ctx.fireChannelActive();
            return;
        }
        String kind = refusal.contains("per-address") ? "max-connections-per-address" : "max-connections";
        log.log(kind, () -> "refused the connection from " + remote + ": " + refusal);
        ctx.executor().schedule(() -> ctx.close(), REFUSAL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (admitted) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (!answered && msg instanceof ByteBuf in) {
                int n = Math.min(in.readableBytes(), FIRST_BYTES - firstFilled);
                in.readBytes(first, firstFilled, n);
                firstFilled += n;
                answerIfComplete(ctx);
            }
        } finally {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    /** Answers the first request once its id can be read (or closes if it cannot be). */
    private void answerIfComplete(ChannelHandlerContext ctx) {
        if (firstFilled < 4) {
            return;
        }
        int length = ((first[0] & 0xFF) << 24) | ((first[1] & 0xFF) << 16) | ((first[2] & 0xFF) << 8) | (first[3] & 0xFF);
        if (length < 0) {
            answered = true;
            ctx.close();
            return;
        }
        if (firstFilled - 4 < Math.min(length, FIRST_BYTES - 4)) {
            return;
        }
        answered = true;
        long id = ProtocolCodec.requestIdOf(java.util.Arrays.copyOfRange(first, 4, firstFilled));
        if (id < 0) {
            ctx.close();
            return;
        }
        byte[] answer = ProtocolCodec.encode(new Response(id, Status.ERROR, Responses.error(new SpaceException(refusal
                + "; the connection is closed (close idle clients, spread clients over the nodes, or raise the limit)"))));
        ByteBuf frame = Unpooled.buffer(4 + answer.length).writeInt(answer.length).writeBytes(answer);
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted) {
            admitted = false;
            counts.release(address);
        }
        ctx.fireChannelInactive();
    }
}

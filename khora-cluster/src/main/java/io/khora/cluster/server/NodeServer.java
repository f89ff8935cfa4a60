package io.khora.cluster.server;

import io.khora.internal.logging.RateLimitedLog;
import io.khora.cluster.ByteSizes;
import io.khora.SizeLimitExceededException;
import io.khora.cluster.protocol.FrameCodec;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.wire.WireFormatException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The client endpoint of a node: a Netty server on the node's client address. Each connection
 * gets a {@link ClientSession}; each frame is decoded into a {@link Request} and answered by
 * {@link NodeRequests}, responses written in completion order (a client matches them by request
 * id). A take whose response cannot be delivered puts its entries back, unless the client will retry
 * the call (see {@link NodeRequests#undeliverable}).
 *
 * <p>Sizes: a request frame over the node's {@code max-frame-size} is skipped unread and answered with
 * an error naming its size and the limit (the connection stays open, unless the length is beyond any
 * frame limit: then it is closed after the answer); a request that writes an entry over
 * {@code max-entry-size} is answered the same way, before anything is proposed. An answer larger than a
 * frame the client accepts (the smaller of the two sides' limits) is sent in parts
 * ({@link ProtocolCodec#encodeFrames}).
 *
 * <p>Security: with a TLS context, every connection starts with a TLS handshake (the node's
 * certificate; a client certificate is requested, not required, and verified against the cluster
 * CA); what a connection may do is {@link NodeRequests}'s check ({@link Access}, {@link Authenticator}).
 *
 * <p>Limits ({@link ClientPortLimits}), each its own handler: connections in all and per address
 * ({@link ConnectionLimiter}), idle connections ({@link IdleTimeout}), frames that take too long
 * ({@link FrameDeadline}), the memory of incomplete frames ({@link io.khora.cluster.protocol.FrameBudget},
 * in the frame decoder), answers that pile up ({@link OutboundLimits}). A request holding a Java-serialized
 * value is refused unless the node's {@code java-serialization-allow} names its classes
 * ({@link io.khora.internal.wire.JavaDeserialization}): nothing is deserialized, nothing applied.
 * Limits hit are logged at most once per kind every 10 s ({@link RateLimitedLog}).
 */
final class NodeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeServer.class);

    /** How often a line about one kind of limit may be logged. */
    private static final java.time.Duration LOG_INTERVAL = java.time.Duration.ofSeconds(10);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final ConnectionLimiter.Counts connections;
    private final io.khora.cluster.protocol.FrameBudget frameBudget;
    /** For tests: requests whose answer is not written (as if it were lost on the way), after they ran. */
    private final AtomicReference<Predicate<Request>> dropAnswers;

    private NodeServer(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel, AtomicReference<Predicate<Request>> dropAnswers,
                       ConnectionLimiter.Counts connections, io.khora.cluster.protocol.FrameBudget frameBudget) {
        this.connections = connections;
        this.frameBudget = frameBudget;
        this.boss = boss;
        this.workers = workers;
        this.serverChannel = serverChannel;
        this.dropAnswers = dropAnswers;
    }

    /** For tests: the answers to requests {@code which} accepts are dropped after the request ran (null: none). */
    void dropAnswers(Predicate<Request> which) {
        dropAnswers.set(which);
    }

    /** The client connections open now (for tests). */
    int connections() {
        return connections.total();
    }

    /** The bytes incomplete request frames hold now (for tests). */
    long incompleteFrameBytes() {
        return frameBudget.held();
    }

    /**
     * Binds {@code address} and serves {@code requests} within the node's {@link ClientPortLimits},
     * over TLS with {@code tls} (null: plain TCP).
     */
    static NodeServer start(String nodeId, InetSocketAddress address, NodeRequests requests, SslContext tls) throws InterruptedException {
        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("khora-" + nodeId + "-accept", true));
        EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory("khora-" + nodeId + "-io", true));
        AtomicReference<Predicate<Request>> dropAnswers = new AtomicReference<>();
        ClientPortLimits limits = requests.config().clientPortLimits();
        ConnectionLimiter.Counts connections = new ConnectionLimiter.Counts(limits.maxConnections(), limits.maxConnectionsPerAddress());
        io.khora.cluster.protocol.FrameBudget budget = new io.khora.cluster.protocol.FrameBudget(limits.maxIncompleteFramesMemory());
        RateLimitedLog warnings = new RateLimitedLog(line -> LOG.warn("node {}: {}", nodeId, line), LOG_INTERVAL, System::nanoTime);
        RateLimitedLog notes = new RateLimitedLog(line -> LOG.info("node {}: {}", nodeId, line), LOG_INTERVAL, System::nanoTime);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(limits.writeBufferLow(), limits.writeBufferHigh()))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            OutboundLimits outbound = new OutboundLimits(limits.writeBufferHigh(), limits.maxWriteBuffer(), warnings);
                            Handler handler = new Handler(requests, dropAnswers, outbound, warnings);
                            ChannelPipeline p = ch.pipeline();
                            if (tls != null) {
                                p.addLast("tls", tls.newHandler(ch.alloc()));
                            }
                            p.addLast(new FlushConsolidationHandler(256, true));
                            p.addLast("connection-limit", new ConnectionLimiter(connections, nodeId, warnings));
                            p.addLast("idle-timeout", new IdleTimeout(limits.idleTimeout(), handler::busy, notes));
                            FrameCodec.install(p, requests.limits().maxFrameBytes(), budget, true);
                            p.addLast("frame-deadline", new FrameDeadline(limits.frameTimeout(), nodeId, warnings));
                            p.addLast("outbound-limits", outbound);
                            p.addLast("requests", handler);
                        }
                    });
            Channel ch = b.bind(address).sync().channel();
            LOG.info("node {}: serving clients on {}{}", nodeId, address, tls == null ? " (plain TCP: security none)" : " (TLS)");
            JavaDeserialization values = requests.config().javaDeserialization();
            if (!values.refusesAll()) {
                LOG.warn("node {}: deserializes Java-serialized values of the classes java-serialization-allow '{}' admits from clients and"
                        + " peers; their deserialization code runs on this node", nodeId, values.allowPattern());
            }
            return new NodeServer(boss, workers, ch, dropAnswers, connections, budget);
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly();
    }

    /** One connection: decodes requests, answers them, cancels its waits when it closes. */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final NodeRequests requests;
        private final AtomicReference<Predicate<Request>> dropAnswers;
        private final OutboundLimits outbound;
        private final RateLimitedLog warnings;
        private final ClientSession session = new ClientSession();
        private final java.util.concurrent.atomic.AtomicInteger inProgress = new java.util.concurrent.atomic.AtomicInteger();
        /** What Java-serialized values in this connection's requests get (the node's decision, naming the peer). */
        private JavaDeserialization values;

        Handler(NodeRequests requests, AtomicReference<Predicate<Request>> dropAnswers, OutboundLimits outbound, RateLimitedLog warnings) {
            this.requests = requests;
            this.dropAnswers = dropAnswers;
            this.outbound = outbound;
            this.warnings = warnings;
        }

        /** Whether the connection waits for something: a request in progress, a parked wait, a subscription. */
        boolean busy() {
            return inProgress.get() > 0 || session.waiting();
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            session.pushTo(r -> write(ctx, r));
            if (ctx.channel().remoteAddress() instanceof InetSocketAddress a) {
                session.remoteAddress(a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress());
            }
        }

        /** Keeps the client certificate the TLS handshake verified (for EXTERNAL authentication); logs a failed handshake. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent done) {
                if (done.isSuccess()) {
                    try {
                        Certificate[] chain = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
                        if (chain.length > 0 && chain[0] instanceof X509Certificate c) {
                            session.peerCertificate(c);
                        }
                    } catch (SSLPeerUnverifiedException none) {
                        // no client certificate: the client authenticates by password
                    }
                } else {
                    requests.authenticator().tlsFailed(session.remoteAddress(), done.cause());
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        /** Writes {@code r} in as many frames as the client's frame limit needs; the future of the last. */
        private ChannelFuture write(ChannelHandlerContext ctx, Response r) {
            if (!outbound.admit(ctx.channel())) {
                return ctx.newFailedFuture(new io.khora.SpaceException("the connection was closed: its answers piled up"));
            }
            List<byte[]> frames = ProtocolCodec.encodeFrames(r, requests.frameTowards(session));
            if (frames.size() > 1 && LOG.isDebugEnabled()) {
                LOG.debug("answer to request {} sent to {} in {} frames", r.requestId(), ctx.channel().remoteAddress(), frames.size());
            }
            for (int i = 0; i < frames.size() - 1; i++) {
                ctx.write(frames.get(i));
            }
            return ctx.writeAndFlush(frames.get(frames.size() - 1));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FrameCodec.OversizedFrame o) {
                refuseOversized(ctx, o);
                return;
            }
            if (msg instanceof FrameCodec.FrameOverBudget o) {
                refuseOverBudget(ctx, o);
                return;
            }
            byte[] frame = (byte[]) msg;
            if (values == null) {
                values = requests.config().javaDeserialization().from("a request from " + ctx.channel().remoteAddress());
            }
            Request request;
            try {
                request = ProtocolCodec.decodeRequest(frame, values);
                requests.limits().checkRequest(request, frame.length, "node " + requests.nodeId() + "'s");
            } catch (SizeLimitExceededException e) {
                long id = ProtocolCodec.requestIdOf(frame);
                warnings.log("max-entry-size", () -> "refused request " + id + " from " + ctx.channel().remoteAddress() + ": " + e.getMessage());
                write(ctx, new Response(id, Status.ERROR, Responses.error(e)));
                return;
            } catch (RuntimeException e) {
                long id = ProtocolCodec.requestIdOf(frame);
                warnings.log("malformed", () -> "malformed request from " + ctx.channel().remoteAddress() + " (request id " + id + "): "
                        + e.getMessage());
                if (id >= 0) {
                    ctx.writeAndFlush(ProtocolCodec.encode(new Response(id, Status.ERROR, Responses.error(new WireFormatException(
                            "request " + id + " from " + ctx.channel().remoteAddress() + ": " + e.getMessage(), e)))));
                } else {
                    ctx.close();
                }
                return;
            }
            inProgress.incrementAndGet();
            long started = System.nanoTime();
            requests.handle(request, session).whenComplete((response, error) -> {
                inProgress.decrementAndGet();
                Response r = error != null ? NodeRequests.failure(request.requestId(), error) : response;
                requests.metrics().answered(request, r.status(), System.nanoTime() - started);
                Predicate<Request> drop = dropAnswers.get();
                if (drop != null && drop.test(request)) {
                    LOG.warn("test hook: the answer {} to request {} is dropped", r.status(), request.requestId());
                    return;
                }
                write(ctx, r).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        requests.undeliverable(request, r, session);
                    }
                });
            });
        }

        /**
         * A request frame over the limit was skipped unread: its request is answered with an error
         * naming its size and the limit (or, if even its id is unreadable, the connection closed).
         */
        private void refuseOversized(ChannelHandlerContext ctx, FrameCodec.OversizedFrame o) {
            int limit = requests.limits().maxFrameBytes();
            refuseFrame(ctx, o.head(), o.closing(), "max-frame-size", new SizeLimitExceededException("a request frame of "
                    + ByteSizes.describe(o.length()) + " exceeds node " + requests.nodeId() + "'s max-frame-size of "
                    + ByteSizes.describe(limit) + "; it was not read nor applied" + (o.closing()
                    ? " (no frame can be that long: the connection is closed)" : ""), o.length(), limit));
        }

        /** A request frame the node had no memory for was skipped unread: answered like an oversized one. */
        private void refuseOverBudget(ChannelHandlerContext ctx, FrameCodec.FrameOverBudget o) {
            refuseFrame(ctx, o.head(), false, "max-incomplete-frames-memory", new SizeLimitExceededException("a request frame of "
                    + ByteSizes.describe(o.length()) + " did not fit node " + requests.nodeId() + "'s memory for request frames still"
                    + " arriving: they hold " + ByteSizes.describe(o.held()) + " of its max-incomplete-frames-memory of "
                    + ByteSizes.describe(o.budget()) + "; it was not read nor applied (retry later)", o.length(), o.budget()));
        }

        /** Answers the request of a skipped frame with {@code e} (closing the connection after if {@code close}), or closes it. */
        private void refuseFrame(ChannelHandlerContext ctx, byte[] head, boolean close, String limit, SizeLimitExceededException e) {
            long id = ProtocolCodec.requestIdOf(head);
            warnings.log(limit, () -> "refused request " + id + " from " + ctx.channel().remoteAddress() + ": " + e.getMessage());
            if (id < 0) {
                ctx.close();
                return;
            }
            ChannelFuture f = write(ctx, new Response(id, Status.ERROR, Responses.error(e)));
            if (close) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            session.close();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof io.netty.handler.codec.CorruptedFrameException) {
                warnings.log("malformed", () -> "closed the connection from " + ctx.channel().remoteAddress() + ": " + cause.getMessage());
            } else {
                LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            }
            ctx.close();
        }
    }
}

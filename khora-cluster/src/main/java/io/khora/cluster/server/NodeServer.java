package io.khora.cluster.server;

import io.khora.cluster.ByteSizes;
import io.khora.cluster.SizeLimitExceededException;
import io.khora.cluster.protocol.FrameCodec;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
 * an error naming its size and the limit (the connection stays open); a request that writes an entry
 * over {@code max-entry-size} is answered the same way, before anything is proposed. An answer larger
 * than a frame the client accepts (the smaller of the two sides' limits) is sent in parts
 * ({@link ProtocolCodec#encodeFrames}).
 *
 * <p>Security: with a TLS context, every connection starts with a TLS handshake (the node's
 * certificate; a client certificate is requested, not required, and verified against the cluster
 * CA); what a connection may do is {@link NodeRequests}'s check ({@link Access}, {@link Authenticator}).
 */
final class NodeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeServer.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    /** For tests: requests whose answer is not written (as if it were lost on the way), after they ran. */
    private final AtomicReference<Predicate<Request>> dropAnswers;

    private NodeServer(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel, AtomicReference<Predicate<Request>> dropAnswers) {
        this.boss = boss;
        this.workers = workers;
        this.serverChannel = serverChannel;
        this.dropAnswers = dropAnswers;
    }

    /** For tests: the answers to requests {@code which} accepts are dropped after the request ran (null: none). */
    void dropAnswers(Predicate<Request> which) {
        dropAnswers.set(which);
    }

    /** Binds {@code address} and serves {@code requests}, over TLS with {@code tls} (null: plain TCP). */
    static NodeServer start(String nodeId, InetSocketAddress address, NodeRequests requests, SslContext tls) throws InterruptedException {
        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("khora-" + nodeId + "-accept", true));
        EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory("khora-" + nodeId + "-io", true));
        AtomicReference<Predicate<Request>> dropAnswers = new AtomicReference<>();
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new FlushConsolidationHandler(256, true));
                            FrameCodec.install(ch.pipeline(), requests.limits().maxFrameBytes());
                            ch.pipeline().addLast("requests", new Handler(requests, dropAnswers));
                        }
                    });
            Channel ch = b.bind(address).sync().channel();
            LOG.info("node {}: serving clients on {}{}", nodeId, address, tls == null ? " (plain TCP: security none)" : " (TLS)");
            return new NodeServer(boss, workers, ch, dropAnswers);
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
        private final ClientSession session = new ClientSession();

        Handler(NodeRequests requests, AtomicReference<Predicate<Request>> dropAnswers) {
            this.requests = requests;
            this.dropAnswers = dropAnswers;
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
            byte[] frame = (byte[]) msg;
            Request request;
            try {
                request = ProtocolCodec.decodeRequest(frame);
                requests.limits().checkRequest(request, frame.length, "node " + requests.nodeId() + "'s");
            } catch (SizeLimitExceededException e) {
                long id = ProtocolCodec.requestIdOf(frame);
                LOG.warn("refused request {} from {}: {}", id, ctx.channel().remoteAddress(), e.getMessage());
                write(ctx, new Response(id, Status.ERROR, Responses.error(e)));
                return;
            } catch (RuntimeException e) {
                long id = ProtocolCodec.requestIdOf(frame);
                LOG.warn("malformed request from {} (request id {}): {}", ctx.channel().remoteAddress(), id, e.getMessage());
                if (id >= 0) {
                    ctx.writeAndFlush(ProtocolCodec.encode(new Response(id, Status.ERROR, Responses.error(e))));
                } else {
                    ctx.close();
                }
                return;
            }
            requests.handle(request, session).whenComplete((response, error) -> {
                Response r = error != null ? NodeRequests.failure(request.requestId(), error) : response;
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
            long id = ProtocolCodec.requestIdOf(o.head());
            int limit = requests.limits().maxFrameBytes();
            SizeLimitExceededException e = new SizeLimitExceededException("a request frame of " + ByteSizes.describe(o.length())
                    + " exceeds node " + requests.nodeId() + "'s max-frame-size of " + ByteSizes.describe(limit)
                    + "; it was not read nor applied", o.length(), limit);
            LOG.warn("refused request {} from {}: {}", id, ctx.channel().remoteAddress(), e.getMessage());
            if (id >= 0) {
                write(ctx, new Response(id, Status.ERROR, Responses.error(e)));
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            session.close();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}

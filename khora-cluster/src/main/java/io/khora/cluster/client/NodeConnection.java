package io.khora.cluster.client;

import io.khora.SpaceException;
import io.khora.cluster.ByteSizes;
import io.khora.SizeLimitExceededException;
import io.khora.cluster.protocol.AnswerParts;
import io.khora.cluster.protocol.FrameCodec;
import io.khora.cluster.protocol.SizeLimits;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.cluster.raft.TypeDeclaration;
import io.khora.internal.wire.JavaDeserialization;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * One client connection to one node: requests are written as frames and matched to their
 * responses by request id; a closed connection fails everything in flight with
 * {@link ConnectionLostException}. The connection introduces the client (HELLO, with its frame
 * limit) before anything else and declares each entry type once before its first use.
 *
 * <p>Sizes ({@link SizeLimits}): a request whose frame or entry is over the client's limit fails at
 * once with {@link SizeLimitExceededException} and is not sent; an answer the node split into parts
 * is joined ({@link AnswerParts}) before it is matched to its request.
 */
final class NodeConnection {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeConnection.class);

    /**
     * The connection to a node failed or closed. A request that was in flight (written, or being
     * written) may or may not have been applied ({@link #mayHaveArrived()}); one that could not be
     * written was not.
     */
    static final class ConnectionLostException extends SpaceException {
        private final boolean mayHaveArrived;

        ConnectionLostException(String message, boolean mayHaveArrived) {
            super(message);
            this.mayHaveArrived = mayHaveArrived;
        }

        /** Whether the request may have reached the node before the connection was lost. */
        boolean mayHaveArrived() {
            return mayHaveArrived;
        }
    }

    /** The node refused a type declaration with a status other than OK or ERROR (UNAVAILABLE while INITIAL, say). */
    static final class RefusedException extends SpaceException {
        private final Response response;

        RefusedException(String message, Response response) {
            super(message);
            this.response = response;
        }

        /** The node's answer. */
        Response response() {
            return response;
        }
    }

    /** A failure to declare a type or to say HELLO names no value. */
    private static final JavaDeserialization DECLARATION_ANSWERS = JavaDeserialization.refused("a node's refusal");

    private final String nodeId;
    private final Channel channel;
    private final SizeLimits limits;
    private final AnswerParts parts = new AnswerParts();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Response>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> declared = new ConcurrentHashMap<>();
    private final Map<Long, java.util.function.Consumer<Response>> streams = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private NodeConnection(String nodeId, Channel channel, SizeLimits limits) {
        this.nodeId = nodeId;
        this.channel = channel;
        this.limits = limits;
    }

    /** Connects to {@code address} over plain TCP without authenticating (see the full {@link #open}). */
    static CompletableFuture<NodeConnection> open(EventLoopGroup group, String nodeId, InetSocketAddress address, long clientHigh,
                                                  long clientLow, boolean leaderLocalReads, int connectTimeoutMillis, SizeLimits limits) {
        return open(group, nodeId, address, clientHigh, clientLow, leaderLocalReads, connectTimeoutMillis, limits, ClientHandshake.PLAIN);
    }

    /**
     * Connects to {@code address}, completes the TLS handshake ({@code handshake}), says HELLO with
     * the client's id and frame limit, authenticates, and completes with the open connection. Fails
     * with {@link ConnectionLostException} if the node cannot be reached or the TLS handshake fails
     * (the message says why: an unknown CA, a host name the certificate does not hold), or with
     * {@link io.khora.AuthenticationException} if the node refused the credentials.
     */
    static CompletableFuture<NodeConnection> open(EventLoopGroup group, String nodeId, InetSocketAddress address, long clientHigh,
                                                  long clientLow, boolean leaderLocalReads, int connectTimeoutMillis, SizeLimits limits,
                                                  ClientHandshake handshake) {
        CompletableFuture<NodeConnection> out = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<NodeConnection> holder = new java.util.concurrent.atomic.AtomicReference<>();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (handshake.tls()) {
                            handshake.install(ch, address, connectTimeoutMillis);
                        }
                        ch.pipeline().addLast(new FlushConsolidationHandler(256, true));
                        FrameCodec.install(ch.pipeline(), limits.maxFrameBytes());
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof FrameCodec.OversizedFrame o) {
                                    holder.get().oversized(o);
                                    return;
                                }
                                Response whole = holder.get().parts.accept(ProtocolCodec.decodeResponse((byte[]) msg));
                                if (whole != null) {
                                    holder.get().received(whole);
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                NodeConnection c = holder.get();
                                if (c != null) {
                                    c.closed("connection to node " + nodeId + " (" + address + ") closed");
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                });
        ChannelFuture cf = b.connect(address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address);
        holder.set(new NodeConnection(nodeId, cf.channel(), limits));
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                out.completeExceptionally(new ConnectionLostException("cannot connect to node " + nodeId + " at " + address + ": "
                        + f.cause().getMessage(), false));
                return;
            }
            NodeConnection c = holder.get();
            handshake.secured(c.channel).whenComplete((v, tlsError) -> {
                if (tlsError != null) {
                    c.close();
                    out.completeExceptionally(new ConnectionLostException("TLS handshake with node " + nodeId + " at " + address + " failed: "
                            + tlsCause(tlsError) + handshake.hint(), false));
                    return;
                }
                c.send(id -> new Request.Hello(id, clientHigh, clientLow, leaderLocalReads, limits.maxFrameBytes()),
                        connectTimeoutMillis).whenComplete((r, e) -> {
                    if (e != null) {
                        c.close();
                        out.completeExceptionally(new ConnectionLostException("node " + nodeId + " at " + address + " did not answer: " + e
                                + handshake.hint(), false));
                    } else if (r.status() != Status.OK) {
                        c.close();
                        out.completeExceptionally(new ConnectionLostException("node at " + address + " refused the client: " + r.status()
                                + (r.status() == Status.ERROR ? " " + Responses.readError(r.body(), DECLARATION_ANSWERS).getMessage() : ""), false));
                    } else {
                        handshake.authenticate(c, connectTimeoutMillis).whenComplete((ok, authError) -> {
                            if (authError != null) {
                                c.close();
                                out.completeExceptionally(io.khora.cluster.Futures.cause(authError));
                            } else {
                                out.complete(c);
                            }
                        });
                    }
                });
            });
        });
        return out;
    }

    /** The TLS exception behind {@code e} (Netty wraps it), as text. */
    private static String tlsCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof javax.net.ssl.SSLException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** The node's id ({@code ?} for a seed whose id is not known yet). */
    String nodeId() {
        return nodeId;
    }

    boolean isOpen() {
        return !closed && channel.isActive();
    }

    /**
     * Sends the request {@code make} builds with a fresh request id; completes with the response, or
     * fails with {@link ConnectionLostException} (see {@link ConnectionLostException#mayHaveArrived()}),
     * or with a timeout after {@code timeoutMillis} (the request may still be applied).
     */
    CompletableFuture<Response> send(LongFunction<Request> make, long timeoutMillis) {
        return send(make, timeoutMillis, null);
    }

    /**
     * As {@link #send(LongFunction, long)}, and if {@code stream} is not null, the EVENT and ENDED
     * frames that carry this request's id go to it — from before the request is written (a node may
     * push an event before its OK) until {@link #endStream}, a non-OK answer, or the connection's
     * close (which gives the stream a synthetic ENDED asking to re-subscribe).
     */
    CompletableFuture<Response> send(LongFunction<Request> make, long timeoutMillis, java.util.function.Consumer<Response> stream) {
        CompletableFuture<Response> f = send(make, stream);
        if (timeoutMillis > 0 && !f.isDone()) {
            f.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        return f;
    }

    private CompletableFuture<Response> send(LongFunction<Request> make, java.util.function.Consumer<Response> stream) {
        long id = ids.incrementAndGet();
        Request r = make.apply(id);
        CompletableFuture<Response> f = new CompletableFuture<>();
        if (stream != null) {
            streams.put(id, stream);
            f.whenComplete((resp, e) -> {
                if (e != null || resp.status() != Status.OK) {
                    streams.remove(id);
                }
            });
        }
        if (closed) {
            f.completeExceptionally(new ConnectionLostException("connection to node " + nodeId + " is closed", false));
            return f;
        }
        byte[] frame;
        try {
            frame = ProtocolCodec.encode(r);
            limits.checkRequest(r, frame.length, "this client's");
        } catch (RuntimeException e) {
            f.completeExceptionally(e); // not sent: nothing was applied
            return f;
        }
        inFlight.put(id, f);
        f.whenComplete((x, e) -> {
            inFlight.remove(id);
            parts.drop(id);
        });
        channel.writeAndFlush(frame).addListener(w -> {
            if (!w.isSuccess()) {
                f.completeExceptionally(new ConnectionLostException("cannot send to node " + nodeId + ": " + w.cause(), false));
            }
        });
        if (closed) { // closed between the check and the put: nothing will answer (and the write may have gone out)
            f.completeExceptionally(new ConnectionLostException("connection to node " + nodeId + " closed", true));
        }
        return f;
    }

    /**
     * Declares {@code types} (supertypes first) for {@code space} on this connection unless done;
     * completes when the node has them.
     */
    CompletableFuture<Void> declare(String space, List<TypeDeclaration> types, long timeoutMillis) {
        if (types.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        TypeDeclaration last = types.get(types.size() - 1);
        String key = space + '\u0000' + last.name();
        CompletableFuture<Void> known = declared.get(key);
        if (known != null && !known.isCompletedExceptionally()) {
            return known;
        }
        CompletableFuture<Void> f = send(id -> new Request.Declare(id, space, types), timeoutMillis).thenApply(r -> {
            if (r.status() == Status.OK) {
                return null;
            }
            throw r.status() == Status.ERROR ? Responses.readError(r.body(), DECLARATION_ANSWERS)
                    : new RefusedException("node " + nodeId + " could not declare " + last.name() + ": " + r.status() + " "
                    + Responses.readText(r.body()), r);
        });
        declared.put(key, f);
        return f;
    }

    /** Stops routing frames of request {@code id} to its stream. */
    void endStream(long id) {
        streams.remove(id);
    }

    private void received(Response r) {
        if (r.status() == Status.EVENT || r.status() == Status.ENDED) {
            java.util.function.Consumer<Response> s = r.status() == Status.ENDED ? streams.remove(r.requestId()) : streams.get(r.requestId());
            if (s != null) {
                s.accept(r);
            }
            return;
        }
        CompletableFuture<Response> f = inFlight.get(r.requestId());
        if (f != null) {
            f.complete(r);
        }
    }

    /**
     * The node sent a frame over the client's limit (a node splits larger answers, so this is a node
     * that does not): the request it answers fails, naming the size and the limit, with
     * {@link io.khora.OutcomeUnknownException} — a mutation may have been applied.
     */
    private void oversized(FrameCodec.OversizedFrame o) {
        long id = ProtocolCodec.responseIdOf(o.head());
        CompletableFuture<Response> f = id < 0 ? null : inFlight.get(id);
        String what = "node " + nodeId + " sent a frame of " + ByteSizes.describe(o.length()) + " (request " + id
                + "), over this client's max-frame-size of " + ByteSizes.describe(limits.maxFrameBytes());
        LOG.warn("{}; the frame was skipped", what);
        if (f != null) {
            f.completeExceptionally(new io.khora.OutcomeUnknownException(what + "; the answer was not read: if the request"
                    + " was a mutation, whether it was applied is unknown", null));
        }
        if (o.closing()) { // a length beyond any frame limit: the stream cannot be followed any further
            close();
        }
    }

    private void closed(String why) {
        closed = true;
        parts.clear();
        for (CompletableFuture<Response> f : inFlight.values()) {
            f.completeExceptionally(new ConnectionLostException(why, true));
        }
        for (Long id : List.copyOf(streams.keySet())) {
            java.util.function.Consumer<Response> s = streams.remove(id);
            if (s != null) {
                s.accept(new Response(id, Status.ENDED, Responses.ended(true, why)));
            }
        }
    }

    /** Closes the connection; requests in flight fail. */
    void close() {
        closed = true;
        channel.close();
        closed("connection to node " + nodeId + " closed by the client");
    }
}

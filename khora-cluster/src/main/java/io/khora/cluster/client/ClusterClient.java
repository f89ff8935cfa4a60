package io.khora.cluster.client;

import io.khora.SpaceException;
import io.khora.SpaceState;
import io.khora.NoLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.SpaceLayout;
import io.khora.cluster.protocol.Status;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.TypeDeclaration;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.metrics.MetricsListener;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Routes requests for one space to the nodes: each partition's request goes to the node the
 * client believes leads it, and the answer corrects the belief — NOT_LEADER names the leader,
 * a silent or closed node is suspected for a while and the partition's other replicas are tried.
 * Retries are safe: reads have no effect, and a mutation carries the same call sequence on every
 * attempt, so the partition applies it once (client id + call id deduplication). An operation
 * gives up after its budget ({@link ClientOptions#operationTimeout()}). Its failure is honest
 * ({@link CallOutcome}): a mutation that some attempt may have applied (its request was written and
 * then the attempt timed out, the connection dropped, or the node answered OUTCOME_UNKNOWN) ends
 * with a resendable {@link OutcomeUnknownException} unless a later attempt got a definitive answer;
 * any other failure of a mutation means it was not applied.
 */
final class ClusterClient implements AutoCloseable {
    static {
        io.khora.internal.logging.QuietSlf4j.install(); // before anything logs: no SLF4J warning without a backend
    }

    private static final Logger LOG = LoggerFactory.getLogger(ClusterClient.class);
    private static final long SUSPECT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final KhoraUri uri;
    private final ClientOptions options;
    private final EventLoopGroup group;
    private final long clientHigh;
    private final long clientLow;
    private final CallSequences calls;
    private final Map<String, InetSocketAddress> nodes = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<NodeConnection>> connections = new ConcurrentHashMap<>();
    private final Map<String, Long> suspectUntil = new ConcurrentHashMap<>();
    private final SpaceLayout layout;
    private final AtomicReferenceArray<String> leaders;
    private final ClientHandshake handshake;
    private final JavaDeserialization answers;
    private final SpaceStates states;
    private volatile boolean closed;

    private ClusterClient(KhoraUri uri, EventLoopGroup group, SpaceLayout layout, UUID id, ClientHandshake handshake,
                          JavaDeserialization answers) {
        this.uri = uri;
        this.handshake = handshake;
        this.answers = answers;
        this.states = new SpaceStates(layout.partitions(), System::nanoTime);
        this.options = uri.options();
        this.group = group;
        this.layout = layout;
        this.clientHigh = id.getMostSignificantBits();
        this.clientLow = id.getLeastSignificantBits();
        this.leaders = new AtomicReferenceArray<>(layout.partitions());
        this.calls = new CallSequences(layout.partitions());
        for (SpaceLayout.NodeAddress n : layout.nodes()) {
            nodes.put(n.id(), InetSocketAddress.createUnresolved(n.host(), n.port()));
        }
        for (int p = 0; p < layout.partitions(); p++) {
            leaders.set(p, layout.placement().get(p).leader());
        }
    }

    /**
     * Connects: asks the seeds, in order, for the space's layout; fails if none answers, or at once
     * if a node refuses the credentials or the principal may not read the space (every node would).
     * Java-serialized values in answers are deserialized ({@link JavaDeserialization#TRUSTED}: a
     * client trusts the nodes it connects to, within the JVM's {@code jdk.serialFilter}).
     */
    static ClusterClient connect(KhoraUri uri) {
        return connect(uri, JavaDeserialization.TRUSTED);
    }

    /** Connects as {@link #connect(KhoraUri)}; Java-serialized values in answers get {@code answers} (a node's internal client: its own decision). */
    static ClusterClient connect(KhoraUri uri, JavaDeserialization answers) {
        ClientHandshake handshake;
        try {
            handshake = ClientHandshake.of(uri.options().security());
        } catch (IllegalArgumentException e) {
            throw new SpaceException("cannot connect to space '" + uri.space() + "': " + e.getMessage(), e);
        }
        EventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("khora-client", true));
        UUID id = UUID.randomUUID();
        List<String> failures = new ArrayList<>();
        long timeout = uri.options().connectTimeout().toMillis() + uri.options().attemptTimeout().toMillis();
        for (InetSocketAddress seed : uri.seeds()) {
            NodeConnection c = null;
            try {
                c = NodeConnection.open(group, "seed " + seed, seed, id.getMostSignificantBits(), id.getLeastSignificantBits(), false,
                        (int) uri.options().connectTimeout().toMillis(), uri.options().sizeLimits(), handshake).get(timeout, TimeUnit.MILLISECONDS);
                Response r = c.send(rid -> new Request.Layout(rid, uri.space()), uri.options().attemptTimeout().toMillis())
                        .get(timeout, TimeUnit.MILLISECONDS);
                if (r.status() == Status.OK) {
                    SpaceLayout layout = Responses.readLayout(r.body());
                    LOG.info("client connected to space '{}' ({} partitions) through {}", uri.space(), layout.partitions(), seed);
                    return new ClusterClient(uri, group, layout, id, handshake, answers);
                }
                if (r.status() == Status.ERROR) {
                    RuntimeException e = Responses.readError(r.body());
                    failures.add(seed + ": " + e.getMessage() + (e instanceof io.khora.AuthenticationException
                            && !uri.options().security().authenticates() ? " (this client gives no credentials: add user=<name>&password-file=<path>,"
                            + " or tls-cert=<pem>&tls-key=<pem>)" : ""));
                    if (e instanceof io.khora.AuthenticationException || e instanceof io.khora.AccessDeniedException) {
                        break; // every node has the same users: another seed would say the same
                    }
                    continue;
                }
                failures.add(seed + ": " + r.status() + " " + Responses.readText(r.body()));
                if (r.status() == Status.UNAVAILABLE && Responses.readText(r.body()).startsWith("no space")) {
                    break; // every node has the same spec: the space does not exist
                }
            } catch (Exception e) {
                Throwable cause = unwrap(e);
                failures.add(seed + ": " + cause.getMessage());
                if (cause instanceof io.khora.AuthenticationException) {
                    break; // every node has the same users: another seed would refuse too (and count one more failure)
                }
            } finally {
                if (c != null) {
                    c.close();
                }
            }
        }
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        throw new SpaceException("cannot connect to space '" + uri.space() + "': " + String.join("; ", failures));
    }

    String space() {
        return uri.space();
    }

    ClientOptions options() {
        return options;
    }

    /** What Java-serialized values in this client's answers get. */
    JavaDeserialization answers() {
        return answers;
    }

    int partitions() {
        return layout.partitions();
    }

    /** The client's call numbers (a mutation keeps its number over all its attempts). */
    CallSequences calls() {
        return calls;
    }

    /**
     * Sends the request {@code make} builds to the leader of {@code partition} (or to any node for
     * -1), retrying as the class comment says, after declaring {@code types} on the connection.
     *
     * @param waitMillis how long the request may legitimately park at the node (added to the attempt timeout)
     * @return the OK response; fails with the operation's own exception for ERROR, or with the
     *         last reason once the budget is spent
     */
    CompletableFuture<Response> call(int partition, List<TypeDeclaration> types, LongFunction<Request> make, long waitMillis) {
        Call c = new Call(partition, types, make, waitMillis, false);
        attempt(c);
        return c.result;
    }

    /**
     * Proposes {@code c} to {@code partition} as a call of this client ({@link #callOnce}). Returns
     * the decoded result.
     *
     * @param types the declarations the command's types need on the connection
     * @param allReplicas acknowledge only once every replica has it
     */
    CompletableFuture<Object> mutate(int partition, List<TypeDeclaration> types, Command c, boolean allReplicas) {
        return callOnce(partition, types, (id, seq, answeredBelow, retry) -> new Request.Mutate(id, space(), partition, seq, answeredBelow,
                retry, allReplicas, c), 0, r -> Responses.readMutationResult(c, r.body(), answers));
    }

    /** Builds one attempt's request of a call. */
    interface CallRequest {
        /**
         * @param requestId the attempt's request id
         * @param sequence the call's number (the same on every attempt and resend)
         * @param answeredBelow the client's report of which calls are answered for good
         * @param retry whether the call may have been sent before
         */
        Request build(long requestId, long sequence, long answeredBelow, boolean retry);
    }

    /**
     * Sends a mutation as a call of this client: one call sequence number for every attempt (so the
     * partition applies it once), ended when the final answer arrives. If it ends without a
     * definitive answer after an attempt that may have applied it, it fails with a resendable
     * {@link OutcomeUnknownException} and its number stays open until it is resent and answered,
     * abandoned, or {@link #RESEND_WINDOW_NANOS} after it began.
     *
     * @param waitMillis how long the request may legitimately park at the node
     * @param decode the call's result from the OK response
     */
    <R> CompletableFuture<R> callOnce(int partition, List<TypeDeclaration> types, CallRequest request, long waitMillis,
                                      Function<Response, R> decode) {
        long seq = calls.begin(partition);
        return sendCall(partition, types, request, waitMillis, decode, seq, false, System.nanoTime() + RESEND_WINDOW_NANOS);
    }

    /**
     * How long after a call began it may be resent: the partition forgets a client idle for 10
     * minutes of log time (then a retry of an applied call would be applied again); two minutes are
     * left for the resend's own attempts and for clocks.
     */
    static final long RESEND_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(
            io.khora.cluster.raft.PartitionStateMachine.DEFAULT_CLIENT_IDLE_MILLIS) - TimeUnit.MINUTES.toNanos(2);

    private <R> CompletableFuture<R> sendCall(int partition, List<TypeDeclaration> types, CallRequest request, long waitMillis,
                                              Function<Response, R> decode, long seq, boolean sentBefore, long resendDeadline) {
        AtomicBoolean sent = new AtomicBoolean(sentBefore);
        Call c = new Call(partition, types, id -> request.build(id, seq, calls.answeredBelow(partition), sent.getAndSet(true)),
                waitMillis, true);
        c.resend = new OutcomeUnknownException.Resend() {
            @Override
            public CompletableFuture<Object> resend() {
                if (!calls.resume(partition, seq)) {
                    return CompletableFuture.failedFuture(new OutcomeUnknownException("space '" + uri.space() + "' partition " + partition
                            + ": call #" + seq + " can no longer be resent: it was abandoned, or began more than "
                            + TimeUnit.NANOSECONDS.toMinutes(RESEND_WINDOW_NANOS) + " minutes ago (the partition may have forgotten it);"
                            + " its outcome stays unknown", null));
                }
                return sendCall(partition, types, request, waitMillis, decode, seq, true, resendDeadline).thenApply(r -> (Object) r);
            }

            @Override
            public void abandon() {
                calls.end(partition, seq);
            }
        };
        attempt(c);
        return c.result.handle((r, e) -> {
            if (e == null) {
                calls.end(partition, seq);
                return decode.apply(r);
            }
            Throwable failure = unwrap(e);
            if (failure instanceof OutcomeUnknownException u && u.isResendable()) {
                calls.hold(partition, seq, resendDeadline);
            } else {
                calls.end(partition, seq);
            }
            throw failure instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(failure);
        });
    }

    /**
     * A subscription open at a node: the connection its frames arrive on and the SUBSCRIBE's id.
     *
     * @param connection where the stream lives
     * @param id the SUBSCRIBE's request id
     */
    record Stream(NodeConnection connection, long id) {
    }

    /**
     * Like {@link #call}, for a request answered by a stream of frames (SUBSCRIBE): {@code frames}
     * gets its EVENT and ENDED frames; completes with where the stream lives once the node said OK.
     */
    CompletableFuture<Stream> open(int partition, List<TypeDeclaration> types, LongFunction<Request> make,
                                   java.util.function.Consumer<Response> frames) {
        Call c = new Call(partition, types, make, 0, false);
        c.stream = frames;
        attempt(c);
        return c.result.thenApply(r -> new Stream(c.answeredOn, r.requestId()));
    }

    private final class Call {
        java.util.function.Consumer<Response> stream;
        volatile NodeConnection answeredOn;
        final int partition;
        final List<TypeDeclaration> types;
        final LongFunction<Request> make;
        final long waitMillis;
        final long deadline;
        final CompletableFuture<Response> result = new CompletableFuture<>();
        final CallOutcome outcome;
        /** How to send a mutation again with its call id (null for a read). */
        OutcomeUnknownException.Resend resend;
        int attempts;
        int backoffs;

        Call(int partition, List<TypeDeclaration> types, LongFunction<Request> make, long waitMillis, boolean mutation) {
            this.partition = partition;
            this.types = types;
            this.make = make;
            this.waitMillis = waitMillis;
            this.outcome = new CallOutcome(mutation);
            this.deadline = System.nanoTime() + options.operationTimeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
            if (options.metrics() != MetricsListener.NONE) {
                result.whenComplete((r, e) -> options.metrics().clientOutcome(uri.space(),
                        e == null ? "ok" : unwrap(e) instanceof OutcomeUnknownException ? "unknown" : "failed"));
            }
        }
    }

    private void attempt(Call c) {
        if (closed) {
            c.result.completeExceptionally(c.outcome.giveUp(closedMessage(c), uri.space(), c.partition, null));
            return;
        }
        if (System.nanoTime() - c.deadline >= 0) {
            c.result.completeExceptionally(giveUp(c));
            return;
        }
        if (c.attempts > 0) {
            options.metrics().clientRetry(uri.space());
        }
        String node = pick(c.partition, c.attempts++);
        long attemptMillis = options.attemptTimeout().toMillis();
        AtomicBoolean sent = new AtomicBoolean();
        connection(node)
                .thenCompose(conn -> conn.declare(uri.space(), c.types, attemptMillis)
                        .thenCompose(v -> {
                            c.answeredOn = conn;
                            sent.set(true);
                            return conn.send(c.make, attemptMillis + Math.max(0, c.waitMillis), c.stream);
                        }))
                .whenComplete((resp, err) -> {
                    if (err == null) {
                        answered(c, node, resp);
                        return;
                    }
                    Throwable e = unwrap(err);
                    if (e instanceof NodeConnection.RefusedException refused) {
                        answered(c, node, refused.response()); // the type declaration was refused: a status like any other
                    } else if (e instanceof NodeConnection.ConnectionLostException || e instanceof TimeoutException) {
                        suspect(node);
                        SpaceException why = e instanceof TimeoutException
                                ? new SpaceException("node " + node + " did not answer within " + (attemptMillis + c.waitMillis) + " ms")
                                : (SpaceException) e;
                        boolean mayHaveArrived = e instanceof TimeoutException || ((NodeConnection.ConnectionLostException) e).mayHaveArrived();
                        if (sent.get() && mayHaveArrived) {
                            c.outcome.unanswered(why);
                        } else {
                            c.outcome.refused(why);
                        }
                        retryLater(c);
                    } else {
                        c.result.completeExceptionally(c.outcome.failed(e, c.resend));
                    }
                });
    }

    /** Handles a node's answer to one attempt (or to its type declaration). */
    private void answered(Call c, String node, Response resp) {
        switch (resp.status()) {
            case OK -> {
                if (c.partition >= 0) {
                    leaders.set(c.partition, node);
                }
                c.result.complete(resp);
            }
            case ERROR -> c.result.completeExceptionally(c.outcome.answered(Responses.readError(resp.body(), answers), c.resend));
            case NOT_LEADER -> {
                String hint = Responses.readText(resp.body());
                c.outcome.refused(new NoLeaderException(uri.space(), c.partition, "node " + node + " is not the leader"
                        + (hint == null ? "" : "; it names " + hint)));
                if (c.partition >= 0) {
                    leaders.compareAndSet(c.partition, node, null);
                    if (hint != null && !hint.equals(node) && nodes.containsKey(hint) && !isSuspect(hint)) {
                        leaders.set(c.partition, hint);
                        if (c.attempts % 4 != 0) {
                            attempt(c);
                            return;
                        }
                    }
                }
                retryLater(c);
            }
            case NO_LEADER, UNAVAILABLE -> {
                c.outcome.refused(resp.status() == Status.NO_LEADER
                        ? new NoLeaderException(uri.space(), c.partition, Responses.readText(resp.body()))
                        : new SpaceException("node " + node + ": " + Responses.readText(resp.body())));
                if (c.partition >= 0) {
                    leaders.compareAndSet(c.partition, node, null);
                }
                retryLater(c);
            }
            case OUTCOME_UNKNOWN -> {
                c.outcome.unanswered(new OutcomeUnknownException("node " + node + ": " + Responses.readText(resp.body()), null));
                retryLater(c);
            }
            default -> c.result.completeExceptionally(new SpaceException("node " + node + " answered " + resp.status()
                    + " to a request (a protocol error)"));
        }
    }

    private void retryLater(Call c) {
        long delay = RetryBackoff.delayMillis(c.backoffs++) + ThreadLocalRandom.current().nextLong(5);
        if (closed) {
            c.result.completeExceptionally(c.outcome.giveUp(closedMessage(c), uri.space(), c.partition, null));
            return;
        }
        group.schedule(() -> attempt(c), delay, TimeUnit.MILLISECONDS);
    }

    private String closedMessage(Call c) {
        return "space '" + uri.space() + "'" + (c.partition >= 0 ? " partition " + c.partition : "") + ": the client is closed";
    }

    private RuntimeException giveUp(Call c) {
        String what = "space '" + uri.space() + "'" + (c.partition >= 0 ? " partition " + c.partition : "") + ": no answer within "
                + options.operationTimeout() + " after " + c.attempts + " attempts";
        return c.outcome.giveUp(what, uri.space(), c.partition, c.resend);
    }

    /** The node to try: the believed leader unless suspected, else the partition's replicas (or all nodes) in turn. */
    private String pick(int partition, int attempt) {
        if (partition >= 0) {
            String leader = leaders.get(partition);
            if (leader != null && !isSuspect(leader)) {
                return leader;
            }
        }
        List<String> candidates = partition >= 0 ? layout.placement().get(partition).replicas() : new ArrayList<>(nodes.keySet());
        List<String> healthy = candidates.stream().filter(n -> !isSuspect(n)).toList();
        List<String> from = healthy.isEmpty() ? candidates : healthy;
        int start = partition >= 0 ? attempt : attempt + ThreadLocalRandom.current().nextInt(from.size());
        return from.get(Math.floorMod(start, from.size()));
    }

    private boolean isSuspect(String node) {
        Long until = suspectUntil.get(node);
        return until != null && System.nanoTime() - until < 0;
    }

    private void suspect(String node) {
        suspectUntil.put(node, System.nanoTime() + SUSPECT_NANOS);
        for (int p = 0; p < leaders.length(); p++) {
            leaders.compareAndSet(p, node, null);
        }
        CompletableFuture<NodeConnection> f = connections.remove(node);
        if (f != null) {
            f.thenAccept(NodeConnection::close);
        }
    }

    private CompletableFuture<NodeConnection> connection(String node) {
        CompletableFuture<NodeConnection> f = connections.get(node);
        if (f != null && (!f.isDone() || (!f.isCompletedExceptionally() && f.join().isOpen()))) {
            return f;
        }
        InetSocketAddress address = nodes.get(node);
        if (address == null) {
            return CompletableFuture.failedFuture(new NodeConnection.ConnectionLostException("unknown node " + node, false));
        }
        CompletableFuture<NodeConnection> fresh = NodeConnection.open(group, node, address, clientHigh, clientLow,
                options.reads() == ReadConsistency.LEADER_LOCAL,
                (int) options.connectTimeout().toMillis(), options.sizeLimits(), handshake);
        CompletableFuture<NodeConnection> prev = f == null ? connections.putIfAbsent(node, fresh)
                : (connections.replace(node, f, fresh) ? null : connections.get(node));
        if (prev != null && prev != fresh) {
            fresh.thenAccept(NodeConnection::close);
            return prev;
        }
        return fresh;
    }

    /**
     * The space's state as the cluster reports it: every node is asked for its layout and the answers
     * merged. READY while every partition has a leader somewhere (a node that names it; a node names
     * itself only while it serves), whatever else a node is doing (restarting, say); INITIAL only
     * while no node that answers has reached min-seeders (they answer UNAVAILABLE); RECOVER when some
     * partition has no leader, or no node answers.
     */
    SpaceState state() {
        List<CompletableFuture<Response>> asks = new ArrayList<>();
        for (String node : nodes.keySet()) {
            asks.add(connection(node).thenCompose(c -> c.send(id -> new Request.Layout(id, uri.space()), options.attemptTimeout().toMillis())));
        }
        boolean[] led = new boolean[layout.partitions()];
        int started = 0;
        int initial = 0;
        for (CompletableFuture<Response> f : asks) {
            try {
                Response r = f.get(options.attemptTimeout().toMillis() + options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
                if (r.status() == Status.UNAVAILABLE) {
                    initial++; // the space has not reached min-seeders there
                    continue;
                }
                if (r.status() != Status.OK) {
                    continue;
                }
                started++;
                SpaceLayout l = Responses.readLayout(r.body());
                for (int p = 0; p < l.partitions(); p++) {
                    led[p] |= l.placement().get(p).leader() != null;
                }
            } catch (Exception e) {
                // that node is down or slow: the others decide
            }
        }
        return states.observe(started, initial, led);
    }

    static Throwable unwrap(Throwable e) {
        return io.khora.cluster.Futures.cause(e);
    }

    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<NodeConnection> f : connections.values()) {
            f.thenAccept(NodeConnection::close);
        }
        connections.clear();
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
    }
}

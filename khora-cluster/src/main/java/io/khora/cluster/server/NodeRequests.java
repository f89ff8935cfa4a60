package io.khora.cluster.server;

import io.khora.Lease;
import io.khora.SpaceClosedException;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.NoLeaderException;
import io.khora.NotLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.replica.ReplicatedPartition;
import io.khora.cluster.protocol.NodeStatus;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.StoredEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.persistence.Partitioning;
import io.khora.internal.wire.JavaDeserialization;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Answers client requests on a node: finds the local replica of the addressed partition and runs
 * the operation there. Reads run on the caller's (event loop) thread; mutations and waits answer
 * when the replica's future completes. Every failure becomes a status the client knows how to
 * handle: NOT_LEADER (with the leader's id when known), NO_LEADER, OUTCOME_UNKNOWN, UNAVAILABLE,
 * or ERROR with the operation's own exception.
 */
final class NodeRequests {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRequests.class);
    /** Longest a single parked wait lasts at a node; the client re-issues a longer (or FOREVER) wait. */
    static final long MAX_PARK_MILLIS = 30_000;

    private final KhoraNode node;
    private final ScheduledExecutorService timer;
    private final Authenticator authenticator;
    private final RequestMetrics metrics;

    NodeRequests(KhoraNode node, ScheduledExecutorService timer, Authenticator authenticator) {
        this.node = node;
        this.timer = timer;
        this.authenticator = authenticator;
        this.metrics = new RequestMetrics(node.config().metrics());
    }

    /** Where the answered requests are reported. */
    RequestMetrics metrics() {
        return metrics;
    }

    /** Who authenticates this node's connections. */
    Authenticator authenticator() {
        return authenticator;
    }

    /**
     * Handles {@code r} for {@code session}; the future never fails (failures are responses). Every
     * request is checked first against {@link Access}: before the connection authenticated only
     * HELLO and AUTH are answered (anything else gets "authentication required", naming nothing of
     * the node's spaces), after it only what the principal's roles on the space allow.
     */
    CompletableFuture<Response> handle(Request r, ClientSession session) {
        try {
            Access access = Access.of(r);
            io.khora.cluster.server.security.Principal principal = authenticator.principalOf(session);
            if (!access.beforeAuthentication()) {
                if (principal == null) {
                    throw new io.khora.AuthenticationException("authentication required");
                }
                if (!access.allowedBy(principal.grants())) {
                    throw new io.khora.AccessDeniedException(principal.describe() + " may not " + access.what() + " space '"
                            + access.space() + "': that needs " + access.needed() + " (its roles there: "
                            + principal.grants().on(access.space()).stream().map(io.khora.cluster.server.security.Role::fileName).toList()
                            + ")");
                }
            }
            if (r instanceof Request.Auth a) {
                return done(r, Status.OK, authenticator.authenticate(a, session));
            } else if (r instanceof Request.Hello h) {
                session.identify(h.clientHigh(), h.clientLow(), h.leaderLocalReads(), h.maxFrame());
                return done(r, Status.OK, Responses.text(node.id()));
            } else if (r instanceof Request.Layout l) {
                return done(r, Status.OK, Responses.layout(node.layout(space(l.space()))));
            } else if (r instanceof Request.Status) {
                return done(r, Status.OK, Responses.status(StatusView.of(node.status(), principal.grants())));
            } else if (r instanceof Request.Declare d) {
                space(d.space()).declare(d.declarations());
                return done(r, Status.OK, Responses.empty());
            } else if (r instanceof Request.Mutate m) {
                return mutate(m, session);
            } else if (r instanceof Request.ReadById rb) {
                ReplicatedPartition p = leaderReplica(rb.space(), rb.partition());
                TypeDescriptor t = space(rb.space()).types().get(rb.typeName());
                return confirmed(p, session, r, Responses.optionalEntry(p.readById(t, rb.id())));
            } else if (r instanceof Request.Count c) {
                ReplicatedPartition p = leaderReplica(c.space(), c.partition());
                TypeDescriptor t = space(c.space()).types().get(c.typeName());
                return confirmed(p, session, r, Responses.count(p.count(t, c.query())));
            } else if (r instanceof Request.Query q) {
                return query(q, session);
            } else if (r instanceof Request.Subscribe s) {
                return subscribe(s, session);
            } else if (r instanceof Request.Unsubscribe u) {
                session.unsubscribe(u.subscription());
                return done(r, Status.OK, Responses.empty());
            } else if (r instanceof Request.OutboxPull o) {
                ReplicatedPartition p = leaderReplica(o.space(), o.partition());
                return p.outboxPull(o.after(), o.max(), Math.min(o.waitMillis(), MAX_PARK_MILLIS), o.epoch())
                        .handle((slice, error) -> error != null ? failure(r.requestId(), error)
                                : new Response(r.requestId(), Status.OK, Responses.outboxSlice(slice)));
            }
            throw new IllegalArgumentException("unsupported request " + r);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(r.requestId(), e));
        }
    }

    private CompletableFuture<Response> mutate(Request.Mutate m, ClientSession session) {
        ReplicatedPartition p = leaderReplica(m.space(), m.partition());
        HostedSpace space = space(m.space());
        Command c = m.command();
        CallId call = callId(session, m.callSequence(), m.answeredBelow(), m.retry());
        CompletableFuture<?> f;
        if (c instanceof Command.Write w) {
            TypeDescriptor t = space.types().get(w.typeName());
            checkRouting(space, m.partition(), t, w.values());
            f = p.write(t, w.values(), w.lease(), w.mode(), call);
        } else if (c instanceof Command.TakeById t) {
            f = p.takeById(space.types().get(t.typeName()), t.id(), call);
        } else if (c instanceof Command.TakeQuery t) {
            f = p.take(space.types().get(t.typeName()), t.query(), t.max(), Math.min(t.maxBytes(), takeBudget(session)), call);
        } else if (c instanceof Command.Change ch) {
            f = p.change(space.types().get(ch.typeName()), ch.query(), ch.changes(), call);
        } else if (c instanceof Command.Clear cl) {
            f = p.clear(space.types().get(cl.typeName()), cl.query(), call);
        } else if (c instanceof Command.Renew rn) {
            f = p.renew(space.types().get(rn.typeName()), rn.id(), rn.lease(), call);
        } else if (c instanceof Command.OutboxAck || c instanceof Command.MirrorLease) {
            f = p.mirrorCommand(c, call);
        } else if (c instanceof Command.TxPrepare tp) {
            List<TypeDescriptor> used = new ArrayList<>();
            for (Command op : tp.ops()) {
                if (op instanceof Command.Write w) {
                    TypeDescriptor t = space.types().get(w.typeName());
                    checkRouting(space, m.partition(), t, w.values());
                    used.add(t);
                } else {
                    used.add(space.types().get(((Command.TakeById) op).typeName()));
                }
            }
            f = p.transact(used, c, call);
        } else if (c instanceof Command.TxCommit || c instanceof Command.TxAbort) {
            f = p.transact(List.of(), c, call);
        } else {
            throw new IllegalArgumentException("a client may not propose " + c.getClass().getSimpleName());
        }
        CompletableFuture<Response> answer = f.handle((result, error) -> error != null
                ? failure(m.requestId(), error)
                : new Response(m.requestId(), Status.OK, Responses.mutationResult(c, result)));
        return m.allReplicas() ? answer.thenCompose(resp -> resp.status() == Status.OK ? onAllReplicas(p, resp) : CompletableFuture.completedFuture(resp))
                : answer;
    }

    /**
     * The OK answer of a read already made at {@code p}: at once for a client that asked for
     * leader-local reads, else once {@code p} has confirmed it still leads (a linearizable read; a
     * deposed or unsure leader answers NO_LEADER, naming no one).
     */
    private static CompletableFuture<Response> confirmed(ReplicatedPartition p, ClientSession session, Request r, byte[] body) {
        if (session.leaderLocalReads()) {
            return done(r, Status.OK, body);
        }
        return p.confirmLeadership().handle((v, error) -> error != null ? failure(r.requestId(), error)
                : new Response(r.requestId(), Status.OK, body));
    }

    /** Holds an acknowledged response until every follower's log has reached the leader's commit index. */
    private CompletableFuture<Response> onAllReplicas(ReplicatedPartition p, Response ok) {
        long target = p.commitIndex();
        long deadline = System.nanoTime() + node.config().allReplicasTimeout().toNanos();
        CompletableFuture<Response> out = new CompletableFuture<>();
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            Map<String, Long> match = p.followerMatchIndexes();
            int expected = node.config().spec().space(p.config().spaceName()).orElseThrow().replicas() - 1;
            boolean all = match.size() >= expected && match.values().stream().allMatch(i -> i >= target);
            if (all) {
                out.complete(ok);
            } else if (System.nanoTime() - deadline >= 0 || !p.isLeader()) {
                out.complete(failure(ok.requestId(), new io.khora.SpaceException("the write is committed on a majority of space '"
                        + p.config().spaceName() + "' partition " + p.config().partitionId() + " but not every replica confirmed it within "
                        + node.config().allReplicasTimeout() + " (replicas' log positions " + match + ", needed " + target + ")")));
            } else {
                timer.schedule(check[0], 1, TimeUnit.MILLISECONDS);
            }
        };
        check[0].run();
        return out;
    }

    private CompletableFuture<Response> query(Request.Query q, ClientSession session) {
        ReplicatedPartition p = leaderReplica(q.space(), q.partition());
        TypeDescriptor t = space(q.space()).types().get(q.typeName());
        if (q.waitMillis() == 0) {
            if (!q.take()) {
                return confirmed(p, session, q, Responses.entries(p.read(t, q.query(), q.max())));
            }
            CompletableFuture<List<StoredEntry>> taken = p.take(t, q.query(), q.max(), takeBudget(session),
                    callId(session, q.callSequence(), q.answeredBelow(), q.retry()));
            return taken.handle((list, error) -> error != null ? failure(q.requestId(), error)
                    : new Response(q.requestId(), Status.OK, Responses.entries(list)));
        }
        long millis = q.waitMillis() < 0 || q.waitMillis() > MAX_PARK_MILLIS ? MAX_PARK_MILLIS : q.waitMillis();
        Duration wait = Duration.ofMillis(millis);
        CompletableFuture<List<StoredEntry>> waiting = q.take()
                ? p.take(t, q.query(), q.max(), takeBudget(session), wait, callId(session, q.callSequence(), q.answeredBelow(), q.retry()))
                : p.read(t, q.query(), q.max(), wait);
        session.park(waiting);
        if (!q.take()) {
            return waiting.handle((list, error) -> error != null ? CompletableFuture.completedFuture(failure(q.requestId(), error))
                    : confirmed(p, session, q, Responses.entries(list))).thenCompose(f -> f);
        }
        return waiting.handle((list, error) -> {
            if (error != null) {
                return failure(q.requestId(), error);
            }
            if (q.take() && session.isClosed() && !list.isEmpty()) {
                CallId call = callId(session, q.callSequence(), q.answeredBelow(), q.retry());
                if (call == null) {
                    restore(space(q.space()), p, list);
                } else {
                    giveBack(p, call, list);
                }
                return failure(q.requestId(), new SpaceClosedException(q.space()));
            }
            return new Response(q.requestId(), Status.OK, Responses.entries(list));
        });
    }

    /**
     * Subscribes at the leader; events and the subscription's end are pushed on the connection as
     * EVENT and ENDED frames carrying the SUBSCRIBE's request id.
     */
    private CompletableFuture<Response> subscribe(Request.Subscribe s, ClientSession session) {
        ReplicatedPartition p = leaderReplica(s.space(), s.partition());
        TypeDescriptor t = space(s.space()).types().get(s.typeName());
        long id = s.requestId();
        io.khora.Subscription sub = p.subscribe(t, s.query(), s.events(),
                ev -> session.push(new Response(id, Status.EVENT, Responses.event(ev.type(), ev.entry()))),
                reason -> {
                    session.forget(id);
                    boolean moved = reason instanceof NotLeaderException || reason instanceof NoLeaderException
                            || reason instanceof SpaceClosedException;
                    session.push(new Response(id, Status.ENDED, Responses.ended(moved, reason.getMessage())));
                });
        session.subscribed(id, sub);
        return done(s, Status.OK, Responses.empty());
    }

    /**
     * Puts entries back that were taken for a client that has gone before it could receive them, so
     * no entry is lost with the connection.
     */
    private static void restore(HostedSpace space, ReplicatedPartition p, List<StoredEntry> entries) {
        long now = p.stateMachine().ticker().millis();
        for (StoredEntry e : entries) {
            Lease lease = e.expiresAt() == Long.MAX_VALUE ? Lease.FOREVER : Lease.ofMillis(Math.max(1, e.expiresAt() - now));
            TypeDescriptor t = space.types().get(e.typeName());
            p.write(t, e.values().clone(), lease, WriteMode.UPDATE_OR_WRITE).whenComplete((r, err) -> {
                if (err != null) {
                    LOG.error("space '{}' partition {}: could not put back entry {} taken for a client that disconnected",
                            p.config().spaceName(), p.config().partitionId(), e, err);
                } else {
                    LOG.info("space '{}' partition {}: put back entry {} taken for a client that disconnected",
                            p.config().spaceName(), p.config().partitionId(), e);
                }
            });
        }
    }

    /** The response body of a take, decoded (for {@link #restore} when delivery failed). */
    static List<StoredEntry> takenEntries(Request r, Response resp) {
        if (resp.status() != Status.OK) {
            return List.of();
        }
        if (r instanceof Request.Query q && q.take()) {
            return Responses.readEntries(resp.body(), JavaDeserialization.TRUSTED); // this node's own answer
        }
        if (r instanceof Request.Mutate m) {
            Object result = Responses.readMutationResult(m.command(), resp.body(), JavaDeserialization.TRUSTED); // this node's own answer
            if (m.command() instanceof Command.TakeById) {
                return result == null ? List.of() : List.of((StoredEntry) result);
            }
            if (m.command() instanceof Command.TakeQuery) {
                @SuppressWarnings("unchecked")
                List<StoredEntry> list = (List<StoredEntry>) result;
                return list;
            }
        }
        return List.of();
    }

    /**
     * Puts back what a take response carried when the response could not be delivered — unless the take
     * was a call with an id: the partition remembers such a call with the entries it took, and the client
     * retries the same call when its connection is lost (on this node or on the next leader), receiving
     * them from that memory. Putting them back as well would hand the same entries out twice (seen in the
     * multi-process partition test: a leader frozen with a take in flight, resumed after the client had
     * closed the connection, put the entry back while the client's retry got it from the call memory).
     */
    void undeliverable(Request r, Response resp, ClientSession session) {
        List<StoredEntry> taken = takenEntries(r, resp);
        if (taken.isEmpty()) {
            return;
        }
        String space = r instanceof Request.Query q ? q.space() : ((Request.Mutate) r).space();
        int partition = r instanceof Request.Query q ? q.partition() : ((Request.Mutate) r).partition();
        CallId call = r instanceof Request.Query q ? callId(session, q.callSequence(), q.answeredBelow(), q.retry())
                : callId(session, ((Request.Mutate) r).callSequence(), ((Request.Mutate) r).answeredBelow(), ((Request.Mutate) r).retry());
        HostedSpace s = node.hostedSpace(space);
        ReplicatedPartition p = s == null ? null : s.replica(partition);
        if (call != null && p != null) {
            giveBack(p, call, taken);
            return;
        }
        if (p == null) {
            LOG.error("space '{}' partition {}: {} entries taken for a client that disconnected cannot be put back: the replica is gone",
                    space, partition, taken.size());
            return;
        }
        restore(s, p, taken);
    }

    /**
     * Gives back, atomically through the log, what a call took for a client whose connection closed:
     * unless the client's retry of the call already received the entries (then they stay with it),
     * the call is forgotten and the entries are written back. If this node no longer leads, the
     * entries stay remembered with the call, for the client's retry.
     */
    private static void giveBack(ReplicatedPartition p, CallId call, List<StoredEntry> taken) {
        p.returnTaken(call, taken).whenComplete((n, err) -> {
            if (err != null) {
                LOG.warn("space '{}' partition {}: {} entries taken by call {} of a client that disconnected stay with the call for its retry: {}",
                        p.config().spaceName(), p.config().partitionId(), taken.size(), call, err.toString());
            } else {
                LOG.info("space '{}' partition {}: {} of {} entries taken by call {} of a client that disconnected written back",
                        p.config().spaceName(), p.config().partitionId(), n, taken.size(), call);
            }
        });
    }

    private static void checkRouting(HostedSpace space, int partition, TypeDescriptor t, Object[] values) {
        int n = space.spec().partitions();
        Object routing = values[t.routingIndex()];
        if (routing != null && Partitioning.partitionOf(routing, n) != partition) {
            throw new IllegalArgumentException("entry of " + t.name() + " with routing value " + routing + " belongs to partition "
                    + Partitioning.partitionOf(routing, n) + " of space '" + space.spec().name() + "', not " + partition);
        }
    }

    /** This node's size limits (for the connection's frames and the checks of what it receives). */
    io.khora.cluster.protocol.SizeLimits limits() {
        return node.config().sizeLimits();
    }

    /** This node's configuration. */
    NodeConfig config() {
        return node.config();
    }

    /** This node's id. */
    String nodeId() {
        return node.id();
    }

    /** The largest frame the node sends {@code session}'s client: the smaller of the two sides' limits. */
    int frameTowards(ClientSession session) {
        return limits().frameTowards(session.clientMaxFrame());
    }

    /**
     * The byte budget of a take for {@code session}: what one answer frame to its client holds, so a
     * take's answer — and the response the partition remembers for its call — always fits one frame.
     */
    private long takeBudget(ClientSession session) {
        return io.khora.cluster.protocol.SizeLimits.takeBudget(frameTowards(session));
    }

    private static CallId callId(ClientSession s, long sequence, long answeredBelow, boolean retry) {
        return sequence <= 0 || !s.identified() ? null
                : new CallId(s.clientHigh(), s.clientLow(), sequence,
                        answeredBelow <= 0 || answeredBelow > sequence ? Long.MIN_VALUE : answeredBelow, retry);
    }

    private HostedSpace space(String name) {
        HostedSpace s = node.hostedSpace(name);
        if (s == null) {
            throw new Unavailable("no space '" + name + "' in this cluster (spaces: " + node.spaceNames() + ")");
        }
        if (!s.isStarted()) {
            throw new Unavailable("space '" + name + "' is INITIAL on node " + node.id() + ": waiting for "
                    + s.spec().minSeeders() + " nodes to be up (min-seeders)");
        }
        return s;
    }

    private ReplicatedPartition leaderReplica(String spaceName, int partition) {
        HostedSpace s = space(spaceName);
        if (partition < 0 || partition >= s.spec().partitions()) {
            throw new IllegalArgumentException("space '" + spaceName + "' has partitions 0.." + (s.spec().partitions() - 1) + ", not " + partition);
        }
        ReplicatedPartition p = s.replica(partition);
        if (p == null) {
            throw new NotHere(s.hosts(partition) ? null : node.placement().replicas(spaceName, partition).get(0));
        }
        if (!p.isLeader()) {
            String leader = p.leader().orElse(null);
            if (leader == null || leader.equals(node.id())) {
                throw new NoLeaderException(spaceName, partition, "node " + node.id() + " knows no serving leader");
            }
            throw new NotLeaderException(spaceName, partition, node.id(), leader);
        }
        return p;
    }

    private static CompletableFuture<Response> done(Request r, Status status, byte[] body) {
        return CompletableFuture.completedFuture(new Response(r.requestId(), status, body));
    }

    /** The response for a failure. */
    static Response failure(long requestId, Throwable error) {
        Throwable e = io.khora.cluster.Futures.cause(error);
        if (e instanceof NotLeaderException nl) {
            return new Response(requestId, Status.NOT_LEADER, Responses.text(nl.leaderId()));
        } else if (e instanceof NotHere nh) {
            return new Response(requestId, Status.NOT_LEADER, Responses.text(nh.hint));
        } else if (e instanceof NoLeaderException) {
            return new Response(requestId, Status.NO_LEADER, Responses.text(e.getMessage()));
        } else if (e instanceof OutcomeUnknownException) {
            return new Response(requestId, Status.OUTCOME_UNKNOWN, Responses.text(e.getMessage()));
        } else if (e instanceof Unavailable || e instanceof SpaceClosedException || e instanceof CancellationException) {
            return new Response(requestId, Status.UNAVAILABLE, Responses.text(e.getMessage()));
        } else if (e instanceof RuntimeException re) {
            return new Response(requestId, Status.ERROR, Responses.error(re));
        }
        LOG.warn("request {} failed", requestId, e);
        return new Response(requestId, Status.ERROR, Responses.error(new io.khora.SpaceException(String.valueOf(e), e)));
    }

    /** The space cannot serve here now (unknown, INITIAL, closing). */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** This node hosts no running replica of the partition; {@code hint} names a node that should. */
    static final class NotHere extends RuntimeException {
        final String hint;

        NotHere(String hint) {
            super("no replica here", null, false, false);
            this.hint = hint;
        }
    }
}

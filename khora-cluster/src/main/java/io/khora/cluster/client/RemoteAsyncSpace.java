package io.khora.cluster.client;

import io.khora.AsyncSpace;
import io.khora.ChangeSet;
import io.khora.EntryProcessor;
import io.khora.Lease;
import io.khora.LeaseHandle;
import io.khora.Period;
import io.khora.Query;
import io.khora.SpaceTypeException;
import io.khora.WriteMode;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.StoredEntry;
import io.khora.cluster.raft.WriteOutcome;
import io.khora.document.SpaceDocument;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.persistence.Partitioning;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The asynchronous operations of a remote space. Each maps the user's objects to values here,
 * picks the partitions (one when the routing value is known, else all) and sends one request per
 * partition through {@link ClusterClient}; results from several partitions are merged as an
 * embedded space merges them (max honoured overall, ORDER BY applied globally, counts summed).
 *
 * <p>A waiting read or take on one partition parks at its leader; one without routing first
 * tries every partition, then parks a waiting <em>read</em> on each and takes, without waiting,
 * from the partition that reports a match — so a broadcast take never takes in two partitions.
 * Futures returned to the caller complete on {@code callbacks}, never on a network thread. If
 * the caller cancels a pending take and the take still succeeds at the node, the entry is written
 * back: an abandoned take loses nothing.
 */
final class RemoteAsyncSpace implements AsyncSpace {
    /** The longest a node parks one wait (see the node's request handler); longer waits are re-issued. */
    private static final long NODE_PARK_MAX_MILLIS = 30_000;

    private final ClusterClient client;
    private final RemoteTypes types;
    private final Executor callbacks;
    private final boolean direct;
    /** The transaction this view runs under, or null. */
    private final RemoteTransaction tx;
    /** The near cache of reads by id, or null (none asked for, or a transaction's view). */
    private final NearCacheStreams near;

    /**
     * @param direct true for the view the synchronous {@link RemoteSpace} waits on: futures complete
     *               on the network thread (no hand-off; the waiting caller runs no callbacks), and
     *               abandoned takes cannot happen (a synchronous caller does not cancel)
     */
    RemoteAsyncSpace(ClusterClient client, RemoteTypes types, Executor callbacks, boolean direct, NearCacheStreams near) {
        this(client, types, callbacks, direct, null, near);
    }

    /** A view whose operations run under {@code tx} (see {@link RemoteTransaction}); no near cache. */
    RemoteAsyncSpace(ClusterClient client, RemoteTypes types, Executor callbacks, boolean direct, RemoteTransaction tx) {
        this(client, types, callbacks, direct, tx, null);
    }

    private RemoteAsyncSpace(ClusterClient client, RemoteTypes types, Executor callbacks, boolean direct, RemoteTransaction tx,
                             NearCacheStreams near) {
        this.client = client;
        this.types = types;
        this.callbacks = callbacks;
        this.direct = direct;
        this.tx = tx;
        this.near = near;
    }

    // ================================================================ primitives

    private String space() {
        return client.space();
    }

    /** A mutation of one partition, acknowledged per the client's replication requirement. */
    CompletableFuture<Object> mutate(int partition, TypeDescriptor t, Command c) {
        if (tx != null) {
            return tx.mutate(partition, t, c);
        }
        CompletableFuture<Object> f = client.mutate(partition, types.declarations(t), c, client.options().allReplicas());
        return near == null ? f : f.whenComplete((r, e) -> near.afterMutation(partition, t, c));
    }

    /**
     * Reads or takes up to {@code max} matches in one partition, waiting up to {@code periodMillis}
     * (0 none, -1 forever) for the first; a node parks a wait for at most
     * 30 s, after which the wait is re-issued for what remains.
     */
    CompletableFuture<List<StoredEntry>> query(int partition, TypeDescriptor t, Command.QuerySpec q, int max, long periodMillis, boolean take) {
        if (tx != null) {
            return take ? queryCommitted(partition, t, q, max, periodMillis).thenApply(found -> tx.takeFound(partition, t, found, max))
                    : queryCommitted(partition, t, q, max, periodMillis).thenApply(found -> tx.filterRead(t, found));
        }
        long deadline = periodMillis > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(periodMillis) : 0;
        return queryUntil(partition, t, q, max, periodMillis, deadline, take);
    }

    private CompletableFuture<List<StoredEntry>> queryUntil(int partition, TypeDescriptor t, Command.QuerySpec q, int max, long periodMillis,
                                                           long deadline, boolean take) {
        long parkBudget = periodMillis < 0 ? NODE_PARK_MAX_MILLIS : remainingWait(periodMillis, deadline);
        CompletableFuture<List<StoredEntry>> once = take
                ? client.callOnce(partition, types.declarations(t), (id, seq, answeredBelow, retry) -> new Request.Query(id, space(), partition,
                        t.name(), q, max, remainingWait(periodMillis, deadline), true, seq, answeredBelow, retry), parkBudget,
                        r -> Responses.readEntries(r.body(), client.answers()))
                : client.call(partition, types.declarations(t), id -> new Request.Query(id, space(), partition, t.name(), q, max,
                        remainingWait(periodMillis, deadline), false, 0, 0, false), parkBudget).thenApply(r -> Responses.readEntries(r.body(), client.answers()));
        if (take && near != null) {
            once = once.whenComplete((taken, e) -> {
                if (e == null) {
                    near.afterTake(partition, t, taken);
                }
            });
        }
        return once.thenCompose(list -> {
            boolean more = periodMillis < 0 || (periodMillis > 0 && System.nanoTime() - deadline < 0);
            if (list.isEmpty() && more) {
                return queryUntil(partition, t, q, max, periodMillis, deadline, take);
            }
            return CompletableFuture.completedFuture(list);
        });
    }

    /** A read of the committed state (no transaction), waiting up to {@code periodMillis} for a first match. */
    CompletableFuture<List<StoredEntry>> queryCommitted(int partition, TypeDescriptor t, Command.QuerySpec q, int max, long periodMillis) {
        long deadline = periodMillis > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(periodMillis) : 0;
        return queryUntil(partition, t, q, max, periodMillis, deadline, false);
    }

    /** Proposes a transaction command to {@code partition}, declaring {@code used} first; its decoded result. */
    CompletableFuture<Object> transact(int partition, java.util.Collection<TypeDescriptor> used, Command c) {
        List<io.khora.cluster.raft.TypeDeclaration> decls = new java.util.ArrayList<>();
        for (TypeDescriptor t : used) {
            for (io.khora.cluster.raft.TypeDeclaration d : types.declarations(t)) {
                if (!decls.contains(d)) {
                    decls.add(d);
                }
            }
        }
        CompletableFuture<Object> f = client.mutate(partition, decls, c, false);
        return near == null ? f : f.whenComplete((r, e) -> near.clear());
    }

    private static long remainingWait(long periodMillis, long deadline) {
        if (periodMillis <= 0) {
            return periodMillis;
        }
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    CompletableFuture<StoredEntry> readByIdIn(int partition, TypeDescriptor t, Object id) {
        if (tx != null) {
            return tx.readById(partition, t, id);
        }
        if (near == null) {
            return readByIdAtLeader(partition, t, id);
        }
        StoredEntry hit = near.get(t, partition, id);
        if (hit != null) {
            return CompletableFuture.completedFuture(hit);
        }
        return near.watch(t).thenCompose(watching -> {
            NearCache.Ticket ticket = near.ticket(t, partition, id);
            return readByIdAtLeader(partition, t, id).thenApply(e -> {
                near.populate(ticket, e);
                return e;
            });
        });
    }

    private CompletableFuture<StoredEntry> readByIdAtLeader(int partition, TypeDescriptor t, Object id) {
        return client.call(partition, types.declarations(t), rid -> new Request.ReadById(rid, space(), partition, t.name(), id), 0)
                .thenApply(r -> Responses.readOptionalEntry(r.body(), client.answers()));
    }

    private CompletableFuture<Long> countIn(int partition, TypeDescriptor t, Command.QuerySpec q) {
        return client.call(partition, types.declarations(t), rid -> new Request.Count(rid, space(), partition, t.name(), q), 0)
                .thenApply(r -> Responses.readCount(r.body()));
    }

    // ================================================================ routing

    private int partitionOf(TypeDescriptor t, Object[] values) {
        Object routing = values[t.routingIndex()];
        if (routing == null) {
            throw new SpaceTypeException("entry of " + t.name() + " with id=" + values[t.idIndex()] + " has a null routing property '"
                    + t.property(t.routingIndex()).name() + "'");
        }
        return Partitioning.partitionOf(routing, client.partitions());
    }

    private int[] targets(CompiledQuery q) {
        Object r = q.routingValue();
        if (r != null || client.partitions() == 1) {
            return new int[] {r == null ? 0 : Partitioning.partitionOf(r, client.partitions())};
        }
        return all();
    }

    private int[] targetsForId(TypeDescriptor t, Object id, Object routing) {
        if (routing != null) {
            return new int[] {Partitioning.partitionOf(routing, client.partitions())};
        }
        if (t.routingIndex() == t.idIndex() || client.partitions() == 1) {
            return new int[] {Partitioning.partitionOf(id, client.partitions())};
        }
        return all();
    }

    private int[] all() {
        int[] a = new int[client.partitions()];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        return a;
    }

    private static long millis(Period period) {
        Objects.requireNonNull(period, "period must not be null (use Period.NONE)");
        if (period.isForever()) {
            return -1;
        }
        long nanos = period.toNanos();
        return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    /** Hands {@code f}'s outcome to the callback executor, so no user code runs on a network thread. */
    private <R> CompletableFuture<R> deliver(CompletableFuture<R> f) {
        if (direct) {
            return f;
        }
        CompletableFuture<R> out = new CompletableFuture<>();
        f.whenCompleteAsync((r, e) -> {
            if (e != null) {
                out.completeExceptionally(ClusterClient.unwrap(e));
            } else {
                out.complete(r);
            }
        }, callbacks);
        return out;
    }

    /**
     * As {@link #deliver}, for takes: if the caller cancelled the future before the take completed
     * and the take still got entries, they are written back (with an unlimited lease), not lost.
     */
    private <R> CompletableFuture<R> deliverTake(CompletableFuture<R> f) {
        if (direct) {
            return f;
        }
        CompletableFuture<R> out = new CompletableFuture<>();
        f.whenCompleteAsync((r, e) -> {
            if (e != null) {
                out.completeExceptionally(ClusterClient.unwrap(e));
            } else if (!out.complete(r) && r != null) {
                if (r instanceof List<?> list) {
                    if (!list.isEmpty()) {
                        writeMultiple(list, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);
                    }
                } else {
                    write(r);
                }
            }
        }, callbacks);
        return out;
    }

    /** Runs {@code op}, turning a synchronous failure (bad input) into a failed future. */
    private static <R> CompletableFuture<R> guard(java.util.function.Supplier<CompletableFuture<R>> op) {
        try {
            return op.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> T entry(StoredEntry e, TypeDescriptor hint) {
        return e == null ? null : (T) types.toEntry(e, hint);
    }

    // ================================================================ writes

    @Override
    public <T> CompletableFuture<LeaseHandle<T>> write(T entry, Lease lease, WriteMode mode) {
        return deliver(guard(() -> writeOne(entry, lease, mode)));
    }

    @Override
    public <T> CompletableFuture<LeaseHandle<T>> write(T entry) {
        return write(entry, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);
    }

    private <T> CompletableFuture<LeaseHandle<T>> writeOne(T entry, Lease lease, WriteMode mode) {
        return send(toWrite(entry, lease, mode));
    }

    /** An entry mapped for writing: its type, its values and its partition. */
    private record Mapped<T>(T entry, TypeDescriptor type, Object[] values, int partition, Lease lease, WriteMode mode) {
    }

    private <T> Mapped<T> toWrite(T entry, Lease lease, WriteMode mode) {
        Objects.requireNonNull(entry, "entry to write must not be null");
        Objects.requireNonNull(lease, "lease must not be null (use Lease.FOREVER)");
        Objects.requireNonNull(mode, "write mode must not be null");
        TypeDescriptor t = types.describeEntry(entry);
        Object[] values = types.mapper().toValues(t, entry);
        return new Mapped<>(entry, t, values, partitionOf(t, values), lease, mode);
    }

    /** Writes a mapped entry (its size is checked with the request's, before it is sent). */
    private <T> CompletableFuture<LeaseHandle<T>> send(Mapped<T> m) {
        TypeDescriptor t = m.type();
        T entry = m.entry();
        int p = m.partition();
        Object id = m.values()[t.idIndex()];
        return Resends.thenApply(mutate(p, t, new Command.Write(t.name(), m.values(), m.lease(), m.mode())), o -> {
            WriteOutcome w = (WriteOutcome) o;
            if (t.versionIndex() >= 0) {
                Object v = t.property(t.versionIndex()).type() == int.class || t.property(t.versionIndex()).type() == Integer.class
                        ? (Object) (int) w.version() : (Object) w.version();
                t.codec().writeBack(entry, t.versionIndex(), v);
            }
            return new RemoteLeaseHandle<>(this, p, t, id, w);
        });
    }

    @Override
    public <T> CompletableFuture<List<LeaseHandle<T>>> writeMultiple(Collection<? extends T> entries, Lease lease, WriteMode mode) {
        return deliver(guard(() -> {
            Objects.requireNonNull(entries, "entries must not be null");
            List<Mapped<T>> mapped = new ArrayList<>(entries.size());
            for (T e : entries) {
                Mapped<T> m = toWrite(e, lease, mode);
                // every entry is checked before any is sent: an oversized one fails the call with nothing written
                client.options().sizeLimits().checkEntry(m.type().name(), m.values(), "this client's");
                mapped.add(m);
            }
            List<Scatter.Part<LeaseHandle<T>>> all = new ArrayList<>(entries.size());
            for (int k = 0; k < mapped.size(); k++) {
                Mapped<T> m = mapped.get(k);
                all.add(new Scatter.Part<>("entry " + k + " (partition " + m.partition() + ")", send(m), () -> send(m)));
            }
            return Scatter.gather("space '" + space() + "': writeMultiple of " + mapped.size(), all, List::copyOf);
        }));
    }

    // ================================================================ reads

    @Override
    public <T> CompletableFuture<T> read(Query<T> query, Period period) {
        return deliver(guard(() -> first(query, millis(period), false)));
    }

    @Override
    public <T> CompletableFuture<T> readIfExists(Query<T> query, Period period) {
        return read(query, Period.NONE); // no transactions on a remote space: nothing is ever locked
    }

    @Override
    public <T> CompletableFuture<T> readById(Class<T> type, Object id) {
        return deliver(guard(() -> byId(types.describe(type), id, null, false)));
    }

    @Override
    public CompletableFuture<SpaceDocument> readById(String typeName, Object id) {
        return deliver(guard(() -> byId(types.document(typeName), id, null, false)));
    }

    @Override
    public <T> CompletableFuture<T> readById(Class<T> type, Object id, Period period) {
        return deliver(guard(() -> byIdWaiting(types.describe(type), id, millis(period), false)));
    }

    @Override
    public CompletableFuture<SpaceDocument> readById(String typeName, Object id, Period period) {
        return deliver(guard(() -> byIdWaiting(types.document(typeName), id, millis(period), false)));
    }

    @Override
    public <T> CompletableFuture<List<T>> readByIds(Class<T> type, Collection<?> ids) {
        return deliver(guard(() -> byIds(types.describe(type), ids, false)));
    }

    @Override
    public <T> CompletableFuture<List<T>> readMultiple(Query<T> query, int max) {
        return deliver(guard(() -> readMany(query, max)));
    }

    /** The entry with {@code id} (any routing: one partition if known, else each in turn). */
    <T> CompletableFuture<T> byId(TypeDescriptor t, Object id, Object routing, boolean take) {
        Object checked = types.mapper().checkId(t, id);
        int[] targets = targetsForId(t, checked, routing);
        return byIdFrom(t, checked, targets, 0, take);
    }

    private <T> CompletableFuture<T> byIdFrom(TypeDescriptor t, Object id, int[] targets, int i, boolean take) {
        if (i >= targets.length) {
            return CompletableFuture.completedFuture(null);
        }
        if (take) { // a resend of an unknown take goes on to the next partition too, as the take would have
            return Resends.thenCompose(mutate(targets[i], t, new Command.TakeById(t.name(), id)), o -> {
                T e = entry((StoredEntry) o, t);
                return e != null ? CompletableFuture.completedFuture(e) : byIdFrom(t, id, targets, i + 1, true);
            });
        }
        return readByIdIn(targets[i], t, id).thenApply(e -> entry(e, t))
                .thenCompose(e -> e != null ? CompletableFuture.completedFuture((T) e) : byIdFrom(t, id, targets, i + 1, false));
    }

    private <T> CompletableFuture<T> byIdWaiting(TypeDescriptor t, Object id, long periodMillis, boolean take) {
        if (periodMillis == 0) {
            return byId(t, id, null, take);
        }
        Object checked = types.mapper().checkId(t, id);
        String idName = t.property(t.idIndex()).name();
        Command.QuerySpec q = Command.QuerySpec.text(idName + " = ?", checked);
        int[] targets = targetsForId(t, checked, null);
        return firstOf(t, q, null, targets, periodMillis, take);
    }

    private <T> CompletableFuture<List<T>> byIds(TypeDescriptor t, Collection<?> ids, boolean take) {
        Objects.requireNonNull(ids, "ids must not be null");
        List<Scatter.Part<T>> all = new ArrayList<>(ids.size());
        for (Object id : ids) {
            all.add(new Scatter.Part<>(t.name() + " " + id, byId(t, id, null, take), () -> byId(t, id, null, take)));
        }
        return Scatter.gather("space '" + space() + "': " + (take ? "takeByIds" : "readByIds") + " of " + ids.size(), all, got -> {
            List<T> out = new ArrayList<>();
            for (T e : got) {
                if (e != null) {
                    out.add(e);
                }
            }
            return out;
        });
    }

    private <T> CompletableFuture<List<T>> readMany(Query<T> query, int max) {
        checkMax(max);
        CompiledQuery cq = types.compile(query);
        Command.QuerySpec q = types.spec(query, cq);
        return readEntries(cq, q, targets(cq), max).thenApply(list -> {
            List<T> out = new ArrayList<>(list.size());
            for (StoredEntry e : list) {
                out.add(entry(e, cq.type()));
            }
            return out;
        });
    }

    /** Up to {@code max} matches over {@code targets}, ORDER BY applied globally. */
    private CompletableFuture<List<StoredEntry>> readEntries(CompiledQuery cq, Command.QuerySpec q, int[] targets, int max) {
        List<CompletableFuture<List<StoredEntry>>> parts = new ArrayList<>(targets.length);
        for (int p : targets) {
            parts.add(query(p, cq.type(), q, max, 0, false));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<StoredEntry> out = new ArrayList<>();
            for (CompletableFuture<List<StoredEntry>> f : parts) {
                out.addAll(f.join());
            }
            if (cq.ordering() != null && targets.length > 1) {
                out.sort((a, b) -> cq.ordering().compare(a.values(), b.values()));
            }
            return out.size() > max ? new ArrayList<>(out.subList(0, max)) : out;
        });
    }

    private static void checkMax(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
    }

    // ================================================================ takes

    @Override
    public <T> CompletableFuture<T> take(Query<T> query, Period period) {
        return deliverTake(guard(() -> first(query, millis(period), true)));
    }

    @Override
    public <T> CompletableFuture<T> takeIfExists(Query<T> query, Period period) {
        return take(query, Period.NONE); // no transactions on a remote space: nothing is ever locked
    }

    @Override
    public <T> CompletableFuture<T> takeById(Class<T> type, Object id) {
        return deliverTake(guard(() -> byId(types.describe(type), id, null, true)));
    }

    @Override
    public CompletableFuture<SpaceDocument> takeById(String typeName, Object id) {
        return deliverTake(guard(() -> byId(types.document(typeName), id, null, true)));
    }

    @Override
    public <T> CompletableFuture<T> takeById(Class<T> type, Object id, Period period) {
        return deliverTake(guard(() -> byIdWaiting(types.describe(type), id, millis(period), true)));
    }

    @Override
    public CompletableFuture<SpaceDocument> takeById(String typeName, Object id, Period period) {
        return deliverTake(guard(() -> byIdWaiting(types.document(typeName), id, millis(period), true)));
    }

    @Override
    public <T> CompletableFuture<List<T>> takeByIds(Class<T> type, Collection<?> ids) {
        return deliverTake(guard(() -> byIds(types.describe(type), ids, true)));
    }

    @Override
    public <T> CompletableFuture<List<T>> takeMultiple(Query<T> query, int max) {
        return deliverTake(guard(() -> {
            checkMax(max);
            CompiledQuery cq = types.compile(query);
            Command.QuerySpec q = types.spec(query, cq);
            int[] targets = targets(cq);
            CompletableFuture<List<StoredEntry>> taken = cq.ordering() != null && targets.length > 1
                    ? takeOrdered(cq, q, targets, max, new ArrayList<>())
                    : takeEach(cq.type(), q, targets, 0, max, List.of());
            return Resends.thenApply(taken, list -> {
                List<T> out = new ArrayList<>(list.size());
                for (StoredEntry e : list) {
                    out.add(entry(e, cq.type()));
                }
                return out;
            });
        }));
    }

    /**
     * Takes up to {@code max} from each partition in turn until {@code max} are taken. Each take is
     * bounded by what one answer frame holds; one that stopped there with matches left is followed by
     * another in the same partition.
     */
    private CompletableFuture<List<StoredEntry>> takeEach(TypeDescriptor t, Command.QuerySpec q, int[] targets, int i, int max,
                                                         List<StoredEntry> acc) {
        if (i >= targets.length || acc.size() >= max) {
            return CompletableFuture.completedFuture(acc);
        }
        long budget = io.khora.cluster.protocol.SizeLimits.takeBudget(client.options().sizeLimits().maxFrameBytes());
        Command.TakeQuery take = new Command.TakeQuery(t.name(), q, max - acc.size(), budget);
        return Scatter.step("space '" + space() + "': takeMultiple", acc, mutate(targets[i], t, take), () -> mutate(targets[i], t, take), o -> {
            @SuppressWarnings("unchecked")
            List<StoredEntry> got = (List<StoredEntry>) o;
            return takeEach(t, q, targets, io.khora.cluster.raft.TakenEntries.more(got) ? i : i + 1, max, Scatter.concat(acc, got));
        });
    }

    /**
     * Ordered over several partitions: picks the global first {@code max}, then takes exactly those
     * (again for any a racer got). A round whose takes fail in part ends the operation as
     * {@link Scatter} says, with what earlier rounds took in the partial result.
     */
    private CompletableFuture<List<StoredEntry>> takeOrdered(CompiledQuery cq, Command.QuerySpec q, int[] targets, int max,
                                                            List<StoredEntry> acc) {
        java.util.function.Supplier<CompletableFuture<List<StoredEntry>>> round = () -> takeRound(cq, q, targets, max - acc.size());
        return Scatter.step("space '" + space() + "': takeMultiple (ordered)", acc, round.get(), round, got -> {
            List<StoredEntry> all = Scatter.concat(acc, got);
            all.sort((a, b) -> cq.ordering().compare(a.values(), b.values()));
            boolean missed = got.size() < TakeRound.candidates(got);
            return got.isEmpty() || !missed || all.size() >= max ? CompletableFuture.completedFuture(all) : takeOrdered(cq, q, targets, max, all);
        });
    }

    /** The entries one round took, and how many candidates it tried (fewer taken: a racer got some). */
    private static final class TakeRound extends ArrayList<StoredEntry> {
        private final int candidates;

        TakeRound(List<StoredEntry> taken, int candidates) {
            super(taken);
            this.candidates = candidates;
        }

        static int candidates(List<StoredEntry> round) {
            return round instanceof TakeRound r ? r.candidates : round.size();
        }
    }

    /** Reads the global first {@code max} candidates and takes each by id. */
    private CompletableFuture<List<StoredEntry>> takeRound(CompiledQuery cq, Command.QuerySpec q, int[] targets, int max) {
        TypeDescriptor t = cq.type();
        return readEntries(cq, q, targets, max).thenCompose(candidates -> {
            List<Scatter.Part<StoredEntry>> takes = new ArrayList<>();
            for (StoredEntry e : candidates) {
                Object id = e.values()[t.idIndex()];
                int p = Partitioning.partitionOf(e.values()[t.routingIndex()], client.partitions());
                java.util.function.Supplier<CompletableFuture<StoredEntry>> take =
                        () -> mutate(p, t, new Command.TakeById(t.name(), id)).thenApply(o -> (StoredEntry) o);
                takes.add(new Scatter.Part<>(t.name() + " " + id, take.get(), take));
            }
            return Scatter.gather("space '" + space() + "': takeMultiple (ordered) of " + candidates.size(), takes,
                    got -> new TakeRound(got.stream().filter(Objects::nonNull).toList(), candidates.size()));
        });
    }

    /** The first match of {@code query} (read or take), waiting up to {@code periodMillis}. */
    private <T> CompletableFuture<T> first(Query<T> query, long periodMillis, boolean take) {
        CompiledQuery cq = types.compile(query);
        Command.QuerySpec q = types.spec(query, cq);
        return firstOf(cq.type(), q, cq, targets(cq), periodMillis, take);
    }

    private <T> CompletableFuture<T> firstOf(TypeDescriptor t, Command.QuerySpec q, CompiledQuery cq, int[] targets, long periodMillis,
                                             boolean take) {
        if (targets.length == 1) {
            return Resends.thenApply(query(targets[0], t, q, 1, periodMillis, take), l -> l.isEmpty() ? null : entry(l.get(0), t));
        }
        long deadline = periodMillis > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(periodMillis) : 0;
        return Resends.thenApply(firstBroadcast(t, q, cq, targets, periodMillis, deadline, take), e -> entry(e, t));
    }

    /**
     * Without routing: try every partition now (ordered queries pick the global first); if none has
     * a match and time remains, park a waiting read on each, and on the first report try again.
     */
    private CompletableFuture<StoredEntry> firstBroadcast(TypeDescriptor t, Command.QuerySpec q, CompiledQuery cq, int[] targets,
                                                          long periodMillis, long deadline, boolean take) {
        CompletableFuture<StoredEntry> now;
        if (cq != null && cq.ordering() != null) {
            now = take ? Resends.thenApply(takeOrdered(cq, q, targets, 1, new ArrayList<>()), l -> l.isEmpty() ? null : l.get(0))
                    : readEntries(cq, q, targets, 1).thenApply(l -> l.isEmpty() ? null : l.get(0));
        } else {
            int start = ThreadLocalRandom.current().nextInt(targets.length);
            now = firstIn(t, q, targets, start, 0, take);
        }
        return now.thenCompose(e -> {
            boolean more = periodMillis < 0 || (periodMillis > 0 && System.nanoTime() - deadline < 0);
            if (e != null || !more) {
                return CompletableFuture.completedFuture(e);
            }
            long wait = periodMillis < 0 ? NODE_PARK_MAX_MILLIS : Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            CompletableFuture<Void> anyMatch = new CompletableFuture<>();
            List<CompletableFuture<List<StoredEntry>>> parked = new ArrayList<>();
            for (int p : targets) {
                CompletableFuture<List<StoredEntry>> w = query(p, t, q, 1, Math.min(wait, NODE_PARK_MAX_MILLIS), false);
                parked.add(w);
                w.whenComplete((l, err) -> {
                    if (err != null) {
                        anyMatch.completeExceptionally(err);
                    } else if (!l.isEmpty()) {
                        anyMatch.complete(null);
                    }
                });
            }
            CompletableFuture.allOf(parked.toArray(CompletableFuture[]::new)).whenComplete((v, err) -> anyMatch.complete(null));
            return anyMatch.thenCompose(v -> firstBroadcast(t, q, cq, targets, periodMillis, deadline, take));
        });
    }

    private CompletableFuture<StoredEntry> firstIn(TypeDescriptor t, Command.QuerySpec q, int[] targets, int start, int i, boolean take) {
        if (i >= targets.length) {
            return CompletableFuture.completedFuture(null);
        }
        int p = targets[(start + i) % targets.length];
        return Resends.thenApply(query(p, t, q, 1, 0, take), l -> l.isEmpty() ? null : l.get(0))
                .thenCompose(e -> e == null ? firstIn(t, q, targets, start, i + 1, take) : CompletableFuture.completedFuture(e));
    }

    // ================================================================ counts and bulk changes

    @Override
    public <T> CompletableFuture<Integer> count(Query<T> query) {
        return deliver(guard(() -> {
            CompiledQuery cq = types.compile(query);
            Command.QuerySpec q = types.spec(query, cq);
            List<CompletableFuture<Long>> parts = new ArrayList<>();
            for (int p : targets(cq)) {
                parts.add(countIn(p, cq.type(), q));
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                    .thenApply(v -> (int) Math.min(Integer.MAX_VALUE, parts.stream().mapToLong(CompletableFuture::join).sum()));
        }));
    }

    @Override
    public <T> CompletableFuture<Integer> clear(Query<T> query) {
        return deliver(guard(() -> {
            CompiledQuery cq = types.compile(query);
            Command.QuerySpec q = types.spec(query, cq);
            return sumOver("space '" + space() + "': clear", targets(cq), p -> mutate(p, cq.type(), new Command.Clear(cq.type().name(), q)));
        }));
    }

    @Override
    public <T> CompletableFuture<Integer> change(Query<T> query, ChangeSet changes) {
        return deliver(guard(() -> {
            Objects.requireNonNull(changes, "changes must not be null");
            CompiledQuery cq = types.compile(query);
            Command.QuerySpec q = types.spec(query, cq);
            return sumOver("space '" + space() + "': change", targets(cq), p -> mutate(p, cq.type(), new Command.Change(cq.type().name(), q, changes)));
        }));
    }

    private static CompletableFuture<Integer> sumOver(String what, int[] targets, java.util.function.IntFunction<CompletableFuture<Object>> op) {
        List<Scatter.Part<Object>> parts = new ArrayList<>();
        for (int p : targets) {
            parts.add(new Scatter.Part<>("partition " + p, op.apply(p), () -> op.apply(p)));
        }
        return Scatter.gather(what, parts, got -> got.stream().mapToInt(o -> (Integer) o).sum());
    }

    @Override
    public <T, R> CompletableFuture<R> invoke(Class<T> type, Object id, EntryProcessor<T, R> processor) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("entry processors do not run on a remote space yet: "
                + "they would have to ship code to every replica; read, decide and write with @SpaceVersion instead"));
    }

    // ================================================================ events

    /**
     * Subscribes at the leader of every partition the query can match (see {@link RemoteSubscription});
     * returns once every stream is open, so every event applied after the return is delivered.
     */
    <T> io.khora.Subscription subscribe(Query<T> query, java.util.Set<io.khora.SpaceEventType> events, io.khora.SpaceListener<T> listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        Objects.requireNonNull(events, "events must not be null");
        if (events.isEmpty()) {
            throw new IllegalArgumentException("subscribe to at least one event type");
        }
        CompiledQuery cq = types.compile(query);
        RemoteSubscription<T> sub = new RemoteSubscription<>(client, types, cq.type(), types.spec(query, cq), events, listener, callbacks);
        RemoteSpace.join(sub.start(targets(cq)));
        return sub;
    }

    // ================================================================ lease handles

    /** Renews an entry's lease (for {@link RemoteLeaseHandle}); completes with the new expiry. */
    CompletableFuture<Long> renew(int partition, TypeDescriptor t, Object id, Lease lease) {
        return mutate(partition, t, new Command.Renew(t.name(), id, lease)).thenApply(o -> (Long) o);
    }

    /** Takes an entry by id in its partition (for {@link RemoteLeaseHandle}). */
    CompletableFuture<StoredEntry> takeIn(int partition, TypeDescriptor t, Object id) {
        return mutate(partition, t, new Command.TakeById(t.name(), id)).thenApply(o -> (StoredEntry) o);
    }
}

package io.khora.cluster.client;

import io.khora.AsyncSpace;
import io.khora.ChangeSet;
import io.khora.ClusterInfo;
import io.khora.EntryProcessor;
import io.khora.EventRegistration;
import io.khora.InitialLoadProgress;
import io.khora.Lease;
import io.khora.LeaseHandle;
import io.khora.Period;
import io.khora.Query;
import io.khora.Space;
import io.khora.Transaction;
import io.khora.TransactionOptions;
import io.khora.SpaceAdmin;
import io.khora.SpaceClosedException;
import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.SpaceInterruptedException;
import io.khora.SpaceListener;
import io.khora.SpaceNotReadyException;
import io.khora.SpaceState;
import io.khora.Subscription;
import io.khora.Ticker;
import io.khora.WriteMode;
import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;
import io.khora.internal.events.LeasedRegistration;
import io.khora.internal.lifecycle.DaemonThreads;
import io.khora.persistence.DeadLetter;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A space on a Khora cluster, through {@link io.khora.Spaces#connect}: the same {@link Space}
 * API as an embedded space, each call routed to the leader of its partition (see
 * {@link RemoteAsyncSpace}; the synchronous methods wait for the asynchronous ones).
 *
 * <p>Events ({@link #subscribe}) are delivered from each partition's leader; across a leader
 * fail-over the subscription moves to the new leader and events in between are not delivered
 * (at most once). Not available remotely yet, each failing with
 * {@link UnsupportedOperationException} and a message: {@code invoke} (entry processors),
 * transactions, and the operator controls of {@link #admin()}. {@code readIfExists}/{@code takeIfExists} behave as
 * {@code read}/{@code take} with {@link Period#NONE}: without transactions nothing is ever locked.
 */
public final class RemoteSpace implements Space {
    static {
        io.khora.internal.logging.QuietSlf4j.install(); // before anything logs: no SLF4J warning without a backend
    }

    private final ClusterClient client;
    private final RemoteTypes types;
    private final ExecutorService callbacks;
    private final ScheduledExecutorService stateWatch;
    private final RemoteAsyncSpace async;
    private final RemoteAsyncSpace sync;
    private volatile boolean closed;
    /** The transaction this view runs under (see {@link #with}), or null for the space itself. */
    private final RemoteTransaction tx;
    /** The near cache (null unless the options ask for one; the space's, also in a transaction's view). */
    private final NearCacheStreams near;

    private RemoteSpace(ClusterClient client) {
        this.client = client;
        this.types = new RemoteTypes();
        this.tx = null;
        this.callbacks = Executors.newCachedThreadPool(DaemonThreads.named("khora-client-" + client.space() + "-callback"));
        this.stateWatch = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("khora-client-" + client.space() + "-state"));
        this.near = client.options().nearCache().enabled()
                ? new NearCacheStreams(client, types, callbacks, new NearCache(client.options().nearCache()), System::nanoTime) : null;
        this.async = new RemoteAsyncSpace(client, types, callbacks, false, near);
        this.sync = new RemoteAsyncSpace(client, types, callbacks, true, near);
    }

    /** The view of {@code parent} under {@code tx}. */
    private RemoteSpace(RemoteSpace parent, RemoteTransaction tx) {
        this.client = parent.client;
        this.types = parent.types;
        this.callbacks = parent.callbacks;
        this.stateWatch = parent.stateWatch;
        this.tx = tx;
        this.near = parent.near;
        this.async = new RemoteAsyncSpace(client, types, callbacks, false, tx);
        this.sync = new RemoteAsyncSpace(client, types, callbacks, true, tx);
    }

    /** The view of this space under {@code t} (RemoteTransaction's {@code space()}). */
    Space transactional(RemoteTransaction t) {
        return new RemoteSpace(this, t);
    }

    /**
     * Begins a cluster transaction coordinated by this client: optimistic (versions checked and
     * entries locked at commit), two-phase over several partitions, one log entry in one partition.
     * See {@link RemoteTransaction}.
     */
    @Override
    public Transaction beginTransaction(TransactionOptions options) {
        if (tx != null) {
            throw new IllegalStateException("transactions do not nest: this is the view of transaction " + tx.id());
        }
        return new RemoteTransaction(this, sync, options);
    }

    @Override
    public Space with(Transaction t) {
        if (!(t instanceof RemoteTransaction rt)) {
            throw new IllegalArgumentException("transaction " + t.id() + " is not of this cluster space");
        }
        return rt.space();
    }

    /** Connects to the space {@code uri} names (see {@link KhoraUri}). */
    public static RemoteSpace connect(String uri) {
        return new RemoteSpace(ClusterClient.connect(KhoraUri.parse(uri)));
    }

    /**
     * Connects to the space {@code uri} names. Java-serialized values in the nodes' answers (values of
     * classes the wire format has no encoding for) are deserialized, within the JVM's {@code jdk.serialFilter}.
     */
    public static RemoteSpace connect(KhoraUri uri) {
        return new RemoteSpace(ClusterClient.connect(uri));
    }

    /**
     * Connects to the space {@code uri} names, treating Java-serialized values in the nodes' answers as
     * {@code answers} says: {@link io.khora.internal.wire.JavaDeserialization#TRUSTED} (what
     * {@link #connect(KhoraUri)} does), {@link io.khora.internal.wire.JavaDeserialization#refused refused}, or
     * an {@link io.khora.internal.wire.JavaDeserialization#allowList allow-list}.
     */
    public static RemoteSpace connect(KhoraUri uri, io.khora.internal.wire.JavaDeserialization answers) {
        return new RemoteSpace(ClusterClient.connect(uri, answers));
    }

    /** The near cache, or null if the URI asked for none (for tests). */
    NearCache nearCache() {
        return near == null ? null : near.cache();
    }

    /** Waits for {@code f}; rethrows its failure as it was raised (unchecked). */
    static <R> R join(CompletableFuture<R> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable c = ClusterClient.unwrap(e);
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new SpaceException(String.valueOf(c.getMessage()), c);
        } catch (CancellationException e) {
            throw new SpaceException("the operation was cancelled", e);
        }
    }

    private void open() {
        if (closed) {
            throw new SpaceClosedException(client.space());
        }
    }

    @Override
    public String name() {
        return client.space();
    }

    @Override
    public <T> LeaseHandle<T> write(T entry, Lease lease, WriteMode mode) {
        open();
        return join(sync.write(entry, lease, mode));
    }

    @Override
    public <T> List<LeaseHandle<T>> writeMultiple(Collection<? extends T> entries, Lease lease, WriteMode mode) {
        open();
        return join(sync.writeMultiple(entries, lease, mode));
    }

    @Override
    public <T> T read(Query<T> query, Period period) {
        open();
        return join(sync.read(query, period));
    }

    @Override
    public <T> T readIfExists(Query<T> query, Period period) {
        open();
        return join(sync.readIfExists(query, period));
    }

    @Override
    public <T> T readById(Class<T> type, Object id, Object routing) {
        open();
        return join(sync.byId(types.describe(type), id, routing, false));
    }

    @Override
    public SpaceDocument readById(String typeName, Object id) {
        open();
        return join(sync.readById(typeName, id));
    }

    @Override
    public <T> List<T> readByIds(Class<T> type, Collection<?> ids) {
        open();
        return join(sync.readByIds(type, ids));
    }

    @Override
    public <T> List<T> readMultiple(Query<T> query, int max) {
        open();
        return join(sync.readMultiple(query, max));
    }

    @Override
    public <T> T take(Query<T> query, Period period) {
        open();
        return join(sync.take(query, period));
    }

    @Override
    public <T> T takeIfExists(Query<T> query, Period period) {
        open();
        return join(sync.takeIfExists(query, period));
    }

    @Override
    public <T> T takeById(Class<T> type, Object id, Object routing) {
        open();
        return join(sync.byId(types.describe(type), id, routing, true));
    }

    @Override
    public SpaceDocument takeById(String typeName, Object id) {
        open();
        return join(sync.takeById(typeName, id));
    }

    @Override
    public <T> List<T> takeByIds(Class<T> type, Collection<?> ids) {
        open();
        return join(sync.takeByIds(type, ids));
    }

    @Override
    public <T> List<T> takeMultiple(Query<T> query, int max) {
        open();
        return join(sync.takeMultiple(query, max));
    }

    @Override
    public <T> int count(Query<T> query) {
        open();
        return join(sync.count(query));
    }

    @Override
    public <T> int clear(Query<T> query) {
        open();
        return join(sync.clear(query));
    }

    @Override
    public <T> int change(Query<T> query, ChangeSet changes) {
        open();
        return join(sync.change(query, changes));
    }

    @Override
    public <T, R> R invoke(Class<T> type, Object id, EntryProcessor<T, R> processor) {
        open();
        return join(sync.invoke(type, id, processor));
    }

    @Override
    public <T> Subscription subscribe(Query<T> query, Set<SpaceEventType> events, SpaceListener<T> listener) {
        open();
        refuseUnderTransaction();
        return async.subscribe(query, events, listener);
    }

    /**
     * A cluster transaction keeps its writes on this client until commit, so a listener could not
     * see them as JavaSpaces' notify under a transaction would: refused rather than silently
     * subscribing outside the transaction.
     */
    private void refuseUnderTransaction() {
        if (tx != null) {
            throw new UnsupportedOperationException("space '" + name() + "': subscribe under a cluster transaction is not supported"
                    + " (its listener would not see the transaction's own writes); subscribe on the space itself");
        }
    }

    /**
     * The lease is kept by this client: at its expiry the client unsubscribes from the nodes and
     * tells the listener ({@link SpaceListener#onTerminated}); the nodes never see a lease. Time is
     * this client's monotonic clock.
     */
    @Override
    public <T> EventRegistration subscribe(Query<T> query, Set<SpaceEventType> events, SpaceListener<T> listener, Lease lease) {
        java.util.Objects.requireNonNull(lease, "subscription lease must not be null (use Lease.FOREVER)");
        java.util.Objects.requireNonNull(listener, "listener must not be null");
        open();
        refuseUnderTransaction();
        Subscription s = async.subscribe(query, events, listener);
        return new LeasedRegistration(s, lease, Ticker.system(), (task, millis) -> stateWatch.schedule(task, millis, TimeUnit.MILLISECONDS),
                reason -> {
                    s.close();
                    callbacks.execute(() -> listener.onTerminated(reason));
                }, "space '" + name() + "': the subscription to " + query.type().getName());
    }

    @Override
    public void registerType(SpaceDocumentType type) {
        types.registerType(type);
    }

    @Override
    public AsyncSpace async() {
        return async;
    }

    @Override
    public SpaceState state() {
        return closed ? SpaceState.INVALID : client.state();
    }

    @Override
    public boolean isReady() {
        return state() == SpaceState.READY;
    }

    @Override
    public boolean waitForReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SpaceState s = state();
            if (s == SpaceState.READY) {
                return true;
            }
            if (s == SpaceState.INVALID || System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    @Override
    public void waitForReady() {
        while (!waitForReady(Duration.ofSeconds(1))) {
            if (Thread.currentThread().isInterrupted()) {
                throw new SpaceInterruptedException("interrupted while waiting for space '" + name() + "' to be READY",
                        new InterruptedException());
            }
            if (closed) {
                throw new SpaceClosedException(name());
            }
            SpaceState s = state();
            if (s == SpaceState.INVALID) {
                throw new SpaceNotReadyException(name(), s, "the cluster reports the space INVALID");
            }
        }
    }

    /** Calls {@code listener} with each new state, as seen by polling the nodes every half second. */
    @Override
    public Subscription addStateListener(Consumer<SpaceState> listener) {
        SpaceState[] last = {null};
        var task = stateWatch.scheduleWithFixedDelay(() -> {
            SpaceState s = state();
            if (s != last[0]) {
                last[0] = s;
                listener.accept(s);
            }
        }, 0, 500, TimeUnit.MILLISECONDS);
        return new Subscription() {
            @Override
            public void close() {
                task.cancel(false);
            }

            @Override
            public boolean isActive() {
                return !task.isCancelled() && !closed;
            }
        };
    }

    /** The whole space: its partition count, instance id 0 (a view of every partition). */
    @Override
    public ClusterInfo clusterInfo() {
        return new ClusterInfo(client.partitions(), 0, 0);
    }

    @Override
    public InitialLoadProgress initialLoadProgress() {
        return InitialLoadProgress.NONE;
    }

    @Override
    public SpaceAdmin admin() {
        return new SpaceAdmin() {
            private UnsupportedOperationException notHere() {
                return new UnsupportedOperationException("operator controls of space '" + name() + "' run on its nodes, not through a client");
            }

            @Override
            public void suspend() {
                throw notHere();
            }

            @Override
            public void resume() {
                throw notHere();
            }

            @Override
            public long pendingChanges() {
                throw notHere();
            }

            @Override
            public boolean flush(Duration timeout) {
                throw notHere();
            }

            @Override
            public List<DeadLetter> deadLetters() {
                throw notHere();
            }
        };
    }

    @Override
    public void close() {
        if (tx != null) {
            tx.close(); // the view of a transaction: closing it ends the transaction, not the space
            return;
        }
        if (closed) {
            return;
        }
        closed = true;
        if (near != null) {
            near.close();
        }
        client.close();
        stateWatch.shutdownNow();
        callbacks.shutdown();
    }

    @Override
    public String toString() {
        return "RemoteSpace[" + name() + ", " + client.partitions() + " partitions]";
    }
}

package io.khora.internal.local;

import io.khora.EventRegistration;

import io.khora.AsyncSpace;
import io.khora.ChangeSet;
import io.khora.ClusterInfo;
import io.khora.EntryProcessor;
import io.khora.InitialLoadProgress;
import io.khora.Lease;
import io.khora.LeaseHandle;
import io.khora.Period;
import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceAdmin;
import io.khora.SpaceClosedException;
import io.khora.SpaceEventType;
import io.khora.SpaceListener;
import io.khora.SpaceState;
import io.khora.Subscription;
import io.khora.Transaction;
import io.khora.TransactionOptions;
import io.khora.WriteMode;
import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;
import io.khora.internal.engine.ComputeDecision;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.engine.TxPart;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.engine.Waiter;
import io.khora.internal.events.EventBus;
import io.khora.internal.lifecycle.LifeCycle;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.persistence.ReadThrough;
import io.khora.internal.persistence.TransactionSink;
import io.khora.internal.query.CompiledQuery;
import io.khora.internal.router.LocalRouter;
import io.khora.persistence.DeadLetter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An embedded space: the public API over a {@link LocalRouter} and its partitions. It maps user
 * entries to values (through {@link EntryMapper}), checks the life cycle, validates arguments, and
 * turns waiting reads and takes into {@link Waiter}s. Everything that need not wait runs on the
 * caller's thread.
 */
public final class LocalSpace implements Space, SpaceAdmin {
    private final LocalSpaceConfig config;
    private final SpaceWiring wiring;
    private final LifeCycle lifeCycle;
    private final EntryMapper mapper = new EntryMapper();
    private final EventBus events;
    private final LocalRouter router;
    private final AsyncView async = new AsyncView();
    private final Function<SpaceEntry, Object> toEntry = mapper::toEntry;
    private final ReadThrough readThrough;
    private final SpaceWrites writes;
    private final SpaceWaits waits;
    private final Object closeLock = new Object();
    private boolean closeDone;

    /** Builds the space in state INITIAL; call {@link #start()}. */
    public LocalSpace(LocalSpaceConfig config) {
        this.config = config;
        this.wiring = new SpaceWiring(config, mapper);
        this.lifeCycle = wiring.lifeCycle;
        this.events = wiring.events;
        this.router = wiring.router;
        this.readThrough = wiring.readThrough;
        this.writes = new SpaceWrites(mapper, router, lifeCycle, saturatedNanos(config.transactions().lockWait()));
        this.waits = new SpaceWaits(config.name(), config.scheduler());
    }

    /**
     * INITIAL → LOADING, starts the lease sweeper and the initial load (in the background), and
     * returns; the space becomes READY when the load finishes, INVALID if it fails. Without a data
     * source it is READY when this returns.
     */
    public LocalSpace start() {
        wiring.start();
        return this;
    }

    /** How far the initial load has got ({@link InitialLoadProgress#NONE} without a data source). */
    @Override
    public InitialLoadProgress initialLoadProgress() {
        return wiring.initialLoadProgress();
    }

    /** The router (for tests and tools in this module). */
    public LocalRouter router() {
        return router;
    }

    @Override
    public String name() {
        return config.name();
    }

    // ================================================================ write

    @Override
    public <T> LeaseHandle<T> write(T entry, Lease lease, WriteMode mode) {
        Objects.requireNonNull(entry, "entry to write must not be null");
        Objects.requireNonNull(lease, "lease must not be null (use Lease.FOREVER)");
        Objects.requireNonNull(mode, "write mode must not be null");
        lifeCycle.awaitReady();
        return writes.write(entry, lease, mode);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** The space's writes (routing checks and lease handles are shared with its transactions). */
    SpaceWrites writes() {
        return writes;
    }

    /** How callers wait for registered waiters (shared with its transactions). */
    SpaceWaits waits() {
        return waits;
    }

    @Override
    public <T> List<LeaseHandle<T>> writeMultiple(Collection<? extends T> entries, Lease lease, WriteMode mode) {
        Objects.requireNonNull(entries, "entries must not be null");
        Objects.requireNonNull(lease, "lease must not be null (use Lease.FOREVER)");
        Objects.requireNonNull(mode, "write mode must not be null");
        lifeCycle.awaitReady();
        return writes.writeMultiple(entries, lease, mode);
    }

    // ================================================================ read

    @Override
    public <T> T read(Query<T> query, Period period) {
        return readOrTake(query, period, false);
    }

    @Override
    public <T> T readIfExists(Query<T> query, Period period) {
        Objects.requireNonNull(period, "period must not be null");
        return read(query, Period.NONE);
    }

    @Override
    public <T> T readById(Class<T> type, Object id, Object routing) {
        lifeCycle.awaitReady();
        TypeDescriptor td = mapper.describe(type);
        return type.cast(map(readEntryById(td, mapper.checkId(td, id), routing)));
    }

    @Override
    public SpaceDocument readById(String typeName, Object id) {
        lifeCycle.awaitReady();
        TypeDescriptor td = mapper.documentType(typeName);
        return (SpaceDocument) map(readEntryById(td, mapper.checkId(td, id), null));
    }

    /** By id from memory, else (with a data source) read through. */
    private SpaceEntry readEntryById(TypeDescriptor td, Object id, Object routing) {
        SpaceEntry e = router.readById(td, id, routing);
        if (e == null && readThrough != null) {
            e = readThrough.readById(td, id, routing);
        }
        return e;
    }

    @Override
    public <T> List<T> readByIds(Class<T> type, Collection<?> ids) {
        Objects.requireNonNull(ids, "ids must not be null");
        lifeCycle.awaitReady();
        TypeDescriptor td = mapper.describe(type);
        List<Object> checked = new ArrayList<>(ids.size());
        for (Object id : ids) {
            checked.add(mapper.checkId(td, id));
        }
        SpaceEntry[] found = new SpaceEntry[checked.size()];
        Map<Object, Integer> missing = new LinkedHashMap<>();
        for (int i = 0; i < found.length; i++) {
            found[i] = router.readById(td, checked.get(i), null);
            if (found[i] == null) {
                missing.putIfAbsent(checked.get(i), i);
            }
        }
        if (!missing.isEmpty() && readThrough != null) {
            for (SpaceEntry e : readThrough.readByIds(td, missing.keySet())) {
                for (int i = 0; i < found.length; i++) {
                    if (found[i] == null && checked.get(i).equals(e.id())) {
                        found[i] = e;
                    }
                }
            }
        }
        List<T> out = new ArrayList<>(found.length);
        for (SpaceEntry e : found) {
            out.add(type.cast(map(e)));
        }
        return out;
    }

    @Override
    public <T> List<T> readMultiple(Query<T> query, int max) {
        EntryMapper.requireMax(max);
        lifeCycle.awaitReady();
        return mapAll(query, readEntries(mapper.compile(query), max));
    }

    /** Matches from memory, completed from the data source under LRU. */
    private List<SpaceEntry> readEntries(CompiledQuery q, int max) {
        List<SpaceEntry> found = router.readMultiple(q, max);
        return readThrough != null && readThrough.forQueries() ? readThrough.merge(q, found, max) : found;
    }

    // ================================================================ take

    @Override
    public <T> T take(Query<T> query, Period period) {
        return readOrTake(query, period, true);
    }

    @Override
    public <T> T takeIfExists(Query<T> query, Period period) {
        Objects.requireNonNull(period, "period must not be null");
        lifeCycle.awaitReady();
        CompiledQuery q = mapper.compile(query);
        long deadline = period.isForever() ? Long.MAX_VALUE : System.nanoTime() + period.toNanos();
        while (true) {
            List<TxPart> blocked = new ArrayList<>(1);
            SpaceEntry e = router.takeFirst(q, blocked);
            if (e != null || blocked.isEmpty() || period.isNone()) {
                return query.type().cast(map(e));
            }
            // matches exist, but transactions hold them: wait for one of those to end, then try again
            if (!LockWaits.awaitAny(blocked, deadline, null)) {
                return null;
            }
            lifeCycle.awaitReady();
        }
    }

    @Override
    public <T> T takeById(Class<T> type, Object id, Object routing) {
        lifeCycle.awaitReady();
        TypeDescriptor td = mapper.describe(type);
        return type.cast(map(router.takeById(td, mapper.checkId(td, id), routing)));
    }

    @Override
    public SpaceDocument takeById(String typeName, Object id) {
        lifeCycle.awaitReady();
        TypeDescriptor td = mapper.documentType(typeName);
        return (SpaceDocument) map(router.takeById(td, mapper.checkId(td, id), null));
    }

    @Override
    public <T> List<T> takeByIds(Class<T> type, Collection<?> ids) {
        Objects.requireNonNull(ids, "ids must not be null");
        lifeCycle.awaitReady();
        TypeDescriptor td = mapper.describe(type);
        List<Object> checked = new ArrayList<>(ids.size());
        for (Object id : ids) {
            checked.add(mapper.checkId(td, id));
        }
        List<T> out = new ArrayList<>(ids.size());
        for (Object id : checked) {
            out.add(type.cast(map(router.takeById(td, id, null))));
        }
        return out;
    }

    @Override
    public <T> List<T> takeMultiple(Query<T> query, int max) {
        EntryMapper.requireMax(max);
        lifeCycle.awaitReady();
        CompiledQuery q = mapper.compile(query);
        List<SpaceEntry> taken = router.takeMultiple(q, max);
        if (readThrough != null && readThrough.forTakeMultiple() && taken.size() < max) {
            taken = new ArrayList<>(taken);
            taken.addAll(readThrough.takeFromStore(q, max - taken.size()));
        }
        return mapAll(query, taken);
    }

    // ================================================================ other

    @Override
    public <T> int count(Query<T> query) {
        lifeCycle.awaitReady();
        CompiledQuery q = mapper.compile(query);
        if (readThrough != null && readThrough.forQueries()) {
            return readEntries(q, Integer.MAX_VALUE).size();
        }
        return router.count(q);
    }

    @Override
    public <T> int clear(Query<T> query) {
        lifeCycle.awaitReady();
        CompiledQuery q = mapper.compile(query);
        int n = 0;
        for (PartitionEngine p : router.targets(q)) {
            n += writes.locking(() -> p.clear(q));
        }
        return n;
    }

    @Override
    public <T> int change(Query<T> query, ChangeSet changes) {
        Objects.requireNonNull(changes, "change set must not be null");
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("change set is empty: add at least one operation or a lease");
        }
        lifeCycle.awaitReady();
        CompiledQuery q = mapper.compile(query);
        int n = 0;
        for (PartitionEngine p : router.targets(q)) {
            n += writes.locking(() -> p.change(q, changes));
        }
        return n;
    }

    @Override
    public <T, R> R invoke(Class<T> type, Object id, EntryProcessor<T, R> processor) {
        Objects.requireNonNull(processor, "entry processor must not be null");
        lifeCycle.awaitReady();
        TypeDescriptor td = mapper.describe(type);
        Object checked = mapper.checkId(td, id);
        PartitionEngine p;
        if (td.routingIndex() == td.idIndex() || router.size() == 1) {
            p = router.forRouting(checked);
        } else {
            SpaceEntry existing = router.readById(td, checked, null);
            if (existing != null) {
                p = router.forEntry(existing.type(), existing.values());
            } else {
                // the partition follows the routing value the processor will set: ask it first, on "absent"
                LocalMutableEntry<T> probe = new LocalMutableEntry<>(mapper, td, checked, null);
                R r = processor.process(probe);
                ComputeDecision d = probe.decision(r);
                if (d.kind() != ComputeDecision.Kind.PUT) {
                    return r; // nothing to create: the entry was absent everywhere
                }
                p = router.forEntry(d.type(), d.values());
            }
        }
        PartitionEngine target = p;
        @SuppressWarnings("unchecked")
        R result = (R) writes.locking(() -> target.compute(td, checked, current -> {
            LocalMutableEntry<T> entry = new LocalMutableEntry<>(mapper, td, checked, current);
            R r = processor.process(entry);
            return entry.decision(r);
        }));
        return result;
    }

    @Override
    public <T> Subscription subscribe(Query<T> query, Set<SpaceEventType> eventTypes, SpaceListener<T> listener) {
        return subscribe(query, eventTypes, listener, Lease.FOREVER);
    }

    @Override
    public <T> EventRegistration subscribe(Query<T> query, Set<SpaceEventType> eventTypes, SpaceListener<T> listener, Lease lease) {
        return subscribe(query, eventTypes, listener, lease, events);
    }

    /** Subscribes on {@code bus} (the space's, or a transaction's own). */
    <T> EventRegistration subscribe(Query<T> query, Set<SpaceEventType> eventTypes, SpaceListener<T> listener, Lease lease,
                                    EventBus bus) {
        Objects.requireNonNull(lease, "subscription lease must not be null (use Lease.FOREVER)");
        Objects.requireNonNull(eventTypes, "event types must not be null");
        Objects.requireNonNull(listener, "listener must not be null");
        if (eventTypes.isEmpty()) {
            throw new IllegalArgumentException("subscribe to at least one event type");
        }
        ensureNotClosed();
        CompiledQuery q = mapper.compile(query);
        Class<T> type = query.type();
        return bus.subscribe(q, eventTypes, listener, e -> type.cast(mapper.toEntry(e)), lease, config.ticker(), config.scheduler());
    }

    @Override
    public void registerType(SpaceDocumentType type) {
        mapper.registerType(type);
    }

    @Override
    public AsyncSpace async() {
        return async;
    }

    // ================================================================ transactions

    @Override
    public Transaction beginTransaction(TransactionOptions options) {
        Objects.requireNonNull(options, "transaction options must not be null (use TransactionOptions.defaults())");
        lifeCycle.awaitReady();
        LocalTransaction tx = new LocalTransaction(this, options);
        tx.start();
        return tx;
    }

    @Override
    public Space with(Transaction tx) {
        Objects.requireNonNull(tx, "transaction must not be null");
        if (!(tx instanceof LocalTransaction lt) || lt.owner() != this) {
            throw new IllegalArgumentException("transaction " + tx.id() + " does not belong to space '" + config.name() + "'");
        }
        return lt.space();
    }

    LocalSpaceConfig config() {
        return config;
    }

    EntryMapper mapper() {
        return mapper;
    }

    ReadThrough readThrough() {
        return readThrough;
    }

    TransactionSink transactionSink() {
        return wiring.transactionSink;
    }

    Function<SpaceEntry, Object> toEntryFunction() {
        return toEntry;
    }

    void lifeCycleAwaitReady() {
        lifeCycle.awaitReady();
    }

    // ================================================================ life cycle

    @Override
    public SpaceState state() {
        return lifeCycle.state();
    }

    @Override
    public boolean isReady() {
        return lifeCycle.state() == SpaceState.READY && !lifeCycle.isClosed();
    }

    @Override
    public void waitForReady() {
        lifeCycle.awaitReadyWithoutLimit();
    }

    @Override
    public boolean waitForReady(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        return lifeCycle.waitForReady(timeout);
    }

    @Override
    public Subscription addStateListener(Consumer<SpaceState> listener) {
        return lifeCycle.addListener(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public ClusterInfo clusterInfo() {
        return new ClusterInfo(router.size(), 0, 0);
    }

    @Override
    public SpaceAdmin admin() {
        return this;
    }

    @Override
    public void suspend() {
        ensureNotClosed();
        if (lifeCycle.state() != SpaceState.READY) {
            throw new IllegalStateException("space '" + config.name() + "' can be suspended only when READY, it is " + lifeCycle.state());
        }
        lifeCycle.moveTo(SpaceState.SUSPENDED, "suspended by an operator");
    }

    @Override
    public void resume() {
        ensureNotClosed();
        SpaceState s = lifeCycle.state();
        if (s != SpaceState.SUSPENDED && s != SpaceState.RECOVER) {
            throw new IllegalStateException("space '" + config.name() + "' can be resumed only when SUSPENDED or RECOVER, it is " + s);
        }
        lifeCycle.moveTo(SpaceState.READY, "resumed by an operator");
    }

    @Override
    public long pendingChanges() {
        return wiring.writeBehind == null ? 0 : wiring.writeBehind.pendingChanges();
    }

    @Override
    public boolean flush(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return wiring.writeBehind == null || wiring.writeBehind.flush(timeout.isNegative() ? 0 : timeout.toNanos());
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return wiring.writeBehind == null ? List.of() : wiring.writeBehind.deadLetters();
    }

    private void ensureNotClosed() {
        if (lifeCycle.isClosed()) {
            throw new SpaceClosedException(config.name());
        }
    }

    /** Moves the life cycle (for the persistence layer and tests in this module). */
    public void moveTo(SpaceState state, String why) {
        lifeCycle.moveTo(state, why);
    }

    /**
     * Idempotent, and every caller returns only once the space is fully closed: a second, concurrent
     * {@code close()} waits for the first to release every waiter.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closeDone) {
                return;
            }
            shutdown();
            closeDone = true;
        }
    }

    private void shutdown() {
        wiring.shutdown();
    }

    // ================================================================ helpers

    private Object map(SpaceEntry e) {
        return mapper.toEntryOrNull(e);
    }

    private <T> List<T> mapAll(Query<T> query, List<SpaceEntry> entries) {
        return mapper.toEntries(query.type(), entries);
    }

    /**
     * A read or take served from what is present, or — if nothing matches and the period allows —
     * the waiter that a later write will serve.
     *
     * @param found the entry found at once, or null
     * @param waiter the registered waiter, or null when nothing was found and the period is NONE
     */
    private record Attempt(SpaceEntry found, Waiter waiter) {
    }

    private Attempt attempt(Query<?> query, Period period, boolean take) {
        Objects.requireNonNull(period, "period must not be null (use Period.NONE)");
        lifeCycle.awaitReady();
        CompiledQuery q = mapper.compile(query);
        SpaceEntry e;
        if (take) {
            e = router.takeFirst(q);
        } else if (readThrough != null && readThrough.forQueries()) {
            List<SpaceEntry> one = readEntries(q, 1);
            e = one.isEmpty() ? null : one.get(0);
        } else {
            e = router.readFirst(q);
        }
        if (e != null || period.isNone()) {
            return new Attempt(e, null);
        }
        return new Attempt(null, router.await(q, null, null, take, toEntry));
    }

    private <T> T readOrTake(Query<T> query, Period period, boolean take) {
        Attempt a = attempt(query, period, take);
        Object result = a.waiter() == null ? map(a.found()) : waits.block(a.waiter(), period);
        return query.type().cast(result);
    }

    // ================================================================ async view

    /** The asynchronous API. Immediate operations complete on the caller's thread. */
    private final class AsyncView extends DelegatingAsyncSpace {
        AsyncView() {
            super(LocalSpace.this);
        }

        @Override
        protected <T> CompletableFuture<T> waitFor(Query<T> query, Period period, boolean take) {
            Attempt a;
            try {
                a = attempt(query, period, take);
            } catch (RuntimeException ex) {
                return CompletableFuture.failedFuture(ex);
            }
            if (a.waiter() == null) {
                return CompletableFuture.completedFuture(query.type().cast(map(a.found())));
            }
            return waits.armTimeout(a.waiter(), period);
        }

        @Override
        protected <T> CompletableFuture<T> waitForId(Class<T> type, String typeName, Object id, Period period, boolean take) {
            return awaitById(type, typeName, id, period, take);
        }
    }

    /** A by-id read or take that may wait; {@code typeName} is set for documents. */
    private <T> CompletableFuture<T> awaitById(Class<T> type, String typeName, Object id, Period period, boolean take) {
        Objects.requireNonNull(period, "period must not be null (use Period.NONE)");
        try {
            lifeCycle.awaitReady();
            TypeDescriptor td = typeName != null ? mapper.documentType(typeName) : mapper.describe(type);
            Object checkedId = mapper.checkId(td, id);
            SpaceEntry e = take ? router.takeById(td, checkedId, null) : readEntryById(td, checkedId, null);
            if (e != null || period.isNone()) {
                return CompletableFuture.completedFuture(e == null ? null : type.cast(mapper.toEntry(e)));
            }
            return waits.armTimeout(router.await(CompiledQuery.all(td), checkedId, null, take, toEntry), period);
        } catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
    }
}

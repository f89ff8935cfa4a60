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
import io.khora.Scheduler;
import io.khora.Space;
import io.khora.SpaceAdmin;
import io.khora.SpaceClosedException;
import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.SpaceInterruptedException;
import io.khora.SpaceListener;
import io.khora.SpaceState;
import io.khora.SpaceTypeException;
import io.khora.SynchronizationMode;
import io.khora.Subscription;
import io.khora.Transaction;
import io.khora.TransactionOptions;
import io.khora.WriteMode;
import io.khora.WriteMultipleException;
import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;
import io.khora.internal.engine.Change;
import io.khora.internal.engine.ChangeSink;
import io.khora.internal.engine.ComputeDecision;
import io.khora.internal.engine.EntryLockedException;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.engine.TxPart;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.engine.Waiter;
import io.khora.internal.events.EventBus;
import io.khora.internal.lifecycle.LifeCycle;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.persistence.InitialLoader;
import io.khora.internal.persistence.PendingChanges;
import io.khora.internal.persistence.ReadThrough;
import io.khora.internal.persistence.TransactionSink;
import io.khora.internal.persistence.WriteThroughSink;
import io.khora.internal.query.CompiledQuery;
import io.khora.internal.router.LocalRouter;
import io.khora.internal.writebehind.WriteBehindSink;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.SpaceDataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An embedded space: the public API over a {@link LocalRouter} and its partitions. It maps user
 * entries to values (through {@link EntryMapper}), checks the life cycle, validates arguments, and
 * turns waiting reads and takes into {@link Waiter}s. Everything that need not wait runs on the
 * caller's thread.
 */
public final class LocalSpace implements Space, SpaceAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSpace.class);

    private final LocalSpaceConfig config;
    private final LifeCycle lifeCycle;
    private final EntryMapper mapper = new EntryMapper();
    private final EventBus events;
    private final LocalRouter router;
    private final AsyncView async = new AsyncView();
    private final Function<SpaceEntry, Object> toEntry = mapper::toEntry;
    private final ReadThrough readThrough;
    private final InitialLoader loader;
    private final WriteBehindSink writeBehind;
    private final TransactionSink transactionSink;
    private final long lockWaitNanos;
    private final LocalLeaseHandle.Context handleContext;
    private volatile Future<?> progressTask;
    private volatile Future<?> sweeperTask;
    private final Object closeLock = new Object();
    private boolean closeDone;

    /** Builds the space in state INITIAL; call {@link #start()}. */
    public LocalSpace(LocalSpaceConfig config) {
        this.config = config;
        this.lifeCycle = new LifeCycle(config.name(), config.spaceWait(), config.eventExecutor());
        this.events = new EventBus(config.name(), config.eventExecutor(), config.eventQueueCapacity());
        LocalSpaceConfig.Persistence persistence = config.persistence();
        int n = config.partitions();
        ChangeSink sink;
        if (persistence.endpoint() == null) {
            sink = ChangeSink.NONE;
            this.writeBehind = null;
            this.transactionSink = TransactionSink.NONE;
        } else if (persistence.mode() == SynchronizationMode.WRITE_BEHIND) {
            this.writeBehind = new WriteBehindSink(config.name(), n, persistence.endpoint(), persistence.writeBehind(), mapper,
                    this::resolveType, persistence.persistLeaseExpiry());
            sink = writeBehind;
            this.transactionSink = writeBehind;
        } else {
            WriteThroughSink wt = new WriteThroughSink(config.name(), persistence.endpoint(), mapper, persistence.persistLeaseExpiry());
            sink = wt;
            this.transactionSink = wt;
            this.writeBehind = null;
        }
        this.lockWaitNanos = saturatedNanos(config.transactions().lockWait());
        this.handleContext = new LocalLeaseHandle.Context(lifeCycle, lockWaitNanos);
        PartitionEngine[] parts = new PartitionEngine[n];
        for (int i = 0; i < n; i++) {
            int bound = persistence.maxEntries() == 0 ? 0 : persistence.maxEntries() / n + (i < persistence.maxEntries() % n ? 1 : 0);
            parts[i] = new PartitionEngine(config.name(), i, config.ticker(), events, sink, bound);
        }
        this.router = new LocalRouter(parts);
        config.documentTypes().forEach(mapper::registerType);
        SpaceDataSource ds = persistence.dataSource();
        this.readThrough = ds == null ? null
                : new ReadThrough(config.name(), ds, router, mapper, persistence.cachePolicy(), persistence.endpoint() != null,
                        writeBehind == null ? PendingChanges.NONE : writeBehind);
        this.loader = ds == null ? null : new InitialLoader(config.name(), ds, router, mapper, persistence.initialLoadAttempts(),
                persistence.metrics());
    }

    /**
     * INITIAL → LOADING, starts the lease sweeper and the initial load (in the background), and
     * returns; the space becomes READY when the load finishes, INVALID if it fails. Without a data
     * source it is READY when this returns.
     */
    public LocalSpace start() {
        lifeCycle.moveTo(SpaceState.LOADING, null);
        scheduleSweep();
        List<List<Change>> undelivered = writeBehind == null ? List.of() : writeBehind.recoverUndelivered();
        if (writeBehind != null) {
            writeBehind.start();
        }
        if (loader == null) {
            restore(undelivered);
            lifeCycle.moveTo(SpaceState.READY, null);
            return this;
        }
        long every = config.persistence().progressInterval().toMillis();
        scheduleProgressLog(every);
        loader.start().whenComplete((ok, failure) -> {
            Future<?> t = progressTask;
            if (t != null) {
                t.cancel(false);
            }
            if (lifeCycle.isClosed()) {
                return;
            }
            if (failure == null) {
                LOG.info("space '{}': initial load finished: {}", config.name(), loader.progress());
                restore(undelivered);
                lifeCycle.moveTo(SpaceState.READY, null);
            } else {
                LOG.error("space '{}': initial load failed; the space is INVALID", config.name(), failure);
                lifeCycle.moveTo(SpaceState.INVALID, "initial load failed: " + failure.getMessage());
            }
        });
        return this;
    }

    /** Applies changes the store does not have yet (write-behind, after a restart) over the loaded data. */
    private void restore(List<List<Change>> undelivered) {
        for (int p = 0; p < undelivered.size(); p++) {
            for (Change c : undelivered.get(p)) {
                router.partition(p).restore(c);
            }
        }
    }

    /** Finds a type from an outbox record: a registered document type, or a class by name. */
    private TypeDescriptor resolveType(String typeName, String className) {
        if (className == null) {
            return mapper.documentType(typeName);
        }
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try {
            return mapper.describe(Class.forName(className, false, cl != null ? cl : LocalSpace.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            throw new SpaceTypeException("write-behind outbox holds changes of " + className + ", which is not on the class path", e);
        }
    }

    private void scheduleProgressLog(long everyMillis) {
        try {
            progressTask = config.scheduler().schedule(() -> {
                InitialLoadProgress p = loader.progress();
                if (!p.finished() && !lifeCycle.isClosed()) {
                    LOG.info("space '{}' initial load: {}", config.name(), p);
                    scheduleProgressLog(everyMillis);
                }
            }, everyMillis);
        } catch (RejectedExecutionException closing) {
            LOG.debug("space '{}': scheduler closed, no more progress lines", config.name());
        }
    }

    /** How far the initial load has got ({@link InitialLoadProgress#NONE} without a data source). */
    @Override
    public InitialLoadProgress initialLoadProgress() {
        return loader == null ? InitialLoadProgress.NONE : loader.progress();
    }

    private void scheduleSweep() {
        if (lifeCycle.isClosed()) {
            return;
        }
        try {
            sweeperTask = config.scheduler().schedule(() -> {
                try {
                    router.sweep();
                } catch (SpaceException closed) {
                    return;
                } catch (RuntimeException e) {
                    LOG.error("space '{}': lease sweep failed", config.name(), e);
                }
                scheduleSweep();
            }, config.leaseSweepInterval().toMillis());
        } catch (RejectedExecutionException closing) {
            LOG.debug("space '{}': scheduler closed, lease sweeping stops", config.name());
        }
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
        TypeDescriptor type = mapper.describeEntry(entry);
        Object[] values = mapper.toValues(type, entry);
        PartitionEngine p = router.forEntry(type, values);
        refuseRoutingChange(type, values, p);
        PartitionEngine.WriteResult r;
        try {
            r = p.write(type, values, lease, mode);
        } catch (EntryLockedException locked) {
            r = writeWaiting(p, type, values, lease, mode, locked);
        }
        return finishWrite(entry, type, p, r);
    }

    /** A write that found its entry locked by a transaction: waits for the lock (up to the lock wait) and retries. */
    private PartitionEngine.WriteResult writeWaiting(PartitionEngine p, TypeDescriptor type, Object[] values, Lease lease,
                                                    WriteMode mode, EntryLockedException first) {
        long deadline = LockWaits.await(first, 0, lockWaitNanos, null);
        while (true) {
            try {
                return p.write(type, values, lease, mode);
            } catch (EntryLockedException locked) {
                deadline = LockWaits.await(locked, deadline, lockWaitNanos, null);
            }
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** Runs a mutation of one partition, waiting for and retrying after every transaction lock it runs into. */
    private <R> R locking(java.util.function.Supplier<R> op) {
        long deadline = 0;
        while (true) {
            try {
                return op.get();
            } catch (EntryLockedException locked) {
                deadline = LockWaits.await(locked, deadline, lockWaitNanos, null);
            }
        }
    }

    /**
     * Ids are unique per type hierarchy, but the partition follows the routing value: an entry
     * written again with another routing value would land beside its old self. Refused, naming
     * both values; take the entry and write it anew to move it. (Checked without locks: two racing
     * first writes of one id with different routing values are not caught.)
     */
    void refuseRoutingChange(TypeDescriptor type, Object[] values, PartitionEngine target) {
        if (type.routingIndex() == type.idIndex() || router.size() == 1) {
            return;
        }
        Object id = values[type.idIndex()];
        for (int i = 0; i < router.size(); i++) {
            PartitionEngine other = router.partition(i);
            if (other != target) {
                SpaceEntry existing = other.readById(type.root(), id);
                if (existing != null) {
                    throw new SpaceTypeException("entry of " + type.name() + " with id=" + id + " exists with routing value "
                            + existing.routing() + "; it cannot be written with routing value " + values[type.routingIndex()]
                            + " (the routing value picks the partition): take it and write it again to move it");
                }
            }
        }
    }

    private <T> LeaseHandle<T> finishWrite(T entry, TypeDescriptor type, PartitionEngine p, PartitionEngine.WriteResult r) {
        int vi = type.versionIndex();
        if (vi >= 0) {
            type.codec().writeBack(entry, vi, r.entry().values()[vi]);
        }
        return leaseHandle(p, r);
    }

    /** The lease handle of a write's result. */
    <T> LeaseHandle<T> leaseHandle(PartitionEngine p, PartitionEngine.WriteResult r) {
        return new LocalLeaseHandle<>(handleContext, p, r.entry(), r.created());
    }

    @Override
    public <T> List<LeaseHandle<T>> writeMultiple(Collection<? extends T> entries, Lease lease, WriteMode mode) {
        Objects.requireNonNull(entries, "entries must not be null");
        Objects.requireNonNull(lease, "lease must not be null (use Lease.FOREVER)");
        Objects.requireNonNull(mode, "write mode must not be null");
        lifeCycle.awaitReady();
        int n = entries.size();
        List<T> list = new ArrayList<>(entries);
        TypeDescriptor[] types = new TypeDescriptor[n];
        Object[][] values = new Object[n][];
        PartitionEngine[] parts = new PartitionEngine[n];
        for (int i = 0; i < n; i++) {
            T entry = list.get(i);
            if (entry == null) {
                throw new NullPointerException("entry " + i + " of writeMultiple is null");
            }
            types[i] = mapper.describeEntry(entry);
            values[i] = mapper.toValues(types[i], entry);
            parts[i] = router.forEntry(types[i], values[i]);
            refuseRoutingChange(types[i], values[i], parts[i]);
        }
        List<LeaseHandle<T>> handles = new ArrayList<>(java.util.Collections.nCopies(n, null));
        Map<Integer, SpaceException> failures = new java.util.TreeMap<>();
        // one engine call (one persistence batch) per partition for the first occurrence of each id;
        // a repeated id is written after it, one by one, in the caller's order
        Map<PartitionEngine, List<Integer>> batches = new LinkedHashMap<>();
        List<Integer> repeats = new ArrayList<>();
        java.util.Set<List<Object>> seen = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            if (seen.add(List.of(types[i].root().name(), values[i][types[i].idIndex()]))) {
                batches.computeIfAbsent(parts[i], k -> new ArrayList<>()).add(i);
            } else {
                repeats.add(i);
            }
        }
        for (Map.Entry<PartitionEngine, List<Integer>> b : batches.entrySet()) {
            List<Integer> idx = b.getValue();
            TypeDescriptor[] bt = new TypeDescriptor[idx.size()];
            Object[][] bv = new Object[idx.size()][];
            for (int k = 0; k < bt.length; k++) {
                bt[k] = types[idx.get(k)];
                bv[k] = values[idx.get(k)];
            }
            Object[] results = b.getKey().writeAll(bt, bv, lease, mode);
            for (int k = 0; k < bt.length; k++) {
                int i = idx.get(k);
                if (results[k] instanceof PartitionEngine.WriteResult r) {
                    writeMultipleOne(list.get(i), i, types[i], values[i], parts[i], r, lease, mode, handles, failures);
                } else if (results[k] instanceof EntryLockedException) {
                    writeMultipleOne(list.get(i), i, types[i], values[i], parts[i], null, lease, mode, handles, failures);
                } else if (results[k] instanceof SpaceException e && !lifeCycle.isClosed()) {
                    failures.put(i, e);
                } else {
                    throw (RuntimeException) results[k];
                }
            }
        }
        for (int i : repeats) {
            writeMultipleOne(list.get(i), i, types[i], values[i], parts[i], null, lease, mode, handles, failures);
        }
        if (!failures.isEmpty()) {
            throw new WriteMultipleException(new LinkedHashMap<>(failures), new ArrayList<>(handles));
        }
        return handles;
    }

    /** Finishes entry {@code i} of a writeMultiple: written already ({@code r}), or written now, waiting for a lock if need be. */
    private <T> void writeMultipleOne(T entry, int i, TypeDescriptor type, Object[] values, PartitionEngine part,
                                      PartitionEngine.WriteResult r, Lease lease, WriteMode mode, List<LeaseHandle<T>> handles,
                                      Map<Integer, SpaceException> failures) {
        try {
            PartitionEngine.WriteResult done = r;
            if (done == null) {
                try {
                    done = part.write(type, values, lease, mode);
                } catch (EntryLockedException locked) {
                    done = writeWaiting(part, type, values, lease, mode, locked);
                }
            }
            handles.set(i, finishWrite(entry, type, part, done));
        } catch (SpaceException e) {
            if (lifeCycle.isClosed()) {
                throw e;
            }
            failures.put(i, e);
        }
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
        requireMax(max);
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
        requireMax(max);
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
            long deadline = 0;
            while (true) {
                try {
                    n += p.clear(q);
                    break;
                } catch (EntryLockedException locked) {
                    deadline = LockWaits.await(locked, deadline, lockWaitNanos, null);
                }
            }
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
            long deadline = 0;
            while (true) {
                try {
                    n += p.change(q, changes);
                    break;
                } catch (EntryLockedException locked) {
                    deadline = LockWaits.await(locked, deadline, lockWaitNanos, null);
                }
            }
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
        R result = (R) locking(() -> target.compute(td, checked, current -> {
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
        return transactionSink;
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
        return writeBehind == null ? 0 : writeBehind.pendingChanges();
    }

    @Override
    public boolean flush(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return writeBehind == null || writeBehind.flush(timeout.isNegative() ? 0 : timeout.toNanos());
    }

    @Override
    public List<DeadLetter> deadLetters() {
        return writeBehind == null ? List.of() : writeBehind.deadLetters();
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
        lifeCycle.close(); // first: from now on every caller gets SpaceClosedException, not a state error
        lifeCycle.moveTo(SpaceState.INVALID, "closed");
        for (Future<?> task : new Future<?>[] {sweeperTask, progressTask}) {
            if (task != null) {
                task.cancel(false);
            }
        }
        if (writeBehind != null) {
            writeBehind.close();
        }
        router.close();
        events.close();
        if (config.ownsScheduler()) {
            Scheduler.close(config.scheduler());
        }
        if (config.ownsEventExecutor()) {
            config.eventExecutor().shutdown();
        }
        LOG.info("space '{}' closed", config.name());
    }

    // ================================================================ helpers

    private static void requireMax(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative, got " + max);
        }
    }

    private Object map(SpaceEntry e) {
        return e == null ? null : mapper.toEntry(e);
    }

    private <T> List<T> mapAll(Query<T> query, List<SpaceEntry> entries) {
        Class<T> type = query.type();
        List<T> out = new ArrayList<>(entries.size());
        for (SpaceEntry e : entries) {
            out.add(type.cast(mapper.toEntry(e)));
        }
        return out;
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
        Object result = a.waiter() == null ? map(a.found()) : awaitSync(a.waiter(), period);
        return query.type().cast(result);
    }

    /** Blocks for a waiter's result; on timeout or interrupt claims it, or takes what a racing write handed it. */
    Object awaitSync(Waiter w, Period period) {
        CompletableFuture<?> f = w.future();
        try {
            return period.isForever() ? f.get() : f.get(period.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException timeout) {
            if (w.tryClaim()) {
                w.deliver(null);
                return null;
            }
            return joinUninterruptibly(f);
        } catch (InterruptedException interrupted) {
            if (w.tryClaim()) {
                SpaceInterruptedException ex = new SpaceInterruptedException("interrupted while waiting in space '" + config.name() + "'", interrupted);
                w.fail(ex);
                Thread.currentThread().interrupt();
                throw ex;
            }
            Object v = joinUninterruptibly(f);
            Thread.currentThread().interrupt();
            return v;
        } catch (ExecutionException failed) {
            throw unwrap(failed.getCause());
        } catch (CancellationException cancelled) {
            return null;
        }
    }

    private static Object joinUninterruptibly(CompletableFuture<?> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new SpaceException(t.toString(), t);
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
            return armTimeout(a.waiter(), period);
        }

        @Override
        protected <T> CompletableFuture<T> waitForId(Class<T> type, String typeName, Object id, Period period, boolean take) {
            return awaitById(type, typeName, id, period, take);
        }
    }

    /** Nanoseconds rounded up to whole milliseconds (at least 1): a timer never fires before its period. */
    private static long ceilMillis(long nanos) {
        long ms = nanos / 1_000_000L;
        return Math.max(1L, nanos % 1_000_000L == 0 ? ms : ms + 1);
    }

    /** Completes {@code w} with null when {@code period} elapses (unless it completed first). */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> armTimeout(Waiter w, Period period) {
        CompletableFuture<T> f = (CompletableFuture<T>) w.future();
        if (!period.isForever() && !f.isDone()) {
            Future<?> timer;
            try {
                timer = config.scheduler().schedule(() -> {
                    if (w.tryClaim()) {
                        w.deliver(null);
                    }
                }, ceilMillis(period.toNanos()));
            } catch (RejectedExecutionException closing) {
                if (w.tryClaim()) {
                    w.fail(new SpaceClosedException(config.name()));
                }
                return f;
            }
            f.whenComplete((r, t) -> timer.cancel(false));
        }
        return f;
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
            return armTimeout(router.await(CompiledQuery.all(td), checkedId, null, take, toEntry), period);
        } catch (RuntimeException ex) {
            return CompletableFuture.failedFuture(ex);
        }
    }
}

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
import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.SpaceListener;
import io.khora.SpaceState;
import io.khora.Subscription;
import io.khora.Transaction;
import io.khora.TransactionOptions;
import io.khora.WriteMode;
import io.khora.WriteMultipleException;
import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;
import io.khora.internal.engine.ComputeDecision;
import io.khora.internal.engine.EntryLockedException;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.engine.TxPart;
import io.khora.internal.engine.Waiter;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.persistence.ReadThrough;
import io.khora.internal.query.CompiledQuery;
import io.khora.internal.router.LocalRouter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The view of an embedded space under one {@link LocalTransaction}: the same operations, run
 * against the partitions' transaction API ({@code PartitionEngine.tx…}) with the transaction's part
 * in each partition. Routing, argument checks and result mapping are the space's.
 *
 * <p>Reads see the transaction's own changes over the committed state; with EXCLUSIVE_READ they
 * lock what they return. Writes, changes, clears and entry processors that need an entry another
 * transaction holds wait for it (the transaction's lock wait; deadlocks are refused at once).
 * Takes skip held entries; a take with a period keeps waiting and is served at a commit or rollback
 * that frees a match; {@code takeIfExists} waits for the holders of its matches to end.
 */
final class TxSpace implements Space {
    private final LocalSpace space;
    private final LocalTransaction tx;
    private final LocalRouter router;
    private final EntryMapper mapper;
    private final boolean exclusive;
    private final TxAsync async = new TxAsync();

    TxSpace(LocalSpace space, LocalTransaction tx) {
        this.space = space;
        this.tx = tx;
        this.router = space.router();
        this.mapper = space.mapper();
        this.exclusive = tx.options().isolation() == TransactionOptions.Isolation.EXCLUSIVE_READ;
    }

    @Override
    public String name() {
        return space.name();
    }

    // ================================================================ write

    @Override
    public <T> LeaseHandle<T> write(T entry, Lease lease, WriteMode mode) {
        Objects.requireNonNull(entry, "entry to write must not be null");
        Objects.requireNonNull(lease, "lease must not be null (use Lease.FOREVER)");
        Objects.requireNonNull(mode, "write mode must not be null");
        tx.begin();
        TypeDescriptor type = mapper.describeEntry(entry);
        Object[] values = mapper.toValues(type, entry);
        PartitionEngine p = router.forEntry(type, values);
        space.writes().refuseRoutingChange(type, values, p);
        return doWrite(entry, type, values, p, lease, mode);
    }

    private <T> LeaseHandle<T> doWrite(T entry, TypeDescriptor type, Object[] values, PartitionEngine p, Lease lease, WriteMode mode) {
        TxPart part = tx.part(p);
        long deadline = 0;
        PartitionEngine.WriteResult r;
        while (true) {
            try {
                r = p.txWrite(part, type, values, lease, mode);
                break;
            } catch (EntryLockedException locked) {
                deadline = tx.awaitLock(locked, deadline);
            }
        }
        int vi = type.versionIndex();
        if (vi >= 0) {
            type.codec().writeBack(entry, vi, r.entry().values()[vi]);
        }
        return new TxLeaseHandle<>(tx, space.writes().leaseHandle(p, r));
    }

    @Override
    public <T> List<LeaseHandle<T>> writeMultiple(Collection<? extends T> entries, Lease lease, WriteMode mode) {
        Objects.requireNonNull(entries, "entries must not be null");
        Objects.requireNonNull(lease, "lease must not be null (use Lease.FOREVER)");
        Objects.requireNonNull(mode, "write mode must not be null");
        tx.begin();
        List<T> list = new ArrayList<>(entries);
        int n = list.size();
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
            space.writes().refuseRoutingChange(types[i], values[i], parts[i]);
        }
        List<LeaseHandle<T>> handles = new ArrayList<>(n);
        Map<Integer, SpaceException> failures = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            try {
                handles.add(doWrite(list.get(i), types[i], values[i], parts[i], lease, mode));
            } catch (io.khora.EntryAlreadyExistsException | io.khora.EntryNotFoundException | io.khora.EntryVersionConflictException e) {
                failures.put(i, e);
                handles.add(null);
            }
        }
        if (!failures.isEmpty()) {
            throw new WriteMultipleException(failures, new ArrayList<>(handles));
        }
        return handles;
    }

    // ================================================================ read

    @Override
    public <T> T read(Query<T> query, Period period) {
        return readOrTake(query, period, false);
    }

    @Override
    public <T> T readIfExists(Query<T> query, Period period) {
        return ifExists(query, period, false);
    }

    @Override
    public <T> T readById(Class<T> type, Object id, Object routing) {
        tx.begin();
        TypeDescriptor td = mapper.describe(type);
        return type.cast(map(readEntryById(td, mapper.checkId(td, id), routing)));
    }

    @Override
    public SpaceDocument readById(String typeName, Object id) {
        tx.begin();
        TypeDescriptor td = mapper.documentType(typeName);
        return (SpaceDocument) map(readEntryById(td, mapper.checkId(td, id), null));
    }

    /** By id as the transaction sees it; read through the data source on a miss it did not cause. */
    private SpaceEntry readEntryById(TypeDescriptor td, Object id, Object routing) {
        PartitionEngine[] targets = router.targetsForId(td, id, routing);
        SpaceEntry e = readFromMemory(td, id, targets);
        if (e != null) {
            return e;
        }
        ReadThrough rt = space.readThrough();
        if (rt == null) {
            return null;
        }
        for (PartitionEngine p : targets) {
            if (p.txTouched(tx.existing(p), td, id)) {
                return null; // the transaction took it (or wrote nothing there): the store's row is not its view
            }
        }
        SpaceEntry loaded = rt.readById(td, id, routing);
        if (loaded == null) {
            return null;
        }
        return exclusive ? readFromMemory(td, id, new PartitionEngine[] {router.forEntry(loaded.type(), loaded.values())}) : loaded;
    }

    private SpaceEntry readFromMemory(TypeDescriptor td, Object id, PartitionEngine[] targets) {
        for (PartitionEngine p : targets) {
            SpaceEntry e;
            if (!exclusive) {
                e = p.txReadById(tx.existing(p), td, id, false);
            } else {
                TxPart part = tx.part(p);
                long deadline = 0;
                while (true) {
                    try {
                        e = p.txReadById(part, td, id, true);
                        break;
                    } catch (EntryLockedException locked) {
                        deadline = tx.awaitLock(locked, deadline);
                    }
                }
            }
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    @Override
    public <T> List<T> readByIds(Class<T> type, Collection<?> ids) {
        Objects.requireNonNull(ids, "ids must not be null");
        tx.begin();
        TypeDescriptor td = mapper.describe(type);
        List<T> out = new ArrayList<>(ids.size());
        for (Object id : ids) {
            out.add(type.cast(map(readEntryById(td, mapper.checkId(td, id), null))));
        }
        return out;
    }

    @Override
    public <T> List<T> readMultiple(Query<T> query, int max) {
        EntryMapper.requireMax(max);
        tx.begin();
        CompiledQuery q = mapper.compile(query);
        return mapAll(query, exclusive ? lockMatches(q, max, false, null) : readEntries(q, max));
    }

    /** Up to {@code max} matches as the transaction sees them, without locking (ORDER BY global). */
    private List<SpaceEntry> readEntries(CompiledQuery q, int max) {
        PartitionEngine[] targets = router.targets(q);
        List<SpaceEntry> out = new ArrayList<>();
        if (q.ordering() == null) {
            for (PartitionEngine p : targets) {
                p.txReadMultiple(tx.existing(p), q, max - out.size(), out);
                if (out.size() >= max) {
                    break;
                }
            }
        } else {
            for (PartitionEngine p : targets) {
                p.txReadMultiple(tx.existing(p), q, max, out);
            }
            if (targets.length > 1) {
                out.sort((a, b) -> q.ordering().compare(a.values(), b.values()));
                if (out.size() > max) {
                    out.subList(max, out.size()).clear();
                }
            }
        }
        ReadThrough rt = space.readThrough();
        if (rt != null && rt.forQueries()) {
            out = new ArrayList<>(rt.merge(q, out, max));
            out.removeIf(e -> {
                PartitionEngine p = router.forEntry(e.type(), e.values());
                return !p.txSees(tx.existing(p), e); // a store row of an entry the transaction took or changed
            });
        }
        return out;
    }

    /**
     * Locks for the transaction — taking them if {@code take} — up to {@code max} matches it sees,
     * skipping those others hold (their holders go to {@code blocked}).
     */
    private List<SpaceEntry> lockMatches(CompiledQuery q, int max, boolean take, List<TxPart> blocked) {
        if (max <= 0) {
            return new ArrayList<>();
        }
        PartitionEngine[] targets = router.targets(q);
        List<SpaceEntry> out = new ArrayList<>();
        if (q.ordering() == null || targets.length == 1) {
            for (PartitionEngine p : targets) {
                TxPart part = tx.part(p);
                out.addAll(take ? p.txTakeMultiple(part, q, max - out.size(), blocked)
                        : p.txReadExclusive(part, q, max - out.size(), blocked));
                if (out.size() >= max) {
                    break;
                }
            }
        } else {
            // ordered over several partitions: pick globally, then lock exactly those
            List<TxPart> holders = blocked != null ? blocked : new ArrayList<>();
            Set<SpaceEntry> skipped = Collections.newSetFromMap(new IdentityHashMap<>());
            while (out.size() < max) {
                List<SpaceEntry> candidates = readEntries(q, max - out.size() + skipped.size());
                candidates.removeIf(e -> skipped.contains(e) || out.contains(e));
                if (candidates.isEmpty()) {
                    break;
                }
                for (SpaceEntry e : candidates) {
                    if (out.size() >= max) {
                        break;
                    }
                    PartitionEngine p = router.forEntry(e.type(), e.values());
                    TxPart part = tx.part(p);
                    if (p.txLockExact(part, e, take)) {
                        out.add(e);
                    } else {
                        TxPart holder = p.lockHolder(e);
                        if (holder != null && holder != part) {
                            skipped.add(e);
                            if (!holders.contains(holder)) {
                                holders.add(holder);
                            }
                        }
                    }
                }
            }
        }
        ReadThrough rt = space.readThrough();
        if (take && out.size() < max && rt != null && rt.forTakeMultiple()) {
            // read-write persistence: matches that exist only in the store are taken too (loaded, then locked)
            rt.query(q, e -> {
                PartitionEngine p = router.forEntry(e.type(), e.values());
                if (!out.contains(e) && p.txLockExact(tx.part(p), e, true)) {
                    out.add(e);
                }
                return out.size() < max;
            });
        }
        return out;
    }

    // ================================================================ take

    @Override
    public <T> T take(Query<T> query, Period period) {
        return readOrTake(query, period, true);
    }

    @Override
    public <T> T takeIfExists(Query<T> query, Period period) {
        return ifExists(query, period, true);
    }

    @Override
    public <T> T takeById(Class<T> type, Object id, Object routing) {
        tx.begin();
        TypeDescriptor td = mapper.describe(type);
        return type.cast(map(takeEntryById(td, mapper.checkId(td, id), routing, null)));
    }

    @Override
    public SpaceDocument takeById(String typeName, Object id) {
        tx.begin();
        TypeDescriptor td = mapper.documentType(typeName);
        return (SpaceDocument) map(takeEntryById(td, mapper.checkId(td, id), null, null));
    }

    private SpaceEntry takeEntryById(TypeDescriptor td, Object id, Object routing, List<TxPart> blocked) {
        for (PartitionEngine p : router.targetsForId(td, id, routing)) {
            SpaceEntry e = p.txTakeById(tx.part(p), td, id, blocked);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    @Override
    public <T> List<T> takeByIds(Class<T> type, Collection<?> ids) {
        Objects.requireNonNull(ids, "ids must not be null");
        tx.begin();
        TypeDescriptor td = mapper.describe(type);
        List<Object> checked = new ArrayList<>(ids.size());
        for (Object id : ids) {
            checked.add(mapper.checkId(td, id));
        }
        List<T> out = new ArrayList<>(checked.size());
        for (Object id : checked) {
            out.add(type.cast(map(takeEntryById(td, id, null, null))));
        }
        return out;
    }

    @Override
    public <T> List<T> takeMultiple(Query<T> query, int max) {
        EntryMapper.requireMax(max);
        tx.begin();
        return mapAll(query, lockMatches(mapper.compile(query), max, true, null));
    }

    // ================================================================ waiting

    private <T> T readOrTake(Query<T> query, Period period, boolean take) {
        Objects.requireNonNull(period, "period must not be null (use Period.NONE)");
        tx.begin();
        CompiledQuery q = mapper.compile(query);
        SpaceEntry e = first(q, take, null);
        if (e != null || period.isNone()) {
            return query.type().cast(map(e));
        }
        return query.type().cast(space.waits().block(await(q, null, null, take), period));
    }

    /** The first match as the transaction sees it: taken, or locked (exclusive read), or just read. */
    private SpaceEntry first(CompiledQuery q, boolean take, List<TxPart> blocked) {
        List<SpaceEntry> one = take || exclusive ? lockMatches(q, 1, take, blocked) : readEntries(q, 1);
        return one.isEmpty() ? null : one.get(0);
    }

    /** Registers a waiter of the transaction in every partition it may be served from. */
    private Waiter await(CompiledQuery q, Object id, Object routing, boolean take) {
        for (PartitionEngine p : router.waitTargets(q, id, routing)) {
            tx.part(p);
        }
        Waiter w = router.await(q, id, routing, take, space.toEntryFunction(), tx, tx::register);
        if (tx.status() != Transaction.Status.ACTIVE && w.tryClaim()) {
            w.fail(tx.endedException());
        }
        return w;
    }

    /** read/takeIfExists: wait only while matches exist that other transactions hold. */
    private <T> T ifExists(Query<T> query, Period period, boolean take) {
        Objects.requireNonNull(period, "period must not be null");
        tx.begin();
        CompiledQuery q = mapper.compile(query);
        if (!take && !exclusive) {
            return query.type().cast(map(first(q, false, null))); // a plain read never waits for a lock
        }
        long deadline = period.isForever() ? Long.MAX_VALUE : System.nanoTime() + period.toNanos();
        while (true) {
            List<TxPart> blocked = new ArrayList<>();
            SpaceEntry e = first(q, take, blocked);
            if (e != null || blocked.isEmpty() || period.isNone()) {
                return query.type().cast(map(e));
            }
            if (!LockWaits.awaitAny(blocked, deadline, tx)) {
                return null;
            }
            tx.ensureActive();
        }
    }

    // ================================================================ other

    @Override
    public <T> int count(Query<T> query) {
        tx.begin();
        CompiledQuery q = mapper.compile(query);
        ReadThrough rt = space.readThrough();
        if (rt != null && rt.forQueries()) {
            return readEntries(q, Integer.MAX_VALUE).size();
        }
        int n = 0;
        for (PartitionEngine p : router.targets(q)) {
            n += p.txCount(tx.existing(p), q);
        }
        return n;
    }

    @Override
    public <T> int clear(Query<T> query) {
        tx.begin();
        CompiledQuery q = mapper.compile(query);
        int n = 0;
        for (PartitionEngine p : router.targets(q)) {
            TxPart part = tx.part(p);
            n += locking(() -> p.txClear(part, q).size());
        }
        return n;
    }

    @Override
    public <T> int change(Query<T> query, ChangeSet changes) {
        Objects.requireNonNull(changes, "change set must not be null");
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("change set is empty: add at least one operation or a lease");
        }
        tx.begin();
        CompiledQuery q = mapper.compile(query);
        int n = 0;
        for (PartitionEngine p : router.targets(q)) {
            TxPart part = tx.part(p);
            n += locking(() -> p.txChange(part, q, changes));
        }
        return n;
    }

    /** Runs {@code op}, waiting for and retrying after every lock it runs into (up to the lock wait). */
    private <R> R locking(Supplier<R> op) {
        long deadline = 0;
        while (true) {
            try {
                return op.get();
            } catch (EntryLockedException locked) {
                deadline = tx.awaitLock(locked, deadline);
            }
        }
    }

    @Override
    public <T, R> R invoke(Class<T> type, Object id, EntryProcessor<T, R> processor) {
        Objects.requireNonNull(processor, "entry processor must not be null");
        tx.begin();
        TypeDescriptor td = mapper.describe(type);
        Object checked = mapper.checkId(td, id);
        PartitionEngine p;
        if (td.routingIndex() == td.idIndex() || router.size() == 1) {
            p = router.forRouting(checked);
        } else {
            SpaceEntry existing = readEntryById(td, checked, null);
            if (existing != null) {
                p = router.forEntry(existing.type(), existing.values());
            } else {
                LocalMutableEntry<T> probe = new LocalMutableEntry<>(mapper, td, checked, null);
                R r = processor.process(probe);
                ComputeDecision d = probe.decision(r);
                if (d.kind() != ComputeDecision.Kind.PUT) {
                    return r;
                }
                p = router.forEntry(d.type(), d.values());
            }
        }
        TxPart part = tx.part(p);
        PartitionEngine target = p;
        @SuppressWarnings("unchecked")
        R result = (R) locking(() -> target.txCompute(part, td, checked, current -> {
            LocalMutableEntry<T> entry = new LocalMutableEntry<>(mapper, td, checked, current);
            R r = processor.process(entry);
            return entry.decision(r);
        }));
        return result;
    }

    @Override
    public <T> Subscription subscribe(Query<T> query, Set<SpaceEventType> events, SpaceListener<T> listener) {
        return subscribe(query, events, listener, Lease.FOREVER);
    }

    @Override
    public <T> EventRegistration subscribe(Query<T> query, Set<SpaceEventType> events, SpaceListener<T> listener, Lease lease) {
        return tx.subscribe(query, events, listener, lease);
    }

    @Override
    public void registerType(SpaceDocumentType type) {
        space.registerType(type);
    }

    @Override
    public AsyncSpace async() {
        return async;
    }

    @Override
    public Transaction beginTransaction(TransactionOptions options) {
        throw new UnsupportedOperationException("nested transactions are not supported; begin transactions on the space itself");
    }

    @Override
    public Space with(Transaction other) {
        return space.with(other);
    }

    @Override
    public SpaceState state() {
        return space.state();
    }

    @Override
    public boolean isReady() {
        return space.isReady();
    }

    @Override
    public void waitForReady() {
        space.waitForReady();
    }

    @Override
    public boolean waitForReady(Duration timeout) {
        return space.waitForReady(timeout);
    }

    @Override
    public Subscription addStateListener(Consumer<SpaceState> listener) {
        return space.addStateListener(listener);
    }

    @Override
    public ClusterInfo clusterInfo() {
        return space.clusterInfo();
    }

    @Override
    public InitialLoadProgress initialLoadProgress() {
        return space.initialLoadProgress();
    }

    @Override
    public SpaceAdmin admin() {
        return space.admin();
    }

    /** Closes the transaction (rolls it back unless committed); the space stays open. */
    @Override
    public void close() {
        tx.close();
    }

    @Override
    public String toString() {
        return "Space[" + space.name() + " under " + tx + "]";
    }

    // ================================================================ helpers

    private Object map(SpaceEntry e) {
        return mapper.toEntryOrNull(e);
    }

    private <T> List<T> mapAll(Query<T> query, List<SpaceEntry> entries) {
        return mapper.toEntries(query.type(), entries);
    }

    // ================================================================ async view

    /** The asynchronous API under the transaction; operations that need not wait complete on the caller's thread. */
    private final class TxAsync extends DelegatingAsyncSpace {
        TxAsync() {
            super(TxSpace.this);
        }

        @Override
        protected <T> CompletableFuture<T> waitFor(Query<T> query, Period period, boolean take) {
            try {
                Objects.requireNonNull(period, "period must not be null (use Period.NONE)");
                tx.begin();
                CompiledQuery q = mapper.compile(query);
                SpaceEntry e = first(q, take, null);
                if (e != null || period.isNone()) {
                    return CompletableFuture.completedFuture(query.type().cast(map(e)));
                }
                return space.waits().armTimeout(await(q, null, null, take), period);
            } catch (RuntimeException ex) {
                return CompletableFuture.failedFuture(ex);
            }
        }

        @Override
        protected <T> CompletableFuture<T> waitForId(Class<T> type, String typeName, Object id, Period period, boolean take) {
            try {
                Objects.requireNonNull(period, "period must not be null (use Period.NONE)");
                tx.begin();
                TypeDescriptor td = typeName != null ? mapper.documentType(typeName) : mapper.describe(type);
                Object checkedId = mapper.checkId(td, id);
                SpaceEntry e = take ? takeEntryById(td, checkedId, null, null) : readEntryById(td, checkedId, null);
                if (e != null || period.isNone()) {
                    return CompletableFuture.completedFuture(e == null ? null : type.cast(mapper.toEntry(e)));
                }
                return space.waits().armTimeout(await(CompiledQuery.all(td), checkedId, null, take), period);
            } catch (RuntimeException ex) {
                return CompletableFuture.failedFuture(ex);
            }
        }
    }
}

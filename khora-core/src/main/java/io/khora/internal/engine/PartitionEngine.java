package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.EntryAlreadyExistsException;
import io.khora.EntryNotFoundException;
import io.khora.EntryVersionConflictException;
import io.khora.Lease;
import io.khora.SpaceClosedException;
import io.khora.SpaceEventType;
import io.khora.Ticker;
import io.khora.WriteMode;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.internal.query.Plan;
import io.khora.persistence.DataSyncOperationType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;

/**
 * One partition of a space: a deterministic state machine over its entries, indexes, waiters and
 * leases. The same engine serves an embedded space and, as a replicated state machine, a cluster.
 *
 * <p>Concurrency: every mutation runs under the partition's write lock, so mutations are totally
 * ordered, events are published in that order, and a write and the waiters it wakes are one atomic
 * step (no lost wake-ups). Reads run on the caller's thread: {@link #readById} and full scans take
 * no lock at all (entries are immutable and replaced atomically in a {@code ConcurrentHashMap},
 * whose iteration sees each id once); a read planned on an index walks it under an optimistic read
 * stamp and, if a write intervened, walks it again under the read lock — an update that moves an
 * entry from one index key to another could otherwise be seen twice or not at all. Waiters are
 * completed after the lock is released.
 *
 * <p>Time comes from the injected {@link Ticker}; an expired entry is never returned, is treated as
 * absent by writes and takes, and is removed with one EXPIRE event by whichever of {@link #sweep()}
 * or a mutation touching it comes first.
 */
public final class PartitionEngine {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionEngine.class);

    private final int partitionId;
    private final String spaceName;
    private final Ticker ticker;
    private final EventSink events;
    private final ChangeSink sink;
    private final LruPolicy lru;
    private final StampedLock lock = new StampedLock();
    private final ConcurrentHashMap<String, TypeStore> stores = new ConcurrentHashMap<>();
    private final WaiterRegistry waiters = new WaiterRegistry();
    private final ExpiryIndex expiries = new ExpiryIndex();
    private volatile boolean closed;
    private long sequence;

    /** The outcome of a write. @param entry the stored entry @param created whether it was new */
    public record WriteResult(SpaceEntry entry, boolean created) {
    }

    /**
     * @param spaceName for messages
     * @param partitionId 0-based partition id
     * @param ticker time source for leases
     * @param events where events go
     */
    public PartitionEngine(String spaceName, int partitionId, Ticker ticker, EventSink events) {
        this(spaceName, partitionId, ticker, events, ChangeSink.NONE, 0);
    }

    /**
     * @param spaceName for messages
     * @param partitionId 0-based partition id
     * @param ticker time source for leases
     * @param events where events go
     * @param sink where changes are persisted before they are applied (write-through)
     * @param maxEntries the most entries this partition holds (LRU eviction beyond); 0 = unbounded
     */
    public PartitionEngine(String spaceName, int partitionId, Ticker ticker, EventSink events, ChangeSink sink, int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must not be negative, got " + maxEntries);
        }
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.ticker = ticker;
        this.events = events;
        this.sink = sink;
        this.lru = maxEntries == 0 ? null : new LruPolicy(maxEntries);
    }

    /** 0-based partition id. */
    public int partitionId() {
        return partitionId;
    }

    // ================================================================ lock-free reads

    /** The live entry of {@code type} (or a subtype) with {@code id}, or null. */
    public SpaceEntry readById(TypeDescriptor type, Object id) {
        TypeStore store = stores.get(type.root().name());
        if (store == null) {
            return null;
        }
        SpaceEntry e = store.get(id);
        if (e == null || (e.type() != type && !e.type().isSubtypeOf(type))) {
            return null;
        }
        if (e.hasFiniteLease() && e.isExpiredAt(ticker.millis())) {
            return null;
        }
        recordRead(e);
        return e;
    }

    private void recordRead(SpaceEntry e) {
        if (lru != null) {
            lru.recordRead(e);
            if (lru.drainWanted()) {
                long stamp = lock.tryWriteLock();
                if (stamp != 0L) {
                    try {
                        lru.drainReads();
                    } finally {
                        lock.unlockWrite(stamp);
                    }
                }
            }
        }
    }

    /** Adds up to {@code max} live matches of {@code q} to {@code out} (the first {@code max} in ORDER BY order if any). */
    public void readMultiple(CompiledQuery q, int max, List<SpaceEntry> out) {
        if (max <= 0) {
            return;
        }
        boolean ordered = q.ordering() != null;
        List<SpaceEntry> found = collect(q, ordered ? Integer.MAX_VALUE : max);
        if (ordered) {
            sortAndTrim(q, found, max);
        }
        if (lru != null) {
            found.forEach(this::recordRead);
        }
        out.addAll(found);
    }

    /** The first live match of {@code q} (in ORDER BY order if any), or null. */
    public SpaceEntry readFirst(CompiledQuery q) {
        List<SpaceEntry> one = new ArrayList<>(1);
        readMultiple(q, 1, one);
        return one.isEmpty() ? null : one.get(0);
    }

    /** The number of live matches of {@code q}. */
    public int count(CompiledQuery q) {
        if (q.plan() instanceof Plan.Scan) {
            int[] n = new int[1];
            PlanWalker.visit(stores, q, ticker.millis(), e -> {
                n[0]++;
                return true;
            });
            return n[0];
        }
        return collect(q, Integer.MAX_VALUE).size();
    }

    /**
     * Up to {@code limit} live matches, as of one moment: a scan of the id map needs no lock; an
     * index walk is validated against the write lock's stamp and redone under the read lock if a
     * write intervened.
     */
    private List<SpaceEntry> collect(CompiledQuery q, int limit) {
        if (q.plan() instanceof Plan.Scan) {
            return collectUnlocked(q, limit);
        }
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0L) {
            List<SpaceEntry> found = collectUnlocked(q, limit);
            if (lock.validate(stamp)) {
                return found;
            }
        }
        stamp = lock.readLock();
        try {
            return collectUnlocked(q, limit);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Up to {@code limit} live matches; the caller provides consistency (a lock or a stamp). */
    private List<SpaceEntry> collectUnlocked(CompiledQuery q, int limit) {
        List<SpaceEntry> found = new ArrayList<>(Math.min(limit, 16));
        PlanWalker.visit(stores, q, ticker.millis(), e -> {
            found.add(e);
            return found.size() < limit;
        });
        return found;
    }

    /** The first live match under the write lock (ORDER BY honoured). */
    private SpaceEntry firstLocked(CompiledQuery q) {
        List<SpaceEntry> found = collectUnlocked(q, q.ordering() == null ? 1 : Integer.MAX_VALUE);
        if (found.isEmpty()) {
            return null;
        }
        if (q.ordering() != null) {
            sortAndTrim(q, found, 1);
        }
        return found.get(0);
    }

    /** The number of live entries of every type. */
    public int size() {
        long now = ticker.millis();
        int n = 0;
        for (TypeStore s : stores.values()) {
            for (SpaceEntry e : s.byId.values()) {
                if (!e.isExpiredAt(now)) {
                    n++;
                }
            }
        }
        return n;
    }

    // ================================================================ mutations

    /**
     * Writes an entry whose {@code values} this engine now owns.
     *
     * @throws EntryAlreadyExistsException, EntryNotFoundException, EntryVersionConflictException per {@code mode};
     *     whatever the change sink throws (memory is then unchanged)
     */
    public WriteResult write(TypeDescriptor type, Object[] values, Lease lease, WriteMode mode) {
        AfterUnlock after = new AfterUnlock();
        WriteResult result;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            maintain();
            long now = ticker.millis();
            TypeStore store = storeFor(type);
            Object id = values[type.idIndex()];
            SpaceEntry old = liveOrExpire(store, store.get(id), now, after);
            if (old != null && mode == WriteMode.WRITE_ONLY) {
                throw new EntryAlreadyExistsException(type.name(), id);
            }
            if (old == null && mode == WriteMode.UPDATE_ONLY) {
                throw new EntryNotFoundException(type.name(), id, "UPDATE_ONLY write");
            }
            long version = nextVersion(type, values, old);
            SpaceEntry e = new SpaceEntry(type, values, version, lease.expiryFrom(now));
            persist(after, List.of(change(old == null ? DataSyncOperationType.WRITE : DataSyncOperationType.UPDATE, e, List.of())));
            replace(store, old, e);
            publish(old == null ? SpaceEventType.WRITE : SpaceEventType.UPDATE, e);
            serveWaiters(store, e, after);
            evictOverflow();
            result = new WriteResult(e, old == null);
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return result;
    }

    private static long nextVersion(TypeDescriptor type, Object[] values, SpaceEntry old) {
        long version = old == null ? 1L : old.version() + 1L;
        int vi = type.versionIndex();
        if (vi >= 0) {
            Object given = values[vi];
            long g = given == null ? 0L : ((Number) given).longValue();
            if (old != null && g != 0L && g != old.version()) {
                throw new EntryVersionConflictException(type.name(), values[type.idIndex()], g, old.version());
            }
            setVersion(type, values, version);
        }
        return version;
    }

    /** Stores {@code version} in the entry's version property, in that property's type. */
    private static void setVersion(TypeDescriptor type, Object[] values, long version) {
        int vi = type.versionIndex();
        if (vi >= 0) {
            values[vi] = type.property(vi).type() == Integer.class ? (Object) (int) version : (Object) version;
        }
    }

    /**
     * Puts an entry read from the data store (initial load, read-through) unless the id is already
     * live here: nothing is persisted and no event is published, but waiters it matches are served.
     *
     * @return the entry now current for the id: the loaded one, or the one that was already there
     */
    public SpaceEntry load(TypeDescriptor type, Object[] values) {
        AfterUnlock after = new AfterUnlock();
        SpaceEntry e;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            maintain();
            TypeStore store = storeFor(type);
            SpaceEntry current = liveOrExpire(store, store.get(values[type.idIndex()]), ticker.millis(), after);
            if (current != null) {
                e = current;
            } else {
                int vi = type.versionIndex();
                long version = vi >= 0 && values[vi] instanceof Number n && n.longValue() > 0 ? n.longValue() : 1L;
                setVersion(type, values, version);
                e = new SpaceEntry(type, values, version, Long.MAX_VALUE);
                replace(store, null, e);
                serveWaiters(store, e, after);
                evictOverflow();
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return e;
    }

    /**
     * Runs {@code fn} on the live entry of {@code type} with {@code id} (or null) under the partition
     * lock, and applies its decision like a write (WRITE/UPDATE, version bumped, lease kept unless
     * given) or a take (REMOVE) — persisted, published and serving waiters as those do.
     *
     * @return the decision's result
     */
    public Object compute(TypeDescriptor type, Object id, java.util.function.Function<SpaceEntry, ComputeDecision> fn) {
        AfterUnlock after = new AfterUnlock();
        Object result;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            maintain();
            long now = ticker.millis();
            TypeStore store = storeFor(type);
            SpaceEntry current = liveOrExpire(store, store.get(id), now, after);
            if (current != null && !current.type().isSubtypeOf(type)) {
                current = null;
            }
            ComputeDecision d = fn.apply(current);
            result = d.result();
            switch (d.kind()) {
                case PUT -> {
                    Object[] values = d.values();
                    TypeDescriptor t = d.type();
                    if (!java.util.Objects.equals(values[t.idIndex()], id)) {
                        throw new IllegalArgumentException("an entry processor on id=" + id + " set an entry with id="
                                + values[t.idIndex()] + "; it may only change its own entry");
                    }
                    SpaceEntry old = store.get(id);
                    long version = old == null ? 1L : old.version() + 1L;
                    setVersion(t, values, version);
                    long expiresAt = d.lease() != null ? d.lease().expiryFrom(now) : old == null ? Long.MAX_VALUE : old.expiresAt();
                    SpaceEntry e = new SpaceEntry(t, values, version, expiresAt);
                    persist(after, List.of(change(old == null ? DataSyncOperationType.WRITE : DataSyncOperationType.UPDATE, e, List.of())));
                    replace(store, old, e);
                    publish(old == null ? SpaceEventType.WRITE : SpaceEventType.UPDATE, e);
                    serveWaiters(store, e, after);
                    evictOverflow();
                }
                case REMOVE -> {
                    if (current != null) {
                        persist(after, List.of(change(DataSyncOperationType.REMOVE, current, List.of())));
                        removeEntry(store, current, SpaceEventType.TAKE);
                    }
                }
                default -> {
                    // KEEP: nothing changes
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return result;
    }

    /**
     * Applies a change recovered from a write-behind outbox after a restart, over what the initial
     * load put in memory (the store does not have it yet): puts the entry, or removes it. Nothing is
     * persisted and no event is published.
     */
    public void restore(Change change) {
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            SpaceEntry e = change.entry();
            TypeStore store = storeFor(e.type());
            SpaceEntry current = store.get(e.id());
            if (change.type() == DataSyncOperationType.REMOVE) {
                if (current != null) {
                    store.remove(current);
                    expiries.remove(current);
                    if (lru != null) {
                        lru.onRemove(current);
                    }
                }
            } else {
                replace(store, current, e);
                evictOverflow();
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Takes an entry that exists only in the data store (read-through for {@code takeMultiple}):
     * persists its REMOVE and publishes a TAKE event, unless the id is live in memory (then null:
     * the in-memory take handles it).
     */
    public SpaceEntry takeFromStore(TypeDescriptor type, Object[] values) {
        AfterUnlock after = new AfterUnlock();
        SpaceEntry e;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            TypeStore store = storeFor(type);
            if (liveOrExpire(store, store.get(values[type.idIndex()]), ticker.millis(), after) != null) {
                e = null;
            } else {
                int vi = type.versionIndex();
                long version = vi >= 0 && values[vi] instanceof Number n && n.longValue() > 0 ? n.longValue() : 1L;
                e = new SpaceEntry(type, values, version, Long.MAX_VALUE);
                persist(after, List.of(change(DataSyncOperationType.REMOVE, e, List.of())));
                publish(SpaceEventType.TAKE, e);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return e;
    }

    /** Removes and returns the live entry of {@code type} with {@code id}, or null. */
    public SpaceEntry takeById(TypeDescriptor type, Object id) {
        AfterUnlock after = new AfterUnlock();
        SpaceEntry e;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            maintain();
            TypeStore store = stores.get(type.root().name());
            e = store == null ? null : liveOrExpire(store, store.get(id), ticker.millis(), after);
            if (e != null && e.type().isSubtypeOf(type)) {
                persist(after, List.of(change(DataSyncOperationType.REMOVE, e, List.of())));
                removeEntry(store, e, SpaceEventType.TAKE);
            } else {
                e = null;
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return e;
    }

    /** Removes {@code e} if it is still the current, live entry for its id; returns whether it did. */
    public boolean takeExact(SpaceEntry e) {
        AfterUnlock after = new AfterUnlock();
        boolean taken = false;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            TypeStore store = stores.get(e.type().root().name());
            if (store != null && store.isCurrent(e) && !e.isExpiredAt(ticker.millis())) {
                persist(after, List.of(change(DataSyncOperationType.REMOVE, e, List.of())));
                removeEntry(store, e, SpaceEventType.TAKE);
                taken = true;
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return taken;
    }

    /** Removes and returns up to {@code max} live matches (the first in ORDER BY order if any), persisted as one batch. */
    public List<SpaceEntry> takeMultiple(CompiledQuery q, int max) {
        if (max <= 0) {
            return List.of();
        }
        AfterUnlock after = new AfterUnlock();
        List<SpaceEntry> found = new ArrayList<>();
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            maintain();
            boolean ordered = q.ordering() != null;
            PlanWalker.visit(stores, q, ticker.millis(), e -> {
                found.add(e);
                return ordered || found.size() < max;
            });
            if (ordered) {
                sortAndTrim(q, found, max);
            }
            if (!found.isEmpty()) {
                List<Change> batch = new ArrayList<>(found.size());
                for (SpaceEntry e : found) {
                    batch.add(change(DataSyncOperationType.REMOVE, e, List.of()));
                }
                persist(after, batch);
                TypeStore store = stores.get(q.type().root().name());
                for (SpaceEntry e : found) {
                    removeEntry(store, e, SpaceEventType.TAKE);
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return found;
    }

    /** Removes every live match, publishing TAKE events; returns how many. */
    public int clear(CompiledQuery q) {
        return takeMultiple(q, Integer.MAX_VALUE).size();
    }

    /**
     * Applies {@code changes} to every live match; returns how many changed. Persisted as one batch:
     * PARTIAL_UPDATE when the changes only set or unset properties, CHANGE otherwise.
     */
    public int change(CompiledQuery q, ChangeSet changes) {
        ChangeApplier.validate(q.type(), changes);
        DataSyncOperationType kind = changes.operations().stream()
                .allMatch(op -> op instanceof ChangeSet.Set || op instanceof ChangeSet.Unset)
                ? DataSyncOperationType.PARTIAL_UPDATE : DataSyncOperationType.CHANGE;
        AfterUnlock after = new AfterUnlock();
        int n;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            maintain();
            long now = ticker.millis();
            List<SpaceEntry> found = new ArrayList<>();
            PlanWalker.visit(stores, q, now, e -> {
                found.add(e);
                return true;
            });
            TypeStore store = stores.get(q.type().root().name());
            List<SpaceEntry> changed = new ArrayList<>(found.size());
            List<Change> batch = new ArrayList<>(found.size());
            for (SpaceEntry old : found) {
                Object[] values = ChangeApplier.apply(old, changes);
                long version = old.version() + 1;
                setVersion(old.type(), values, version);
                long expiresAt = changes.lease() == null ? old.expiresAt() : changes.lease().expiryFrom(now);
                SpaceEntry e = new SpaceEntry(old.type(), values, version, expiresAt);
                changed.add(e);
                batch.add(change(kind, e, changes.operations()));
            }
            if (!batch.isEmpty()) {
                persist(after, batch);
            }
            for (int i = 0; i < changed.size(); i++) {
                replace(store, found.get(i), changed.get(i));
                publish(SpaceEventType.UPDATE, changed.get(i));
            }
            for (SpaceEntry e : changed) {
                if (store.isCurrent(e)) {
                    serveWaiters(store, e, after);
                }
            }
            n = changed.size();
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return n;
    }

    /**
     * Gives the live entry with {@code id} a new lease from now (leases are not persisted).
     *
     * @return the new expiry
     * @throws EntryNotFoundException if there is no live entry
     */
    public long renew(TypeDescriptor type, Object id, Lease lease) {
        AfterUnlock after = new AfterUnlock();
        long expiresAt;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            long now = ticker.millis();
            TypeStore store = stores.get(type.root().name());
            SpaceEntry e = store == null ? null : liveOrExpire(store, store.get(id), now, after);
            if (e == null || !e.type().isSubtypeOf(type)) {
                throw new EntryNotFoundException(type.name(), id, "lease renewal");
            }
            SpaceEntry renewed = e.withExpiry(lease.expiryFrom(now));
            replace(store, e, renewed);
            expiresAt = renewed.expiresAt();
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return expiresAt;
    }

    /** Evicts every entry whose lease has run out (one EXPIRE event each); returns how many. */
    public int sweep() {
        long now = ticker.millis();
        if (expiries.nextExpiry() > now) {
            return 0;
        }
        AfterUnlock after = new AfterUnlock();
        int n = 0;
        long stamp = lock.writeLock();
        try {
            for (SpaceEntry e : expiries.pollExpired(now)) {
                TypeStore store = stores.get(e.type().root().name());
                if (store != null && store.isCurrent(e)) {
                    expire(store, e, after);
                    n++;
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return n;
    }

    /** The earliest lease expiry in this partition, {@link Long#MAX_VALUE} if none. */
    public long nextExpiry() {
        return expiries.nextExpiry();
    }

    /** Drops every entry (not waiters): used before a failed initial load is retried. Nothing is persisted. */
    public void reset() {
        long stamp = lock.writeLock();
        try {
            stores.clear();
            expiries.clear();
            if (lru != null) {
                lru.clear();
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** The sequence number of the last persisted change. */
    public long lastSequence() {
        long stamp = lock.readLock();
        try {
            return sequence;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    // ================================================================ waiting

    /**
     * Serves {@code w} from the entries present, or registers it to be served by a later write.
     * Atomic with respect to writes, so no write can slip between the check and the registration.
     * A take that cannot be persisted fails the waiter and leaves the entry in place.
     *
     * @return true if the waiter is done (served here or claimed elsewhere), false if it now waits here
     */
    public boolean serveOrRegister(Waiter w) {
        AfterUnlock after = new AfterUnlock();
        boolean done;
        long stamp = lock.writeLock();
        try {
            if (closed) {
                if (w.tryClaim()) {
                    after.fail(w, new SpaceClosedException(spaceName));
                }
                done = true;
            } else if (w.isClaimed()) {
                done = true;
            } else {
                SpaceEntry match = findFor(w);
                if (match != null) {
                    if (w.tryClaim()) {
                        if (w.isTake()) {
                            takeFor(w, stores.get(match.type().root().name()), match, after);
                        } else {
                            after.deliver(w, match);
                        }
                    }
                    done = true;
                } else {
                    waiters.add(w.query().type().root().name(), w);
                    done = false;
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return done;
    }

    /** Forgets {@code w} (it completed or was served elsewhere). */
    public void removeWaiter(Waiter w) {
        long stamp = lock.writeLock();
        try {
            waiters.remove(w.query().type().root().name(), w);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Number of registered waiters. */
    public int waiterCount() {
        long stamp = lock.writeLock();
        try {
            return waiters.size();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private SpaceEntry findFor(Waiter w) {
        if (w.id() != null) {
            SpaceEntry e = readById(w.query().type(), w.id());
            return e != null && w.matches(e) ? e : null;
        }
        return firstLocked(w.query());
    }

    /** Closes the partition: every waiter fails with {@link SpaceClosedException}; later mutations too. */
    public void close() {
        List<Waiter> all;
        long stamp = lock.writeLock();
        try {
            closed = true;
            all = waiters.drain();
        } finally {
            lock.unlockWrite(stamp);
        }
        SpaceClosedException ex = new SpaceClosedException(spaceName);
        for (Waiter w : all) {
            if (w.tryClaim()) {
                w.fail(ex);
            }
        }
    }

    // ================================================================ internals (write lock held)

    private void ensureOpen() {
        if (closed) {
            throw new SpaceClosedException(spaceName);
        }
    }

    /** Housekeeping every mutation does first: replay buffered LRU reads. */
    private void maintain() {
        if (lru != null) {
            lru.drainReads();
        }
    }

    private TypeStore storeFor(TypeDescriptor type) {
        String root = type.root().name();
        TypeStore s = stores.get(root);
        return s != null ? s : stores.computeIfAbsent(root, TypeStore::new);
    }

    private Change change(DataSyncOperationType type, SpaceEntry e, List<ChangeSet.Operation> ops) {
        return new Change(type, e, ops, partitionId, 0L);
    }

    /**
     * Persists {@code batch} through the sink (numbering the changes), before memory changes;
     * throws what the sink throws. The after-hook is queued to run once the lock is released.
     */
    private void persist(AfterUnlock after, List<Change> batch) {
        if (!sink.isActive()) {
            return;
        }
        List<Change> numbered = new ArrayList<>(batch.size());
        long seq = sequence;
        for (Change c : batch) {
            numbered.add(new Change(c.type(), c.entry(), c.operations(), partitionId, ++seq));
        }
        sink.beforeApply(numbered);
        sequence = seq;
        after.afterApply(sink, numbered);
    }

    /** {@code e} if live; if expired, evicts it (EXPIRE event) and returns null. */
    private SpaceEntry liveOrExpire(TypeStore store, SpaceEntry e, long now, AfterUnlock after) {
        if (e != null && e.isExpiredAt(now)) {
            expire(store, e, after);
            return null;
        }
        return e;
    }

    private void expire(TypeStore store, SpaceEntry e, AfterUnlock after) {
        if (sink.persistsExpiry()) {
            try {
                persist(after, List.of(change(DataSyncOperationType.REMOVE, e, List.of())));
            } catch (RuntimeException ex) {
                LOG.warn("space '{}' partition {}: persisting the expiry of {} failed; it expires in memory anyway",
                        spaceName, partitionId, e, ex);
            }
        }
        removeEntry(store, e, SpaceEventType.EXPIRE);
    }

    private void replace(TypeStore store, SpaceEntry old, SpaceEntry e) {
        store.put(old, e);
        if (old != null) {
            expiries.remove(old);
        }
        expiries.add(e);
        if (lru != null) {
            lru.onPut(e);
        }
    }

    private void removeEntry(TypeStore store, SpaceEntry e, SpaceEventType why) {
        if (store.remove(e)) {
            expiries.remove(e);
            if (lru != null) {
                lru.onRemove(e);
            }
            publish(why, e);
        }
    }

    /** Drops the least recently used entries beyond the capacity: no event, nothing persisted. */
    private void evictOverflow() {
        if (lru == null) {
            return;
        }
        for (Map.Entry<String, Object> k : lru.overflow()) {
            TypeStore store = stores.get(k.getKey());
            SpaceEntry e = store == null ? null : store.get(k.getValue());
            if (e != null && store.remove(e)) {
                expiries.remove(e);
            }
        }
    }

    private void publish(SpaceEventType type, SpaceEntry e) {
        if (events.isActive()) {
            events.publish(type, e);
        }
    }

    /** Wakes the read waiters {@code e} matches and hands it to the first matching take waiter. */
    private void serveWaiters(TypeStore store, SpaceEntry e, AfterUnlock after) {
        if (waiters.size() == 0) {
            return;
        }
        List<Waiter> matching = waiters.matching(store.rootName, e);
        if (matching.isEmpty()) {
            return;
        }
        for (Waiter w : matching) {
            if (!w.isTake() && w.tryClaim()) {
                waiters.remove(store.rootName, w);
                after.deliver(w, e);
            }
        }
        for (Waiter w : matching) {
            if (w.isTake() && w.tryClaim()) {
                waiters.remove(store.rootName, w);
                takeFor(w, store, e, after);
                break;
            }
        }
    }

    /** Takes {@code e} for the claimed take waiter {@code w}; if persisting fails, {@code w} fails and {@code e} stays. */
    private void takeFor(Waiter w, TypeStore store, SpaceEntry e, AfterUnlock after) {
        try {
            persist(after, List.of(change(DataSyncOperationType.REMOVE, e, List.of())));
        } catch (RuntimeException ex) {
            after.fail(w, ex);
            return;
        }
        removeEntry(store, e, SpaceEventType.TAKE);
        after.deliver(w, e);
    }

    private static void sortAndTrim(CompiledQuery q, List<SpaceEntry> list, int max) {
        list.sort((a, b) -> q.ordering().compare(a.values(), b.values()));
        if (list.size() > max) {
            list.subList(max, list.size()).clear();
        }
    }

    /**
     * What to do once the partition lock is released: complete waiters, call the change sink's
     * after-hooks. Collected under the lock so nothing user-visible runs while it is held.
     */
    private static final class AfterUnlock {
        private List<Runnable> actions;

        private void add(Runnable r) {
            if (actions == null) {
                actions = new ArrayList<>(4);
            }
            actions.add(r);
        }

        void deliver(Waiter w, SpaceEntry e) {
            add(() -> w.deliver(e));
        }

        void fail(Waiter w, Throwable t) {
            add(() -> w.fail(t));
        }

        void afterApply(ChangeSink sink, List<Change> changes) {
            add(() -> sink.afterApply(changes));
        }

        void run() {
            if (actions == null) {
                return;
            }
            for (Runnable r : actions) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("post-operation action failed", e);
                }
            }
        }
    }

    /** Per-type statistics for status displays: root type name → live entries. */
    public Map<String, Integer> countsByRootType() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        long now = ticker.millis();
        stores.forEach((name, s) -> {
            int n = 0;
            for (SpaceEntry e : s.byId.values()) {
                if (!e.isExpiredAt(now)) {
                    n++;
                }
            }
            m.put(name, n);
        });
        return m;
    }
}

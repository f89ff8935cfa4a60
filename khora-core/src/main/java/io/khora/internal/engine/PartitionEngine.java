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
    /** Entries locked by transactions in this partition (0: no lock checks at all). Under the write lock. */
    private int lockedEntries;
    /** Transaction parts not yet committed or aborted, by transaction id. Under the write lock. */
    private final Map<String, TxPart> parts = new java.util.LinkedHashMap<>();
    /** Entries removed because their lease expired, and by LRU eviction, so far (metrics). Written under the write lock. */
    private volatile long expiredCount;
    private volatile long evictedCount;

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
            if (lockedEntries != 0) {
                checkUnlocked(null, store, type, id);
            }
            SpaceEntry old = liveOrExpire(store, store.get(id), now, after);
            if (old != null && mode == WriteMode.WRITE_ONLY) {
                throw new EntryAlreadyExistsException(type.name(), id);
            }
            if (old == null && mode == WriteMode.UPDATE_ONLY) {
                throw new EntryNotFoundException(type.name(), id, "UPDATE_ONLY write");
            }
            long version = nextVersion(type, values, old);
            SpaceEntry e = new SpaceEntry(type, values, version, lease.expiryFrom(now));
            putLive(store, old, e, after);
            result = new WriteResult(e, old == null);
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return result;
    }

    /**
     * Writes several entries of this partition under one lock, persisting them with one sink call
     * (one batch, i.e. one store transaction, for write-through; one outbox record for write-behind).
     * Entries are checked first; one that fails its check (exists for WRITE_ONLY, missing for
     * UPDATE_ONLY, version conflict, held by a transaction) gets its exception in the answer and is
     * left out; if persisting the rest fails, each of them gets that failure and nothing is applied.
     * The ids must be distinct (the caller writes repeated ids one by one).
     *
     * @return per entry, a {@link WriteResult} or the {@link RuntimeException} it failed with
     */
    public Object[] writeAll(TypeDescriptor[] types, Object[][] values, Lease lease, WriteMode mode) {
        AfterUnlock after = new AfterUnlock();
        int n = types.length;
        Object[] results = new Object[n];
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            maintain();
            long now = ticker.millis();
            TypeStore[] stores = new TypeStore[n];
            SpaceEntry[] olds = new SpaceEntry[n];
            SpaceEntry[] news = new SpaceEntry[n];
            List<Change> changes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                try {
                    TypeStore store = storeFor(types[i]);
                    Object id = values[i][types[i].idIndex()];
                    if (lockedEntries != 0) {
                        checkUnlocked(null, store, types[i], id);
                    }
                    SpaceEntry old = liveOrExpire(store, store.get(id), now, after);
                    if (old != null && mode == WriteMode.WRITE_ONLY) {
                        throw new EntryAlreadyExistsException(types[i].name(), id);
                    }
                    if (old == null && mode == WriteMode.UPDATE_ONLY) {
                        throw new EntryNotFoundException(types[i].name(), id, "UPDATE_ONLY write");
                    }
                    long version = nextVersion(types[i], values[i], old);
                    stores[i] = store;
                    olds[i] = old;
                    news[i] = new SpaceEntry(types[i], values[i], version, lease.expiryFrom(now));
                    changes.add(change(old == null ? DataSyncOperationType.WRITE : DataSyncOperationType.UPDATE, news[i], List.of()));
                } catch (RuntimeException e) {
                    results[i] = e;
                }
            }
            try {
                persist(after, changes);
            } catch (RuntimeException e) {
                for (int i = 0; i < n; i++) {
                    if (results[i] == null) {
                        results[i] = e;
                    }
                }
                return results;
            }
            for (int i = 0; i < n; i++) {
                if (results[i] == null) {
                    replace(stores[i], olds[i], news[i]);
                    publish(olds[i] == null ? SpaceEventType.WRITE : SpaceEventType.UPDATE, news[i]);
                    serveWaiters(stores[i], news[i], after);
                    results[i] = new WriteResult(news[i], olds[i] == null);
                }
            }
            evictOverflow();
        } finally {
            lock.unlockWrite(stamp);
            after.run();
        }
        return results;
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
            } else if (lockedEntries != 0 && store.lockOwner(values[type.idIndex()]) != null) {
                e = uncached(type, values);
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
     * A row read for an id a transaction holds (it writes it): memory must not change under the
     * transaction, so the row is answered as read, without caching it.
     */
    private static SpaceEntry uncached(TypeDescriptor type, Object[] values) {
        int vi = type.versionIndex();
        long version = vi >= 0 && values[vi] instanceof Number n && n.longValue() > 0 ? n.longValue() : 1L;
        setVersion(type, values, version);
        return new SpaceEntry(type, values, version, Long.MAX_VALUE);
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
            if (lockedEntries != 0) {
                checkUnlocked(null, store, type, id);
            }
            SpaceEntry current = liveOrExpire(store, store.get(id), now, after);
            if (current != null && !current.type().isSubtypeOf(type)) {
                current = null;
            }
            ComputeDecision d = fn.apply(current);
            result = d.result();
            switch (d.kind()) {
                case PUT -> {
                    SpaceEntry old = store.get(id);
                    putLive(store, old, decidedEntry(d, id, old, now), after);
                }
                case REMOVE -> {
                    if (current != null) {
                        takeLive(store, current, after);
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
            if (liveOrExpire(store, store.get(values[type.idIndex()]), ticker.millis(), after) != null
                    || lockedEntries != 0 && store.lockOwner(values[type.idIndex()]) != null) {
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
        return takeById(type, id, null);
    }

    /**
     * Removes and returns the live entry of {@code type} with {@code id}, or null — also when a
     * transaction holds it locked (its holder is then added to {@code blocked}, if given).
     */
    public SpaceEntry takeById(TypeDescriptor type, Object id, List<TxPart> blocked) {
        AfterUnlock after = new AfterUnlock();
        SpaceEntry e;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            maintain();
            TypeStore store = stores.get(type.root().name());
            TxPart holder = store == null || lockedEntries == 0 ? null : store.lockOwner(id);
            if (holder != null) {
                addBlocker(blocked, holder);
                e = null;
            } else {
                e = store == null ? null : liveOrExpire(store, store.get(id), ticker.millis(), after);
            }
            if (e != null && e.type().isSubtypeOf(type)) {
                takeLive(store, e, after);
            } else {
                e = null;
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return e;
    }

    /** Removes {@code e} if it is still the current, live entry for its id (and not locked); returns whether it did. */
    public boolean takeExact(SpaceEntry e) {
        AfterUnlock after = new AfterUnlock();
        boolean taken = false;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            TypeStore store = stores.get(e.type().root().name());
            if (store != null && store.isCurrent(e) && !e.isExpiredAt(ticker.millis())
                    && (lockedEntries == 0 || store.lockOwner(e.id()) == null)) {
                takeLive(store, e, after);
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
        return takeMultiple(q, max, null, false);
    }

    /**
     * Removes and returns up to {@code max} live matches (the first in ORDER BY order if any) that no
     * transaction holds, persisted as one batch. The holders of matches skipped because they are
     * locked are added to {@code blocked} (if given); with {@code failOnLocked} such a match fails
     * the whole call with {@link EntryLockedException} instead, before anything is taken.
     */
    public List<SpaceEntry> takeMultiple(CompiledQuery q, int max, List<TxPart> blocked, boolean failOnLocked) {
        if (max <= 0) {
            return List.of();
        }
        AfterUnlock after = new AfterUnlock();
        List<SpaceEntry> found;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            maintain();
            found = lockedEntries == 0 ? firstMatches(q, max) : firstUnlockedMatches(q, max, blocked, failOnLocked);
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

    /** Up to {@code max} live matches (the first in ORDER BY order if any). Under the lock. */
    private List<SpaceEntry> firstMatches(CompiledQuery q, int max) {
        List<SpaceEntry> found = new ArrayList<>();
        boolean ordered = q.ordering() != null;
        PlanWalker.visit(stores, q, ticker.millis(), e -> {
            found.add(e);
            return ordered || found.size() < max;
        });
        if (ordered) {
            sortAndTrim(q, found, max);
        }
        return found;
    }

    /** {@link #firstMatches} leaving out (or, with {@code failOnLocked}, failing on) those a transaction holds. Under the lock. */
    private List<SpaceEntry> firstUnlockedMatches(CompiledQuery q, int max, List<TxPart> blocked, boolean failOnLocked) {
        List<TxPart> holders = failOnLocked ? new ArrayList<>(1) : blocked;
        List<SpaceEntry> found = visibleLocked(null, q, max, true, holders, ticker.millis());
        if (failOnLocked && !holders.isEmpty()) {
            throw new EntryLockedException(holders.get(0), "a match of " + q.text() + " in " + q.type().name());
        }
        return found;
    }

    /**
     * Removes every live match, publishing TAKE events; returns how many.
     *
     * @throws EntryLockedException if a transaction holds a match (nothing is removed then)
     */
    public int clear(CompiledQuery q) {
        return takeMultiple(q, Integer.MAX_VALUE, null, true).size();
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
            if (lockedEntries != 0) {
                for (SpaceEntry e : found) {
                    checkUnlocked(null, store, e.type(), e.id());
                }
            }
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
            if (store != null && lockedEntries != 0) {
                checkUnlocked(null, store, type, id);
            }
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
            List<SpaceEntry> deferred = null;
            for (SpaceEntry e : expiries.pollExpired(now)) {
                TypeStore store = stores.get(e.type().root().name());
                if (store != null && store.isCurrent(e)) {
                    if (lockedEntries != 0 && store.lockOwner(e.id()) != null) {
                        // locked by a transaction: it expires when the lock is released
                        if (deferred == null) {
                            deferred = new ArrayList<>();
                        }
                        deferred.add(e);
                        continue;
                    }
                    expire(store, e, after);
                    n++;
                }
            }
            if (deferred != null) {
                deferred.forEach(expiries::add);
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
            } else if (w.tx() != null && failIfEnded(w, after)) {
                done = true;
            } else {
                SpaceEntry match = findFor(w);
                if (match != null) {
                    if (w.tryClaim()) {
                        TypeStore store = stores.get(match.type().root().name());
                        if (w.locks()) {
                            serveLocking(w, w.tx().partIn(partitionId), store, match, after);
                        } else if (w.isTake()) {
                            takeFor(w, store, match, after);
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

    /** Fails (if it can claim it) a waiter whose transaction has ended here; returns whether it had. Under the lock. */
    private boolean failIfEnded(Waiter w, AfterUnlock after) {
        TxPart part = w.tx().partIn(partitionId);
        if (isActive(part)) {
            return false;
        }
        if (w.tryClaim()) {
            after.fail(w, part == null ? new IllegalStateException("no transaction part in partition " + partitionId)
                    : part.ended(part.state()));
        }
        return true;
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
        if (w.tx() == null && (!w.isTake() || lockedEntries == 0)) {
            if (w.id() != null) {
                SpaceEntry e = readById(w.query().type(), w.id());
                return e != null && w.matches(e) ? e : null;
            }
            return firstLocked(w.query());
        }
        return findForLocking(w);
    }

    /** {@link #findFor} for a waiter of a transaction, or a take while transactions hold entries. */
    private SpaceEntry findForLocking(Waiter w) {
        TxContext tx = w.tx();
        TxPart part = tx == null ? null : tx.partIn(partitionId);
        boolean skipLocked = w.isTake() || w.locks();
        if (w.id() != null) {
            String root = w.query().type().root().name();
            TxPart.Slot s = part == null ? null : part.slot(root, w.id());
            SpaceEntry e;
            if (s != null) {
                e = s.current();
                if (e != null && e.isExpiredAt(ticker.millis())) {
                    e = null;
                }
            } else {
                TypeStore store = stores.get(root);
                TxPart holder = store == null || lockedEntries == 0 ? null : store.lockOwner(w.id());
                e = skipLocked && holder != null && holder != part ? null : readById(w.query().type(), w.id());
            }
            return e != null && w.matches(e) ? e : null;
        }
        List<SpaceEntry> found = visibleLocked(part, w.query(), 1, skipLocked, null, ticker.millis());
        return found.isEmpty() ? null : found.get(0);
    }

    /** Closes the partition: every waiter fails with {@link SpaceClosedException}; later mutations too. */
    public void close() {
        List<Waiter> all;
        List<TxPart> open;
        long stamp = lock.writeLock();
        try {
            closed = true;
            all = waiters.drain();
            open = new ArrayList<>(parts.values());
            parts.clear();
        } finally {
            lock.unlockWrite(stamp);
        }
        for (TxPart p : open) {
            p.release(); // operations waiting for its locks retry and find the space closed
        }
        SpaceClosedException ex = new SpaceClosedException(spaceName);
        for (Waiter w : all) {
            if (w.tryClaim()) {
                w.fail(ex);
            }
        }
    }

    // ================================================================ transactions
    //
    // A transaction's changes live in its TxPart until commit; the stores hold only committed
    // entries, so every lock-free read (and every read of another party) sees the committed state.
    // Entries a part touches are locked (TypeStore.locks): other parties' updates fail with
    // EntryLockedException (the caller waits for TxPart.released() and retries — the engine never
    // waits), their takes skip them. Every method here takes the partition's write lock except the
    // non-exclusive reads, which read the part's concurrent maps and the stores without a lock.

    /**
     * Persists a transaction part's changes, under the partition's lock, before they are applied (one
     * phase) or while the part is prepared (two phases); throwing vetoes the transaction.
     */
    @FunctionalInterface
    public interface PartHook {
        /**
         * @param changes the part's changes, numbered, in the transaction's order
         * @param order the transaction-wide order of each change (parallel to {@code changes})
         */
        void persist(List<Change> changes, long[] order);
    }

    /** Opens transaction {@code txId}'s part in this partition (one per transaction and partition). */
    public TxPart beginPart(String txId, TxContext owner) {
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            TxPart p = new TxPart(txId, owner, partitionId);
            TxPart old = parts.putIfAbsent(txId, p);
            if (old != null) {
                throw new IllegalStateException("transaction " + txId + " already has a part in partition " + partitionId);
            }
            return p;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** The parts not yet committed or aborted. */
    public List<TxPart> openParts() {
        long stamp = lock.writeLock();
        try {
            return new ArrayList<>(parts.values());
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Whether {@code part} (null: none) has its own view of the entry ({@code type}'s root, {@code id}): it changed, took or locked it. */
    public boolean txTouched(TxPart part, TypeDescriptor type, Object id) {
        return part != null && part.slot(type.root().name(), id) != null;
    }

    /** Whether {@code part} (null: none) sees {@code e}: it has no view of its own of that entry, or its view is {@code e}. */
    public boolean txSees(TxPart part, SpaceEntry e) {
        if (part == null) {
            return true;
        }
        TxPart.Slot s = part.slot(e.type().root().name(), e.id());
        return s == null || s.current() == e;
    }

    /** The part holding {@code e}'s id locked, or null. */
    public TxPart lockHolder(SpaceEntry e) {
        long stamp = lock.writeLock();
        try {
            TypeStore store = stores.get(e.type().root().name());
            return store == null || lockedEntries == 0 ? null : store.lockOwner(e.id());
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Number of entries locked by transactions. */
    public int lockedEntries() {
        long stamp = lock.writeLock();
        try {
            return lockedEntries;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * The entry of {@code type} with {@code id} as {@code part} sees it: its own change if it made
     * one, else the committed live entry. Without {@code exclusive}, lock-free (and {@code part} may be
     * null); with it, the entry is locked for the part.
     *
     * @throws EntryLockedException exclusive, and another transaction holds the entry
     */
    public SpaceEntry txReadById(TxPart part, TypeDescriptor type, Object id, boolean exclusive) {
        String root = type.root().name();
        if (!exclusive) {
            TxPart.Slot s = part == null ? null : part.slot(root, id);
            if (s == null) {
                return readById(type, id);
            }
            SpaceEntry e = s.current();
            return e != null && e.type().isSubtypeOf(type) && !e.isExpiredAt(ticker.millis()) ? e : null;
        }
        AfterUnlock after = new AfterUnlock();
        SpaceEntry e;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            part.ensureActive();
            maintain();
            TxPart.Slot s = part.slot(root, id);
            if (s != null) {
                e = s.current();
                e = e != null && e.type().isSubtypeOf(type) && !e.isExpiredAt(ticker.millis()) ? e : null;
            } else {
                TypeStore store = stores.get(root);
                if (store != null) {
                    checkUnlocked(part, store, type, id);
                }
                e = store == null ? null : liveOrExpire(store, store.get(id), ticker.millis(), after);
                if (e != null && e.type().isSubtypeOf(type)) {
                    txLockRead(part, store, e);
                } else {
                    e = null;
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return e;
    }

    /**
     * Adds up to {@code max} matches of {@code q} as {@code part} sees them (lock-free; {@code part}
     * may be null): committed entries it did not touch, plus its own current entries.
     */
    public void txReadMultiple(TxPart part, CompiledQuery q, int max, List<SpaceEntry> out) {
        String root = q.type().root().name();
        if (part == null || !part.touches(root)) {
            readMultiple(q, max, out);
            return;
        }
        if (max <= 0) {
            return;
        }
        long now = ticker.millis();
        boolean ordered = q.ordering() != null;
        int cap = ordered ? Integer.MAX_VALUE : max;
        List<SpaceEntry> found = new ArrayList<>();
        for (SpaceEntry e : collect(q, Integer.MAX_VALUE)) {
            if (found.size() >= cap) {
                break;
            }
            if (part.slot(root, e.id()) == null) {
                found.add(e);
            }
        }
        for (TxPart.Slot s : part.slotsOf(root)) {
            SpaceEntry c = s.current();
            if (found.size() < cap && c != null && PlanWalker.matches(q, c, now)) {
                found.add(c);
            }
        }
        if (ordered) {
            sortAndTrim(q, found, max);
        }
        if (lru != null) {
            found.forEach(this::recordRead);
        }
        out.addAll(found);
    }

    /** The number of matches of {@code q} as {@code part} sees them (lock-free; {@code part} may be null). */
    public int txCount(TxPart part, CompiledQuery q) {
        if (part == null || !part.touches(q.type().root().name())) {
            return count(q);
        }
        List<SpaceEntry> all = new ArrayList<>();
        txReadMultiple(part, q, Integer.MAX_VALUE, all);
        return all.size();
    }

    /**
     * Locks for {@code part} and returns up to {@code max} matches of {@code q} as it sees them
     * (ORDER BY honoured), skipping those other transactions hold (their holders are added to
     * {@code blocked}, if given).
     */
    public List<SpaceEntry> txReadExclusive(TxPart part, CompiledQuery q, int max, List<TxPart> blocked) {
        return txLockMatching(part, q, max, false, blocked);
    }

    /**
     * Takes for {@code part} up to {@code max} matches of {@code q} as it sees them (ORDER BY
     * honoured): they stay committed — and visible to others' reads — until the commit removes them;
     * until then they are locked. Matches other transactions hold are skipped (their holders added
     * to {@code blocked}, if given).
     */
    public List<SpaceEntry> txTakeMultiple(TxPart part, CompiledQuery q, int max, List<TxPart> blocked) {
        return txLockMatching(part, q, max, true, blocked);
    }

    private List<SpaceEntry> txLockMatching(TxPart part, CompiledQuery q, int max, boolean take, List<TxPart> blocked) {
        if (max <= 0) {
            return List.of();
        }
        List<SpaceEntry> found;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            part.ensureActive();
            maintain();
            found = visibleLocked(part, q, max, true, blocked, ticker.millis());
            for (SpaceEntry e : found) {
                TypeStore store = storeFor(e.type());
                if (take) {
                    txTakeLocked(part, store, e);
                } else {
                    txLockRead(part, store, e);
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        return found;
    }

    /**
     * Takes for {@code part} the entry with {@code id} as it sees it, or returns null (absent, or held
     * by another transaction: its holder is then added to {@code blocked}, if given).
     */
    public SpaceEntry txTakeById(TxPart part, TypeDescriptor type, Object id, List<TxPart> blocked) {
        AfterUnlock after = new AfterUnlock();
        SpaceEntry e = null;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            part.ensureActive();
            maintain();
            String root = type.root().name();
            TypeStore store = stores.get(root);
            if (store != null) {
                TxPart.Slot s = part.slot(root, id);
                if (s != null) {
                    e = s.current();
                    if (e != null && e.isExpiredAt(ticker.millis())) {
                        e = null;
                    }
                } else {
                    TxPart holder = lockedEntries == 0 ? null : store.lockOwner(id);
                    if (holder != null) {
                        addBlocker(blocked, holder);
                    } else {
                        e = liveOrExpire(store, store.get(id), ticker.millis(), after);
                    }
                }
                if (e != null && e.type().isSubtypeOf(type)) {
                    txTakeLocked(part, store, e);
                } else {
                    e = null;
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return e;
    }

    /**
     * Takes {@code e} for {@code part} (or, unless {@code take}, locks it as an exclusive read) if
     * {@code part} still sees it and no one else holds it; returns whether it did.
     */
    public boolean txLockExact(TxPart part, SpaceEntry e, boolean take) {
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            part.ensureActive();
            String root = e.type().root().name();
            TypeStore store = stores.get(root);
            if (store == null || e.isExpiredAt(ticker.millis())) {
                return false;
            }
            TxPart.Slot s = part.slot(root, e.id());
            boolean visible = s != null ? s.current() == e
                    : store.isCurrent(e) && (lockedEntries == 0 || store.lockOwner(e.id()) == null);
            if (visible && take) {
                txTakeLocked(part, store, e);
            } else if (visible) {
                txLockRead(part, store, e);
            }
            return visible;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Writes an entry for {@code part}: checked against what the part sees ({@code mode}, version),
     * locked, visible to the part only until commit.
     *
     * @throws EntryLockedException if another transaction holds the id
     */
    public WriteResult txWrite(TxPart part, TypeDescriptor type, Object[] values, Lease lease, WriteMode mode) {
        AfterUnlock after = new AfterUnlock();
        WriteResult result;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            part.ensureActive();
            maintain();
            long now = ticker.millis();
            TypeStore store = storeFor(type);
            Object id = values[type.idIndex()];
            String root = store.rootName;
            TxPart.Slot s = part.slot(root, id);
            SpaceEntry view;
            SpaceEntry original;
            if (s != null) {
                view = s.current() != null && s.current().isExpiredAt(now) ? null : s.current();
                original = s.original();
            } else {
                checkUnlocked(part, store, type, id);
                view = liveOrExpire(store, store.get(id), now, after);
                original = view;
            }
            if (view != null && mode == WriteMode.WRITE_ONLY) {
                throw new EntryAlreadyExistsException(type.name(), id);
            }
            if (view == null && mode == WriteMode.UPDATE_ONLY) {
                throw new EntryNotFoundException(type.name(), id, "UPDATE_ONLY write");
            }
            long version = nextVersion(type, values, view);
            SpaceEntry e = new SpaceEntry(type, values, version, lease.expiryFrom(now));
            int changes = s == null ? 1 : s.changes() + 1;
            part.put(root, id, new TxPart.Slot(original, e, null, changes,
                    view == null ? DataSyncOperationType.WRITE : DataSyncOperationType.UPDATE, List.of(), part.owner().nextOrder()));
            if (s == null) {
                lockFor(part, store, id);
            }
            result = new WriteResult(e, view == null);
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        return result;
    }

    /**
     * Applies {@code changes} for {@code part} to every match it sees; returns how many.
     *
     * @throws EntryLockedException if another transaction holds a match (nothing is changed then)
     */
    public int txChange(TxPart part, CompiledQuery q, ChangeSet changes) {
        ChangeApplier.validate(q.type(), changes);
        DataSyncOperationType kind = changes.operations().stream()
                .allMatch(op -> op instanceof ChangeSet.Set || op instanceof ChangeSet.Unset)
                ? DataSyncOperationType.PARTIAL_UPDATE : DataSyncOperationType.CHANGE;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            part.ensureActive();
            maintain();
            long now = ticker.millis();
            List<SpaceEntry> found = visibleOrFail(part, q, now);
            for (SpaceEntry old : found) {
                TypeStore store = storeFor(old.type());
                Object[] values = ChangeApplier.apply(old, changes);
                long version = old.version() + 1;
                setVersion(old.type(), values, version);
                long expiresAt = changes.lease() == null ? old.expiresAt() : changes.lease().expiryFrom(now);
                SpaceEntry e = new SpaceEntry(old.type(), values, version, expiresAt);
                TxPart.Slot s = part.slot(store.rootName, old.id());
                part.put(store.rootName, old.id(), new TxPart.Slot(s == null ? old : s.original(), e, null,
                        s == null ? 1 : s.changes() + 1, kind, changes.operations(), part.owner().nextOrder()));
                if (s == null) {
                    lockFor(part, store, old.id());
                }
            }
            return found.size();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Takes for {@code part} every match it sees; returns them.
     *
     * @throws EntryLockedException if another transaction holds a match (nothing is taken then)
     */
    public List<SpaceEntry> txClear(TxPart part, CompiledQuery q) {
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            part.ensureActive();
            maintain();
            List<SpaceEntry> found = visibleOrFail(part, q, ticker.millis());
            for (SpaceEntry e : found) {
                txTakeLocked(part, storeFor(e.type()), e);
            }
            return found;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * {@link #compute} for {@code part}: {@code fn} sees the entry as the part does, and its decision
     * is recorded in the part.
     *
     * @throws EntryLockedException if another transaction holds the id
     */
    public Object txCompute(TxPart part, TypeDescriptor type, Object id, java.util.function.Function<SpaceEntry, ComputeDecision> fn) {
        AfterUnlock after = new AfterUnlock();
        Object result;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            part.ensureActive();
            maintain();
            long now = ticker.millis();
            TypeStore store = storeFor(type);
            String root = store.rootName;
            TxPart.Slot s = part.slot(root, id);
            SpaceEntry current;
            SpaceEntry original;
            if (s != null) {
                current = s.current() != null && s.current().isExpiredAt(now) ? null : s.current();
                original = s.original();
            } else {
                checkUnlocked(part, store, type, id);
                current = liveOrExpire(store, store.get(id), now, after);
                original = current;
            }
            SpaceEntry seen = current != null && current.type().isSubtypeOf(type) ? current : null;
            ComputeDecision d = fn.apply(seen);
            result = d.result();
            switch (d.kind()) {
                case PUT -> {
                    SpaceEntry e = decidedEntry(d, id, current, now);
                    part.put(root, id, new TxPart.Slot(original, e, null, s == null ? 1 : s.changes() + 1,
                            current == null ? DataSyncOperationType.WRITE : DataSyncOperationType.UPDATE, List.of(),
                            part.owner().nextOrder()));
                    if (s == null) {
                        lockFor(part, store, id);
                    }
                }
                case REMOVE -> {
                    if (seen != null) {
                        txTakeLocked(part, store, seen);
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
     * Phase one of a commit over several partitions: validates the part, freezes it (PREPARED: no
     * more operations; its locks stay), numbers its changes and hands them to {@code hook} under the
     * lock (write-behind persists the part there). If anything throws, the part stays ACTIVE and the
     * caller aborts it.
     *
     * @return the part's changes, in the transaction's order
     */
    public List<Change> prepare(TxPart part, PartHook hook) {
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            part.ensureActive();
            freeze(part, hook);
            part.state(TxPart.State.PREPARED);
            return part.preparedChanges();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Phase two: applies a PREPARED part (or an ACTIVE one without changes, e.g. only read locks) as
     * one unit — publishing its events, waking the waiters its entries match — and releases its
     * locks. Idempotent.
     */
    public void commit(TxPart part) {
        AfterUnlock after = new AfterUnlock();
        long stamp = lock.writeLock();
        try {
            TxPart.State st = part.state();
            if (st == TxPart.State.COMMITTED) {
                return;
            }
            if (st == TxPart.State.ABORTED) {
                throw part.ended(st);
            }
            if (st == TxPart.State.ACTIVE) {
                if (part.hasChanges()) {
                    throw new IllegalStateException(part + " has changes and is not prepared");
                }
                part.prepared(List.of(), new long[0]);
            }
            ensureOpen();
            apply(part, after);
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        part.release();
    }

    /**
     * A commit in one step, for a transaction that changed only this partition: validates the part,
     * numbers its changes, hands them to {@code hook} under the lock (write-through: the endpoint;
     * write-behind: the outbox) and applies them. If the hook throws, nothing is applied and the part
     * stays ACTIVE (the caller aborts it).
     *
     * @return the changes applied, in the transaction's order
     */
    public List<Change> commitOnePhase(TxPart part, PartHook hook) {
        AfterUnlock after = new AfterUnlock();
        List<Change> changes;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            part.ensureActive();
            freeze(part, hook);
            changes = part.preparedChanges();
            apply(part, after);
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        part.release();
        return changes;
    }

    /**
     * Discards the part: its entries stay (or become again) as committed, its locks are released and
     * the waiters that its held entries match are served. {@code underLock} (if given) runs first,
     * under the lock (write-behind records the abort there). Idempotent.
     *
     * @throws IllegalStateException if the part is committed
     */
    public void abort(TxPart part, Runnable underLock) {
        AfterUnlock after = new AfterUnlock();
        long stamp = lock.writeLock();
        try {
            TxPart.State st = part.state();
            if (st == TxPart.State.COMMITTED) {
                throw new IllegalStateException(part + " is committed");
            }
            if (st == TxPart.State.ABORTED) {
                return;
            }
            if (underLock != null && !closed) {
                try {
                    underLock.run();
                } catch (RuntimeException e) {
                    LOG.warn("space '{}' partition {}: recording the abort of transaction {} failed", spaceName, partitionId,
                            part.txId(), e);
                }
            }
            part.state(TxPart.State.ABORTED);
            parts.remove(part.txId());
            List<SpaceEntry> freed = unlockAll(part);
            if (!closed) {
                long now = ticker.millis();
                for (SpaceEntry e : freed) {
                    TypeStore store = stores.get(e.type().root().name());
                    SpaceEntry live = liveOrExpire(store, store.get(e.id()), now, after);
                    if (live != null) {
                        serveWaiters(store, live, after);
                    }
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        after.run();
        part.release();
    }

    /**
     * Validates the part and turns its slots into numbered changes (one per entry: the entry's final
     * state), in the transaction's order; hands them to {@code hook}; records them in the part.
     * Under the lock.
     */
    private void freeze(TxPart part, PartHook hook) {
        List<Map.Entry<TxPart.Key, TxPart.Slot>> slots = new ArrayList<>(part.entries());
        slots.sort((a, b) -> Long.compare(a.getValue().order(), b.getValue().order()));
        List<Change> changes = new ArrayList<>(slots.size());
        long[] order = new long[slots.size()];
        boolean number = sink.isActive();
        long seq = sequence;
        for (Map.Entry<TxPart.Key, TxPart.Slot> en : slots) {
            TxPart.Slot s = en.getValue();
            TypeStore store = stores.get(en.getKey().root());
            SpaceEntry committed = store == null ? null : store.get(en.getKey().id());
            if (committed != s.original()) {
                throw new io.khora.TransactionException("transaction " + part.txId() + ": entry of " + en.getKey().root() + " with id="
                        + en.getKey().id() + " changed in partition " + partitionId + " while the transaction held it locked");
            }
            if (s.changes() == 0 || s.original() == null && s.current() == null) {
                continue;
            }
            DataSyncOperationType type;
            SpaceEntry e;
            List<ChangeSet.Operation> ops = List.of();
            if (s.original() == null) {
                type = DataSyncOperationType.WRITE;
                e = s.current();
            } else if (s.current() == null) {
                type = DataSyncOperationType.REMOVE;
                e = s.removed();
            } else if (s.changes() == 1) {
                type = s.kind();
                e = s.current();
                ops = s.operations();
            } else {
                type = DataSyncOperationType.UPDATE;
                e = s.current();
            }
            order[changes.size()] = s.order();
            changes.add(new Change(type, e, ops, partitionId, number ? ++seq : 0L));
        }
        long[] trimmed = java.util.Arrays.copyOf(order, changes.size());
        if (hook != null && !changes.isEmpty()) {
            hook.persist(changes, trimmed);
        }
        if (number) {
            sequence = seq;
        }
        part.prepared(List.copyOf(changes), trimmed);
    }

    /** Applies a frozen part to the stores, releases its locks, serves waiters. Under the lock. */
    private void apply(TxPart part, AfterUnlock after) {
        List<Map.Entry<TxPart.Key, TxPart.Slot>> slots = new ArrayList<>(part.entries());
        slots.sort((a, b) -> Long.compare(a.getValue().order(), b.getValue().order()));
        unlockAll(part);
        List<SpaceEntry> serve = new ArrayList<>(slots.size());
        for (Map.Entry<TxPart.Key, TxPart.Slot> en : slots) {
            TxPart.Slot s = en.getValue();
            TypeStore store = stores.get(en.getKey().root());
            SpaceEntry committed = store == null ? null : store.get(en.getKey().id());
            if (s.changes() == 0) {
                if (committed != null) {
                    serve.add(committed);
                }
            } else if (s.current() == null) {
                if (committed != null) {
                    removeEntry(store, committed, SpaceEventType.TAKE);
                }
            } else {
                SpaceEntry e = s.current();
                replace(store, committed, e);
                publish(committed == null ? SpaceEventType.WRITE : SpaceEventType.UPDATE, e);
                serve.add(e);
            }
        }
        part.state(TxPart.State.COMMITTED);
        parts.remove(part.txId());
        long now = ticker.millis();
        for (SpaceEntry e : serve) {
            TypeStore store = stores.get(e.type().root().name());
            if (store.isCurrent(e) && liveOrExpire(store, e, now, after) != null) {
                serveWaiters(store, e, after);
            }
        }
        evictOverflow();
    }

    /** Releases every lock of {@code part}; returns the committed entries it held (for serving). Under the lock. */
    private List<SpaceEntry> unlockAll(TxPart part) {
        List<SpaceEntry> held = new ArrayList<>();
        for (Map.Entry<TxPart.Key, TxPart.Slot> en : part.entries()) {
            TypeStore store = stores.get(en.getKey().root());
            if (store != null && store.unlock(en.getKey().id(), part)) {
                lockedEntries--;
                SpaceEntry committed = store.get(en.getKey().id());
                if (committed != null) {
                    held.add(committed);
                }
            }
        }
        return held;
    }

    /** Locks the id for {@code part} if it is not yet. Under the lock. */
    private void lockFor(TxPart part, TypeStore store, Object id) {
        if (store.lock(id, part)) {
            lockedEntries++;
        }
    }

    /** Takes {@code e} (as {@code part} sees it) for {@code part}: its view becomes "absent", the entry is locked. */
    private void txTakeLocked(TxPart part, TypeStore store, SpaceEntry e) {
        String root = store.rootName;
        Object id = e.id();
        TxPart.Slot s = part.slot(root, id);
        part.put(root, id, new TxPart.Slot(s == null ? e : s.original(), null, e, s == null ? 1 : s.changes() + 1,
                DataSyncOperationType.REMOVE, List.of(), part.owner().nextOrder()));
        if (s == null) {
            lockFor(part, store, id);
        }
    }

    /** Locks the committed entry {@code e} for {@code part} without changing it (an exclusive read). */
    private void txLockRead(TxPart part, TypeStore store, SpaceEntry e) {
        if (part.slot(store.rootName, e.id()) != null) {
            return;
        }
        part.put(store.rootName, e.id(), new TxPart.Slot(e, e, null, 0, null, List.of(), 0L));
        lockFor(part, store, e.id());
    }

    /**
     * Up to {@code limit} matches of {@code q} as {@code part} sees them (null: committed only), ORDER
     * BY honoured: committed entries the part did not touch, plus the part's current entries. With
     * {@code skipLocked}, entries other transactions hold are left out and their holders added to
     * {@code blocked} (if given). Under the lock.
     */
    private List<SpaceEntry> visibleLocked(TxPart part, CompiledQuery q, int limit, boolean skipLocked, List<TxPart> blocked,
                                           long now) {
        String root = q.type().root().name();
        boolean overlay = part != null && part.touches(root);
        boolean checkLocks = skipLocked && lockedEntries != 0;
        TypeStore store = stores.get(root);
        boolean ordered = q.ordering() != null;
        int cap = ordered ? Integer.MAX_VALUE : limit;
        List<SpaceEntry> found = new ArrayList<>(Math.min(cap, 16));
        if (store != null) {
            PlanWalker.visit(stores, q, now, e -> {
                if (overlay && part.slot(root, e.id()) != null) {
                    return true; // the part's own view of it is added below
                }
                if (checkLocks) {
                    TxPart holder = store.lockOwner(e.id());
                    if (holder != null && holder != part) {
                        addBlocker(blocked, holder);
                        return true;
                    }
                }
                found.add(e);
                return found.size() < cap;
            });
        }
        if (overlay) {
            for (TxPart.Slot s : part.slotsOf(root)) {
                SpaceEntry c = s.current();
                if (found.size() < cap && c != null && PlanWalker.matches(q, c, now)) {
                    found.add(c);
                }
            }
        }
        if (ordered) {
            sortAndTrim(q, found, limit);
        }
        return found;
    }

    /** The matches {@code part} sees; fails if another transaction holds one. Under the lock. */
    private List<SpaceEntry> visibleOrFail(TxPart part, CompiledQuery q, long now) {
        List<TxPart> holders = new ArrayList<>(1);
        List<SpaceEntry> found = visibleLocked(part, q, Integer.MAX_VALUE, true, holders, now);
        if (!holders.isEmpty()) {
            throw new EntryLockedException(holders.get(0), "a match of " + q.text() + " in " + q.type().name());
        }
        return found;
    }

    /** Throws {@link EntryLockedException} if a transaction other than {@code self} holds the id. Under the lock. */
    private void checkUnlocked(TxPart self, TypeStore store, TypeDescriptor type, Object id) {
        if (lockedEntries == 0) {
            return;
        }
        TxPart holder = store.lockOwner(id);
        if (holder != null && holder != self) {
            throw new EntryLockedException(holder, type.name(), id);
        }
    }

    private static void addBlocker(List<TxPart> blocked, TxPart holder) {
        if (blocked != null && !blocked.contains(holder)) {
            blocked.add(holder);
        }
    }

    private static boolean isActive(TxPart part) {
        return part != null && part.state() == TxPart.State.ACTIVE;
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

    /**
     * The entry an entry processor's PUT makes over {@code before} (null if none): same id or an
     * error, version bumped (and written into the version property), the processor's lease or else
     * the predecessor's expiry (FOREVER for a new entry).
     */
    private static SpaceEntry decidedEntry(ComputeDecision d, Object id, SpaceEntry before, long now) {
        Object[] values = d.values();
        TypeDescriptor t = d.type();
        if (!java.util.Objects.equals(values[t.idIndex()], id)) {
            throw new IllegalArgumentException("an entry processor on id=" + id + " set an entry with id="
                    + values[t.idIndex()] + "; it may only change its own entry");
        }
        long version = before == null ? 1L : before.version() + 1L;
        setVersion(t, values, version);
        long expiresAt = d.lease() != null ? d.lease().expiryFrom(now) : before == null ? Long.MAX_VALUE : before.expiresAt();
        return new SpaceEntry(t, values, version, expiresAt);
    }

    /** Persists, then applies a new or replacing entry: published, waiters served, LRU bound kept. Lock held. */
    private void putLive(TypeStore store, SpaceEntry old, SpaceEntry e, AfterUnlock after) {
        persist(after, List.of(change(old == null ? DataSyncOperationType.WRITE : DataSyncOperationType.UPDATE, e, List.of())));
        replace(store, old, e);
        publish(old == null ? SpaceEventType.WRITE : SpaceEventType.UPDATE, e);
        serveWaiters(store, e, after);
        evictOverflow();
    }

    /** Persists, then applies the take of the live entry {@code e} (a TAKE event). Lock held. */
    private void takeLive(TypeStore store, SpaceEntry e, AfterUnlock after) {
        persist(after, List.of(change(DataSyncOperationType.REMOVE, e, List.of())));
        removeEntry(store, e, SpaceEventType.TAKE);
    }

    /** {@code e} if live; if expired, evicts it (EXPIRE event) and returns null. */
    private SpaceEntry liveOrExpire(TypeStore store, SpaceEntry e, long now, AfterUnlock after) {
        if (e != null && e.isExpiredAt(now)) {
            expireUnlessLocked(store, e, after);
            return null;
        }
        return e;
    }

    /** Expires {@code e} — unless a transaction holds it: a locked entry expires when its lock is released. */
    private void expireUnlessLocked(TypeStore store, SpaceEntry e, AfterUnlock after) {
        if (lockedEntries == 0 || store.lockOwner(e.id()) == null) {
            expire(store, e, after);
        }
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
        expiredCount++;
    }

    /** Entries this partition removed because their lease expired, so far. */
    public long expiredCount() {
        return expiredCount;
    }

    /** Entries this partition evicted to stay within its most entries (LRU), so far. */
    public long evictedCount() {
        return evictedCount;
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
            if (e != null && lockedEntries != 0 && store.lockOwner(e.id()) != null) {
                lru.onPut(e); // a transaction holds it: keep it (the bound is restored by later evictions)
                continue;
            }
            if (e != null && store.remove(e)) {
                expiries.remove(e);
                evictedCount++;
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
        // kept tiny so every write inlines it: the common case is "nobody waits"
        if (waiters.size() != 0) {
            serveMatchingWaiters(store, e, after);
        }
    }

    private void serveMatchingWaiters(TypeStore store, SpaceEntry e, AfterUnlock after) {
        List<Waiter> matching = waiters.matching(store.rootName, e);
        if (matching.isEmpty()) {
            return;
        }
        TxPart holder = lockedEntries == 0 ? null : store.lockOwner(e.id());
        for (Waiter w : matching) {
            if (w.isTake()) {
                continue;
            }
            if (w.locks()) {
                holder = serveExclusiveReader(w, holder, store, e, after);
            } else if (w.tryClaim()) {
                waiters.remove(store.rootName, w);
                after.deliver(w, e);
            }
        }
        for (Waiter w : matching) {
            if (w.isTake() && serveTaker(w, holder, store, e, after)) {
                break;
            }
        }
    }

    /**
     * An exclusive read in a transaction locks the entry, so at most one gets it: serves {@code w}
     * unless another transaction holds it; returns the holder afterwards.
     */
    private TxPart serveExclusiveReader(Waiter w, TxPart holder, TypeStore store, SpaceEntry e, AfterUnlock after) {
        TxPart part = w.tx().partIn(partitionId);
        if ((holder == null || holder == part) && w.tryClaim()) {
            waiters.remove(store.rootName, w);
            serveLocking(w, part, store, e, after);
            return lockedEntries == 0 ? null : store.lockOwner(e.id());
        }
        return holder;
    }

    /** Gives {@code e} to the take waiter {@code w} unless another transaction holds it; returns whether it did. */
    private boolean serveTaker(Waiter w, TxPart holder, TypeStore store, SpaceEntry e, AfterUnlock after) {
        TxPart part = w.tx() == null ? null : w.tx().partIn(partitionId);
        if (holder != null && holder != part || !w.tryClaim()) {
            return false; // another transaction holds it, or someone else claimed the waiter
        }
        waiters.remove(store.rootName, w);
        if (w.tx() != null) {
            serveLocking(w, part, store, e, after);
        } else {
            takeFor(w, store, e, after);
        }
        return true;
    }

    /** Serves a claimed waiter of a transaction: locks {@code e} for it (taking it, for a take) and delivers. */
    private void serveLocking(Waiter w, TxPart part, TypeStore store, SpaceEntry e, AfterUnlock after) {
        if (part == null || part.state() != TxPart.State.ACTIVE) {
            after.fail(w, part == null ? new IllegalStateException("no transaction part in partition " + partitionId)
                    : part.ended(part.state()));
            return;
        }
        if (w.isTake()) {
            txTakeLocked(part, store, e);
        } else {
            txLockRead(part, store, e);
        }
        after.deliver(w, e);
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

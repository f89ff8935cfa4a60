package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.EntryAlreadyExistsException;
import io.khora.EntryNotFoundException;
import io.khora.EntryVersionConflictException;
import io.khora.Lease;
import io.khora.SpaceClosedException;
import io.khora.Ticker;
import io.khora.WriteMode;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
    private final String spaceName;
    private final int partitionId;
    private final Ticker ticker;
    private final MutationScope scope;
    private final TxLocks locks = new TxLocks();
    private final EntryStore store;
    private final LeaseExpiry expiry;
    private final QueryReads reads;
    private final WaiterDispatch waiters;
    private final EntryOperations ops;
    private final TxCommit tx;

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
        LruPolicy lru = maxEntries == 0 ? null : new LruPolicy(maxEntries);
        this.scope = new MutationScope(spaceName, lru);
        this.store = new EntryStore(partitionId, events, sink, lru, locks);
        this.expiry = new LeaseExpiry(spaceName, partitionId, store, locks);
        this.reads = new QueryReads(store.stores, scope.lock(), ticker, lru, locks);
        this.waiters = new WaiterDispatch(spaceName, partitionId, ticker, store, reads, locks);
        CommittedView committed = new CommittedView(store, expiry, waiters, locks, reads);
        this.ops = new EntryOperations(scope, store, expiry, reads, waiters, locks, committed, ticker);
        this.tx = new TxCommit(spaceName, partitionId, ticker, store, expiry, waiters, locks);
    }

    /** 0-based partition id. */
    public int partitionId() {
        return partitionId;
    }

    // ================================================================ lock-free reads

    /** The live entry of {@code type} (or a subtype) with {@code id}, or null. */
    public SpaceEntry readById(TypeDescriptor type, Object id) {
        return reads.readById(type, id);
    }

    /** Adds up to {@code max} live matches of {@code q} to {@code out} (the first {@code max} in ORDER BY order if any). */
    public void readMultiple(CompiledQuery q, int max, List<SpaceEntry> out) {
        reads.readMultiple(null, q, max, out);
    }

    /** The first live match of {@code q} (in ORDER BY order if any), or null. */
    public SpaceEntry readFirst(CompiledQuery q) {
        List<SpaceEntry> one = new ArrayList<>(1);
        readMultiple(q, 1, one);
        return one.isEmpty() ? null : one.get(0);
    }

    /** The number of live matches of {@code q}. */
    public int count(CompiledQuery q) {
        return reads.count(null, q);
    }

    /** The number of live entries of every type. */
    public int size() {
        return store.size(ticker.millis());
    }

    /** Per-type statistics for status displays: root type name → live entries. */
    public Map<String, Integer> countsByRootType() {
        return store.countsByRootType(ticker.millis());
    }

    // ================================================================ mutations

    /**
     * Writes an entry whose {@code values} this engine now owns.
     *
     * @throws EntryAlreadyExistsException, EntryNotFoundException, EntryVersionConflictException per {@code mode};
     *     whatever the change sink throws (memory is then unchanged)
     */
    public WriteResult write(TypeDescriptor type, Object[] values, Lease lease, WriteMode mode) {
        return ops.write(ops.committed(), type, values, lease, mode);
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
        return ops.writeAll(types, values, lease, mode);
    }

    /**
     * Puts an entry read from the data store (initial load, read-through) unless the id is already
     * live here: nothing is persisted and no event is published, but waiters it matches are served.
     * A row for an id a transaction holds is answered as read, without caching it.
     *
     * @return the entry now current for the id: the loaded one, or the one that was already there
     */
    public SpaceEntry load(TypeDescriptor type, Object[] values) {
        return ops.load(type, values);
    }

    /**
     * Runs {@code fn} on the live entry of {@code type} with {@code id} (or null) under the partition
     * lock, and applies its decision like a write (WRITE/UPDATE, version bumped, lease kept unless
     * given) or a take (REMOVE) — persisted, published and serving waiters as those do.
     *
     * @return the decision's result
     */
    public Object compute(TypeDescriptor type, Object id, Function<SpaceEntry, ComputeDecision> fn) {
        return ops.compute(ops.committed(), type, id, fn);
    }

    /**
     * Applies a change recovered from a write-behind outbox after a restart, over what the initial
     * load put in memory (the store does not have it yet): puts the entry, or removes it. Nothing is
     * persisted and no event is published.
     */
    public void restore(Change change) {
        ops.restore(change);
    }

    /**
     * Takes an entry that exists only in the data store (read-through for {@code takeMultiple}):
     * persists its REMOVE and publishes a TAKE event, unless the id is live in memory (then null:
     * the in-memory take handles it).
     */
    public SpaceEntry takeFromStore(TypeDescriptor type, Object[] values) {
        return ops.takeFromStore(type, values);
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
        return ops.takeById(ops.committed(), type, id, blocked);
    }

    /** Removes {@code e} if it is still the current, live entry for its id (and not locked); returns whether it did. */
    public boolean takeExact(SpaceEntry e) {
        return ops.takeExact(e);
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
        return ops.takeMultiple(ops.committed(), q, max, blocked, failOnLocked);
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
        return ops.change(ops.committed(), q, changes);
    }

    /**
     * Gives the live entry with {@code id} a new lease from now (leases are not persisted).
     *
     * @return the new expiry
     * @throws EntryNotFoundException if there is no live entry
     */
    public long renew(TypeDescriptor type, Object id, Lease lease) {
        return ops.renew(type, id, lease);
    }

    /** Evicts every entry whose lease has run out (one EXPIRE event each); returns how many. */
    public int sweep() {
        long now = ticker.millis();
        if (expiry.nextExpiry() > now) {
            return 0;
        }
        return scope.locked(after -> expiry.sweep(now, after));
    }

    /** The earliest lease expiry in this partition, {@link Long#MAX_VALUE} if none. */
    public long nextExpiry() {
        return expiry.nextExpiry();
    }

    /** Entries this partition removed because their lease expired, so far. */
    public long expiredCount() {
        return expiry.expiredCount();
    }

    /** Entries this partition evicted to stay within its most entries (LRU), so far. */
    public long evictedCount() {
        return store.evictedCount();
    }

    /** Drops every entry (not waiters): used before a failed initial load is retried. Nothing is persisted. */
    public void reset() {
        scope.locked(after -> {
            store.reset();
            return null;
        });
    }

    /** The sequence number of the last persisted change. */
    public long lastSequence() {
        return scope.readLocked(store::sequence);
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
        return scope.locked(after -> waiters.serveOrRegister(w, scope.isClosed(), after));
    }

    /** Forgets {@code w} (it completed or was served elsewhere). */
    public void removeWaiter(Waiter w) {
        scope.locked(after -> {
            waiters.remove(w);
            return null;
        });
    }

    /** Number of registered waiters. */
    public int waiterCount() {
        return scope.locked(after -> waiters.size());
    }

    /** Closes the partition: every waiter fails with {@link SpaceClosedException}; later mutations too. */
    public void close() {
        List<Waiter> all = new ArrayList<>();
        List<TxPart> open = new ArrayList<>();
        scope.locked(after -> {
            scope.markClosed();
            all.addAll(waiters.drain());
            open.addAll(tx.drain());
            return null;
        });
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
        return scope.open(null, after -> tx.begin(txId, owner));
    }

    /** The parts not yet committed or aborted. */
    public List<TxPart> openParts() {
        return scope.locked(after -> tx.open());
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
        return scope.locked(after -> locks.holder(store.store(e.type().root().name()), e.id()));
    }

    /** Number of entries locked by transactions. */
    public int lockedEntries() {
        return scope.locked(after -> locks.count());
    }

    /**
     * The entry of {@code type} with {@code id} as {@code part} sees it: its own change if it made
     * one, else the committed live entry. Without {@code exclusive}, lock-free (and {@code part} may be
     * null); with it, the entry is locked for the part.
     *
     * @throws EntryLockedException exclusive, and another transaction holds the entry
     */
    public SpaceEntry txReadById(TxPart part, TypeDescriptor type, Object id, boolean exclusive) {
        if (!exclusive) {
            return reads.readById(part, type, id);
        }
        return scope.mutate(part, after -> overlay(part).readExclusive(type, id, ticker.millis(), after));
    }

    /**
     * Adds up to {@code max} matches of {@code q} as {@code part} sees them (lock-free; {@code part}
     * may be null): committed entries it did not touch, plus its own current entries.
     */
    public void txReadMultiple(TxPart part, CompiledQuery q, int max, List<SpaceEntry> out) {
        reads.readMultiple(part, q, max, out);
    }

    /** The number of matches of {@code q} as {@code part} sees them (lock-free; {@code part} may be null). */
    public int txCount(TxPart part, CompiledQuery q) {
        return reads.count(part, q);
    }

    /**
     * Locks for {@code part} and returns up to {@code max} matches of {@code q} as it sees them
     * (ORDER BY honoured), skipping those other transactions hold (their holders are added to
     * {@code blocked}, if given).
     */
    public List<SpaceEntry> txReadExclusive(TxPart part, CompiledQuery q, int max, List<TxPart> blocked) {
        if (max <= 0) {
            return List.of();
        }
        return scope.mutate(part, after -> overlay(part).lockMatching(q, max, false, blocked, ticker.millis()));
    }

    /**
     * Takes for {@code part} up to {@code max} matches of {@code q} as it sees them (ORDER BY
     * honoured): they stay committed — and visible to others' reads — until the commit removes them;
     * until then they are locked. Matches other transactions hold are skipped (their holders added
     * to {@code blocked}, if given).
     */
    public List<SpaceEntry> txTakeMultiple(TxPart part, CompiledQuery q, int max, List<TxPart> blocked) {
        return ops.takeMultiple(overlay(part), q, max, blocked, false);
    }

    /**
     * Takes for {@code part} the entry with {@code id} as it sees it, or returns null (absent, or held
     * by another transaction: its holder is then added to {@code blocked}, if given).
     */
    public SpaceEntry txTakeById(TxPart part, TypeDescriptor type, Object id, List<TxPart> blocked) {
        return ops.takeById(overlay(part), type, id, blocked);
    }

    /**
     * Takes {@code e} for {@code part} (or, unless {@code take}, locks it as an exclusive read) if
     * {@code part} still sees it and no one else holds it; returns whether it did.
     */
    public boolean txLockExact(TxPart part, SpaceEntry e, boolean take) {
        return scope.open(part, after -> overlay(part).lockExact(e, take, ticker.millis()));
    }

    /**
     * Writes an entry for {@code part}: checked against what the part sees ({@code mode}, version),
     * locked, visible to the part only until commit.
     *
     * @throws EntryLockedException if another transaction holds the id
     */
    public WriteResult txWrite(TxPart part, TypeDescriptor type, Object[] values, Lease lease, WriteMode mode) {
        return ops.write(overlay(part), type, values, lease, mode);
    }

    /**
     * Applies {@code changes} for {@code part} to every match it sees; returns how many.
     *
     * @throws EntryLockedException if another transaction holds a match (nothing is changed then)
     */
    public int txChange(TxPart part, CompiledQuery q, ChangeSet changes) {
        return ops.change(overlay(part), q, changes);
    }

    /**
     * Takes for {@code part} every match it sees; returns them.
     *
     * @throws EntryLockedException if another transaction holds a match (nothing is taken then)
     */
    public List<SpaceEntry> txClear(TxPart part, CompiledQuery q) {
        return ops.takeMultiple(overlay(part), q, Integer.MAX_VALUE, null, true);
    }

    /**
     * {@link #compute} for {@code part}: {@code fn} sees the entry as the part does, and its decision
     * is recorded in the part.
     *
     * @throws EntryLockedException if another transaction holds the id
     */
    public Object txCompute(TxPart part, TypeDescriptor type, Object id, Function<SpaceEntry, ComputeDecision> fn) {
        return ops.compute(overlay(part), type, id, fn);
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
        return scope.open(part, after -> tx.prepare(part, hook));
    }

    /**
     * Phase two: applies a PREPARED part (or an ACTIVE one without changes, e.g. only read locks) as
     * one unit — publishing its events, waking the waiters its entries match — and releases its
     * locks. Idempotent.
     */
    public void commit(TxPart part) {
        if (scope.locked(after -> tx.commit(part, scope, after))) {
            part.release();
        }
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
        List<Change> changes = scope.open(part, after -> tx.commitOnePhase(part, hook, after));
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
        if (scope.locked(after -> tx.abort(part, underLock, scope.isClosed(), after))) {
            part.release();
        }
    }

    private TxOverlay overlay(TxPart part) {
        return (TxOverlay) ops.view(part);
    }
}

package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.EntryAlreadyExistsException;
import io.khora.EntryNotFoundException;
import io.khora.Lease;
import io.khora.SpaceEventType;
import io.khora.Ticker;
import io.khora.WriteMode;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.persistence.DataSyncOperationType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The operations that change entries — write, compute, take, change — each written once over an
 * {@link EntryView}, so a plain operation (over the committed state) and its transactional twin
 * (over a part's overlay) are the same code; plus the plain-only ones (batched writes, renewals,
 * exact takes, and what the data store feeds in: loads, recovered changes, takes of stored rows).
 * Each runs in a {@link MutationScope}.
 */
final class EntryOperations {
    private final MutationScope scope;
    private final EntryStore store;
    private final LeaseExpiry expiry;
    private final QueryReads reads;
    private final WaiterDispatch waiters;
    private final TxLocks locks;
    private final CommittedView committed;
    private final Ticker ticker;

    EntryOperations(MutationScope scope, EntryStore store, LeaseExpiry expiry, QueryReads reads, WaiterDispatch waiters,
                    TxLocks locks, CommittedView committed, Ticker ticker) {
        this.scope = scope;
        this.store = store;
        this.expiry = expiry;
        this.reads = reads;
        this.waiters = waiters;
        this.locks = locks;
        this.committed = committed;
        this.ticker = ticker;
    }

    /** The committed state's view. */
    CommittedView committed() {
        return committed;
    }

    /** {@code part}'s view (null: the committed state's). */
    EntryView view(TxPart part) {
        return part == null ? committed : new TxOverlay(part, committed);
    }

    /** A checked write, not yet applied: the store, the entry it replaces (null: none), the new entry. */
    private record Candidate(TypeStore store, SpaceEntry old, SpaceEntry entry) {
        PartitionEngine.WriteResult result() {
            return new PartitionEngine.WriteResult(entry, old == null);
        }
    }

    /** Checks a write against what {@code v} sees ({@code mode}, version) and makes its entry. */
    private Candidate candidate(EntryView v, TypeDescriptor type, Object[] values, Lease lease, WriteMode mode, long now,
                                AfterUnlock after) {
        TypeStore typeStore = store.storeFor(type);
        Object id = values[type.idIndex()];
        SpaceEntry old = v.lookup(typeStore, type, id, now, after);
        if (old != null && mode == WriteMode.WRITE_ONLY) {
            throw new EntryAlreadyExistsException(type.name(), id);
        }
        if (old == null && mode == WriteMode.UPDATE_ONLY) {
            throw new EntryNotFoundException(type.name(), id, "UPDATE_ONLY write");
        }
        long version = Versions.next(type, values, old);
        return new Candidate(typeStore, old, new SpaceEntry(type, values, version, lease.expiryFrom(now)));
    }

    PartitionEngine.WriteResult write(EntryView v, TypeDescriptor type, Object[] values, Lease lease, WriteMode mode) {
        return scope.mutate(v.part(), after -> {
            Candidate c = candidate(v, type, values, lease, mode, ticker.millis(), after);
            v.put(c.store(), c.entry().id(), c.old(), c.entry(), after);
            return c.result();
        });
    }

    /** See {@link PartitionEngine#writeAll}. */
    Object[] writeAll(TypeDescriptor[] types, Object[][] values, Lease lease, WriteMode mode) {
        return scope.batch(after -> {
            long now = ticker.millis();
            int n = types.length;
            Object[] results = new Object[n];
            Candidate[] candidates = new Candidate[n];
            List<Change> changes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                try {
                    Candidate c = candidate(committed, types[i], values[i], lease, mode, now, after);
                    candidates[i] = c;
                    changes.add(store.change(c.old() == null ? DataSyncOperationType.WRITE : DataSyncOperationType.UPDATE,
                            c.entry(), List.of()));
                } catch (RuntimeException e) {
                    results[i] = e;
                }
            }
            try {
                store.persist(after, changes);
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
                    Candidate c = candidates[i];
                    committed.applyPut(c.store(), c.old(), c.entry(), after);
                    results[i] = c.result();
                }
            }
            store.evictOverflow();
            return results;
        });
    }

    Object compute(EntryView v, TypeDescriptor type, Object id, Function<SpaceEntry, ComputeDecision> fn) {
        return scope.mutate(v.part(), after -> {
            long now = ticker.millis();
            TypeStore typeStore = store.storeFor(type);
            SpaceEntry current = v.lookup(typeStore, type, id, now, after);
            SpaceEntry seen = current != null && current.type().isSubtypeOf(type) ? current : null;
            ComputeDecision d = fn.apply(seen);
            switch (d.kind()) {
                case PUT -> v.put(typeStore, id, current, Versions.decided(d, id, current, now), after);
                case REMOVE -> {
                    if (seen != null) {
                        v.take(typeStore, seen, after);
                    }
                }
                default -> {
                    // KEEP: nothing changes
                }
            }
            return d.result();
        });
    }

    SpaceEntry takeById(EntryView v, TypeDescriptor type, Object id, List<TxPart> blocked) {
        return scope.mutate(v.part(), after -> {
            TypeStore typeStore = store.store(type.root().name());
            SpaceEntry e = typeStore == null ? null : v.lookupOrBlock(typeStore, id, ticker.millis(), blocked, after);
            if (e == null || !e.type().isSubtypeOf(type)) {
                return null;
            }
            v.take(typeStore, e, after);
            return e;
        });
    }

    List<SpaceEntry> takeMultiple(EntryView v, CompiledQuery q, int max, List<TxPart> blocked, boolean failOnLocked) {
        if (max <= 0) {
            return List.of();
        }
        return scope.mutate(v.part(), after -> {
            List<SpaceEntry> found = reads.unlockedMatches(v.part(), q, max, blocked, failOnLocked, ticker.millis());
            v.takeAll(q, found, after);
            return found;
        });
    }

    int change(EntryView v, CompiledQuery q, ChangeSet changes) {
        ChangeApplier.validate(q.type(), changes);
        DataSyncOperationType kind = changes.operations().stream()
                .allMatch(op -> op instanceof ChangeSet.Set || op instanceof ChangeSet.Unset)
                ? DataSyncOperationType.PARTIAL_UPDATE : DataSyncOperationType.CHANGE;
        return scope.mutate(v.part(), after -> {
            long now = ticker.millis();
            List<SpaceEntry> found = v.changeable(q, now);
            List<SpaceEntry> changed = new ArrayList<>(found.size());
            for (SpaceEntry old : found) {
                long expiresAt = changes.lease() == null ? old.expiresAt() : changes.lease().expiryFrom(now);
                changed.add(Versions.changed(old, ChangeApplier.apply(old, changes), expiresAt));
            }
            v.changeAll(found, changed, kind, changes.operations(), after);
            return changed.size();
        });
    }

    /** See {@link PartitionEngine#takeExact}. */
    boolean takeExact(SpaceEntry e) {
        return scope.open(null, after -> {
            TypeStore typeStore = store.store(e.type().root().name());
            if (typeStore != null && typeStore.isCurrent(e) && !e.isExpiredAt(ticker.millis())
                    && locks.holder(typeStore, e.id()) == null) {
                committed.take(typeStore, e, after);
                return true;
            }
            return false;
        });
    }

    /** See {@link PartitionEngine#renew}. */
    long renew(TypeDescriptor type, Object id, Lease lease) {
        return scope.open(null, after -> {
            long now = ticker.millis();
            TypeStore typeStore = store.store(type.root().name());
            SpaceEntry e = typeStore == null ? null : committed.lookup(typeStore, type, id, now, after);
            if (e == null || !e.type().isSubtypeOf(type)) {
                throw new EntryNotFoundException(type.name(), id, "lease renewal");
            }
            SpaceEntry renewed = e.withExpiry(lease.expiryFrom(now));
            store.replace(typeStore, e, renewed);
            return renewed.expiresAt();
        });
    }

    /** See {@link PartitionEngine#load}. */
    SpaceEntry load(TypeDescriptor type, Object[] values) {
        return scope.mutate(null, after -> {
            TypeStore typeStore = store.storeFor(type);
            Object id = values[type.idIndex()];
            SpaceEntry current = expiry.liveOrExpire(typeStore, typeStore.get(id), ticker.millis(), after);
            if (current != null) {
                return current;
            }
            SpaceEntry e = Versions.loaded(type, values);
            if (locks.holder(typeStore, id) == null) {
                // not held by a transaction (memory must not change under one): cached
                store.replace(typeStore, null, e);
                waiters.serve(typeStore, e, after);
                store.evictOverflow();
            }
            return e;
        });
    }

    /** See {@link PartitionEngine#restore}. */
    void restore(Change change) {
        scope.open(null, after -> {
            SpaceEntry e = change.entry();
            TypeStore typeStore = store.storeFor(e.type());
            SpaceEntry current = typeStore.get(e.id());
            if (change.type() != DataSyncOperationType.REMOVE) {
                store.replace(typeStore, current, e);
                store.evictOverflow();
            } else if (current != null) {
                store.drop(typeStore, current);
            }
            return null;
        });
    }

    /** See {@link PartitionEngine#takeFromStore}. */
    SpaceEntry takeFromStore(TypeDescriptor type, Object[] values) {
        return scope.open(null, after -> {
            TypeStore typeStore = store.storeFor(type);
            Object id = values[type.idIndex()];
            if (expiry.liveOrExpire(typeStore, typeStore.get(id), ticker.millis(), after) != null
                    || locks.holder(typeStore, id) != null) {
                return null;
            }
            SpaceEntry e = new SpaceEntry(type, values, Versions.stored(type, values), Long.MAX_VALUE);
            store.persistRemove(after, e);
            store.publish(SpaceEventType.TAKE, e);
            return e;
        });
    }
}

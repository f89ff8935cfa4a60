package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.SpaceEventType;
import io.khora.Ticker;
import io.khora.TransactionException;
import io.khora.persistence.DataSyncOperationType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The life of transaction parts in a partition: opened, frozen into numbered changes (prepare, or
 * the one-phase commit), applied to the stores as one unit (publishing, serving waiters, releasing
 * locks), or aborted (locks released, the entries they held offered to waiters). A part's changes
 * live in the part until commit; the stores hold only committed entries. Under the write lock.
 */
final class TxCommit {
    private static final Logger LOG = LoggerFactory.getLogger(TxCommit.class);

    private final String spaceName;
    private final int partitionId;
    private final Ticker ticker;
    private final EntryStore store;
    private final LeaseExpiry expiry;
    private final WaiterDispatch waiters;
    private final TxLocks locks;
    /** Transaction parts not yet committed or aborted, by transaction id. */
    private final Map<String, TxPart> parts = new LinkedHashMap<>();

    TxCommit(String spaceName, int partitionId, Ticker ticker, EntryStore store, LeaseExpiry expiry, WaiterDispatch waiters,
             TxLocks locks) {
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.ticker = ticker;
        this.store = store;
        this.expiry = expiry;
        this.waiters = waiters;
        this.locks = locks;
    }

    /** Opens transaction {@code txId}'s part (one per transaction and partition). */
    TxPart begin(String txId, TxContext owner) {
        TxPart p = new TxPart(txId, owner, partitionId);
        TxPart old = parts.putIfAbsent(txId, p);
        if (old != null) {
            throw new IllegalStateException("transaction " + txId + " already has a part in partition " + partitionId);
        }
        return p;
    }

    /** The parts not yet committed or aborted. */
    List<TxPart> open() {
        return new ArrayList<>(parts.values());
    }

    /** Forgets every part (the partition closes); returns them. */
    List<TxPart> drain() {
        List<TxPart> open = new ArrayList<>(parts.values());
        parts.clear();
        return open;
    }

    /** Freezes an active part as PREPARED; returns its changes. */
    List<Change> prepare(TxPart part, PartitionEngine.PartHook hook) {
        freeze(part, hook);
        part.state(TxPart.State.PREPARED);
        return part.preparedChanges();
    }

    /** Applies a prepared part (or an active one without changes); returns false if it was already committed. */
    boolean commit(TxPart part, MutationScope scope, AfterUnlock after) {
        TxPart.State st = part.state();
        if (st == TxPart.State.COMMITTED) {
            return false;
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
        scope.ensureOpen();
        apply(part, after);
        return true;
    }

    /** Freezes and applies an active part in one step; returns its changes. */
    List<Change> commitOnePhase(TxPart part, PartitionEngine.PartHook hook, AfterUnlock after) {
        freeze(part, hook);
        List<Change> changes = part.preparedChanges();
        apply(part, after);
        return changes;
    }

    /** Discards the part; returns false if it was already aborted. */
    boolean abort(TxPart part, Runnable underLock, boolean closed, AfterUnlock after) {
        TxPart.State st = part.state();
        if (st == TxPart.State.COMMITTED) {
            throw new IllegalStateException(part + " is committed");
        }
        if (st == TxPart.State.ABORTED) {
            return false;
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
        List<SpaceEntry> freed = locks.unlockAll(part, store.stores);
        if (!closed) {
            long now = ticker.millis();
            for (SpaceEntry e : freed) {
                TypeStore typeStore = store.store(e.type().root().name());
                SpaceEntry live = expiry.liveOrExpire(typeStore, typeStore.get(e.id()), now, after);
                if (live != null) {
                    waiters.serve(typeStore, live, after);
                }
            }
        }
        return true;
    }

    /**
     * Validates the part and turns its slots into numbered changes (one per entry: the entry's final
     * state), in the transaction's order; hands them to {@code hook}; records them in the part.
     */
    private void freeze(TxPart part, PartitionEngine.PartHook hook) {
        List<Map.Entry<TxPart.Key, TxPart.Slot>> slots = inOrder(part);
        List<Change> changes = new ArrayList<>(slots.size());
        long[] order = new long[slots.size()];
        boolean number = store.sink().isActive();
        long seq = store.sequence();
        for (Map.Entry<TxPart.Key, TxPart.Slot> en : slots) {
            TxPart.Slot s = en.getValue();
            TypeStore typeStore = store.store(en.getKey().root());
            SpaceEntry committed = typeStore == null ? null : typeStore.get(en.getKey().id());
            if (committed != s.original()) {
                throw new TransactionException("transaction " + part.txId() + ": entry of " + en.getKey().root() + " with id="
                        + en.getKey().id() + " changed in partition " + partitionId + " while the transaction held it locked");
            }
            if (s.changes() == 0 || s.original() == null && s.current() == null) {
                continue;
            }
            order[changes.size()] = s.order();
            changes.add(changeOf(s, number ? ++seq : 0L));
        }
        long[] trimmed = Arrays.copyOf(order, changes.size());
        if (hook != null && !changes.isEmpty()) {
            hook.persist(changes, trimmed);
        }
        if (number) {
            store.sequence(seq);
        }
        part.prepared(List.copyOf(changes), trimmed);
    }

    /** The change a slot with changes makes: its entry's final state. */
    private Change changeOf(TxPart.Slot s, long seq) {
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
        return new Change(type, e, ops, partitionId, seq);
    }

    /** Applies a frozen part to the stores, releases its locks, serves waiters. */
    private void apply(TxPart part, AfterUnlock after) {
        List<Map.Entry<TxPart.Key, TxPart.Slot>> slots = inOrder(part);
        locks.unlockAll(part, store.stores);
        List<SpaceEntry> serve = new ArrayList<>(slots.size());
        for (Map.Entry<TxPart.Key, TxPart.Slot> en : slots) {
            TxPart.Slot s = en.getValue();
            TypeStore typeStore = store.store(en.getKey().root());
            SpaceEntry committed = typeStore == null ? null : typeStore.get(en.getKey().id());
            if (s.changes() == 0) {
                if (committed != null) {
                    serve.add(committed);
                }
            } else if (s.current() == null) {
                if (committed != null) {
                    store.remove(typeStore, committed, SpaceEventType.TAKE);
                }
            } else {
                SpaceEntry e = s.current();
                store.replace(typeStore, committed, e);
                store.publish(committed == null ? SpaceEventType.WRITE : SpaceEventType.UPDATE, e);
                serve.add(e);
            }
        }
        part.state(TxPart.State.COMMITTED);
        parts.remove(part.txId());
        long now = ticker.millis();
        for (SpaceEntry e : serve) {
            TypeStore typeStore = store.store(e.type().root().name());
            if (typeStore.isCurrent(e) && expiry.liveOrExpire(typeStore, e, now, after) != null) {
                waiters.serve(typeStore, e, after);
            }
        }
        store.evictOverflow();
    }

    private static List<Map.Entry<TxPart.Key, TxPart.Slot>> inOrder(TxPart part) {
        List<Map.Entry<TxPart.Key, TxPart.Slot>> slots = new ArrayList<>(part.entries());
        slots.sort((a, b) -> Long.compare(a.getValue().order(), b.getValue().order()));
        return slots;
    }
}

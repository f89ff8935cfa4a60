package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.persistence.DataSyncOperationType;

import java.util.List;

/**
 * A transaction part's view as an {@link EntryView}: the part's own entries (what it wrote, changed
 * or took) over the committed entries it did not touch. A change is recorded in the part and locks
 * the entry, so the stores — and everyone else's reads — keep the committed state until the commit
 * applies it; entries other transactions hold fail an update and are skipped by a take. Also the
 * exclusive reads, which only lock. Under the write lock.
 */
final class TxOverlay implements EntryView {
    private final TxPart part;
    private final EntryStore store;
    private final LeaseExpiry expiry;
    private final TxLocks locks;
    private final QueryReads reads;

    /** {@code part}'s overlay on the committed state {@code committed}. */
    TxOverlay(TxPart part, CommittedView committed) {
        this.part = part;
        this.store = committed.store;
        this.expiry = committed.expiry;
        this.locks = committed.locks;
        this.reads = committed.reads;
    }

    @Override
    public TxPart part() {
        return part;
    }

    @Override
    public SpaceEntry lookup(TypeStore typeStore, TypeDescriptor type, Object id, long now, AfterUnlock after) {
        TxPart.Slot s = part.slot(typeStore.rootName, id);
        if (s != null) {
            return own(s, now);
        }
        locks.checkUnlocked(part, typeStore, type, id);
        return expiry.liveOrExpire(typeStore, typeStore.get(id), now, after);
    }

    @Override
    public SpaceEntry lookupOrBlock(TypeStore typeStore, Object id, long now, List<TxPart> blocked, AfterUnlock after) {
        TxPart.Slot s = part.slot(typeStore.rootName, id);
        if (s != null) {
            return own(s, now);
        }
        TxPart holder = locks.holder(typeStore, id);
        if (holder != null) {
            TxLocks.addBlocker(blocked, holder);
            return null;
        }
        return expiry.liveOrExpire(typeStore, typeStore.get(id), now, after);
    }

    private static SpaceEntry own(TxPart.Slot s, long now) {
        SpaceEntry e = s.current();
        return e != null && e.isExpiredAt(now) ? null : e;
    }

    @Override
    public void put(TypeStore typeStore, Object id, SpaceEntry before, SpaceEntry e, AfterUnlock after) {
        locks.record(part, typeStore, id, before, e, before == null ? DataSyncOperationType.WRITE : DataSyncOperationType.UPDATE,
                List.of());
    }

    @Override
    public void take(TypeStore typeStore, SpaceEntry e, AfterUnlock after) {
        locks.take(part, typeStore, e);
    }

    @Override
    public void takeAll(CompiledQuery q, List<SpaceEntry> found, AfterUnlock after) {
        for (SpaceEntry e : found) {
            locks.take(part, store.storeFor(e.type()), e);
        }
    }

    @Override
    public List<SpaceEntry> changeable(CompiledQuery q, long now) {
        return reads.unlockedMatches(part, q, Integer.MAX_VALUE, null, true, now);
    }

    @Override
    public void changeAll(List<SpaceEntry> olds, List<SpaceEntry> news, DataSyncOperationType kind,
                          List<ChangeSet.Operation> ops, AfterUnlock after) {
        for (int i = 0; i < olds.size(); i++) {
            SpaceEntry old = olds.get(i);
            locks.record(part, store.storeFor(old.type()), old.id(), old, news.get(i), kind, ops);
        }
    }

    /**
     * The entry with {@code id} as the part sees it, locked for it (an exclusive read), or null.
     *
     * @throws EntryLockedException if another transaction holds it
     */
    SpaceEntry readExclusive(TypeDescriptor type, Object id, long now, AfterUnlock after) {
        String root = type.root().name();
        TxPart.Slot s = part.slot(root, id);
        if (s != null) {
            return QueryReads.ownView(s, type, now);
        }
        TypeStore typeStore = store.store(root);
        if (typeStore == null) {
            return null;
        }
        locks.checkUnlocked(part, typeStore, type, id);
        SpaceEntry e = expiry.liveOrExpire(typeStore, typeStore.get(id), now, after);
        if (e == null || !e.type().isSubtypeOf(type)) {
            return null;
        }
        locks.lockRead(part, typeStore, e);
        return e;
    }

    /** Locks (takes, with {@code take}) and returns up to {@code max} matches the part sees, skipping others' entries. */
    List<SpaceEntry> lockMatching(CompiledQuery q, int max, boolean take, List<TxPart> blocked, long now) {
        List<SpaceEntry> found = reads.visibleLocked(part, q, max, true, blocked, now);
        for (SpaceEntry e : found) {
            lockOne(store.storeFor(e.type()), e, take);
        }
        return found;
    }

    /** Locks (takes, with {@code take}) {@code e} if the part still sees it and no one else holds it; returns whether it did. */
    boolean lockExact(SpaceEntry e, boolean take, long now) {
        String root = e.type().root().name();
        TypeStore typeStore = store.store(root);
        if (typeStore == null || e.isExpiredAt(now)) {
            return false;
        }
        TxPart.Slot s = part.slot(root, e.id());
        boolean visible = s != null ? s.current() == e : typeStore.isCurrent(e) && locks.holder(typeStore, e.id()) == null;
        if (visible) {
            lockOne(typeStore, e, take);
        }
        return visible;
    }

    private void lockOne(TypeStore typeStore, SpaceEntry e, boolean take) {
        if (take) {
            locks.take(part, typeStore, e);
        } else {
            locks.lockRead(part, typeStore, e);
        }
    }
}

package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.SpaceEventType;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.persistence.DataSyncOperationType;

import java.util.ArrayList;
import java.util.List;

/**
 * The committed state as an {@link EntryView}: entries other transactions hold are off limits, and
 * every change is persisted through the change sink before memory changes, then applied,
 * published and offered to the waiters it matches, with the LRU bound restored. Under the write
 * lock.
 */
final class CommittedView implements EntryView {
    final EntryStore store;
    final LeaseExpiry expiry;
    final TxLocks locks;
    final QueryReads reads;
    private final WaiterDispatch waiters;

    CommittedView(EntryStore store, LeaseExpiry expiry, WaiterDispatch waiters, TxLocks locks, QueryReads reads) {
        this.store = store;
        this.expiry = expiry;
        this.waiters = waiters;
        this.locks = locks;
        this.reads = reads;
    }

    @Override
    public TxPart part() {
        return null;
    }

    @Override
    public SpaceEntry lookup(TypeStore typeStore, TypeDescriptor type, Object id, long now, AfterUnlock after) {
        locks.checkUnlocked(null, typeStore, type, id);
        return expiry.liveOrExpire(typeStore, typeStore.get(id), now, after);
    }

    @Override
    public SpaceEntry lookupOrBlock(TypeStore typeStore, Object id, long now, List<TxPart> blocked, AfterUnlock after) {
        TxPart holder = locks.holder(typeStore, id);
        if (holder != null) {
            TxLocks.addBlocker(blocked, holder);
            return null;
        }
        return expiry.liveOrExpire(typeStore, typeStore.get(id), now, after);
    }

    @Override
    public void put(TypeStore typeStore, Object id, SpaceEntry before, SpaceEntry e, AfterUnlock after) {
        store.persist(after, List.of(store.change(before == null ? DataSyncOperationType.WRITE : DataSyncOperationType.UPDATE,
                e, List.of())));
        applyPut(typeStore, before, e, after);
        store.evictOverflow();
    }

    /** Applies a persisted put: replaced, published, waiters served (the LRU bound is the caller's). */
    void applyPut(TypeStore typeStore, SpaceEntry before, SpaceEntry e, AfterUnlock after) {
        store.replace(typeStore, before, e);
        store.publish(before == null ? SpaceEventType.WRITE : SpaceEventType.UPDATE, e);
        waiters.serve(typeStore, e, after);
    }

    @Override
    public void take(TypeStore typeStore, SpaceEntry e, AfterUnlock after) {
        store.persistRemove(after, e);
        store.remove(typeStore, e, SpaceEventType.TAKE);
    }

    @Override
    public void takeAll(CompiledQuery q, List<SpaceEntry> found, AfterUnlock after) {
        if (found.isEmpty()) {
            return;
        }
        List<Change> batch = new ArrayList<>(found.size());
        for (SpaceEntry e : found) {
            batch.add(store.change(DataSyncOperationType.REMOVE, e, List.of()));
        }
        store.persist(after, batch);
        TypeStore typeStore = store.store(q.type().root().name());
        for (SpaceEntry e : found) {
            store.remove(typeStore, e, SpaceEventType.TAKE);
        }
    }

    @Override
    public List<SpaceEntry> changeable(CompiledQuery q, long now) {
        List<SpaceEntry> found = reads.allLocked(q, now);
        if (locks.any()) {
            TypeStore typeStore = store.store(q.type().root().name());
            for (SpaceEntry e : found) {
                locks.checkUnlocked(null, typeStore, e.type(), e.id());
            }
        }
        return found;
    }

    @Override
    public void changeAll(List<SpaceEntry> olds, List<SpaceEntry> news, DataSyncOperationType kind,
                          List<ChangeSet.Operation> ops, AfterUnlock after) {
        if (news.isEmpty()) {
            return;
        }
        List<Change> batch = new ArrayList<>(news.size());
        for (SpaceEntry e : news) {
            batch.add(store.change(kind, e, ops));
        }
        store.persist(after, batch);
        TypeStore typeStore = store.store(news.get(0).type().root().name());
        for (int i = 0; i < news.size(); i++) {
            store.replace(typeStore, olds.get(i), news.get(i));
            store.publish(SpaceEventType.UPDATE, news.get(i));
        }
        for (SpaceEntry e : news) {
            if (typeStore.isCurrent(e)) {
                waiters.serve(typeStore, e, after);
            }
        }
    }
}

package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.persistence.DataSyncOperationType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The entry locks transactions hold in a partition, and the slots that record what a transaction
 * part did to the entries it holds. An entry a part touches is locked for it ({@link TypeStore}
 * keeps the owner by id); this room counts the locks so that, with none held, no lock check costs
 * anything. Under the partition's write lock.
 */
final class TxLocks {
    /** Entries locked by transactions (0: no lock checks at all). */
    private int lockedEntries;

    /** Number of entries locked by transactions. */
    int count() {
        return lockedEntries;
    }

    /** Whether any entry is locked. */
    boolean any() {
        return lockedEntries != 0;
    }

    /** The part holding the id locked in {@code store} (null if none, or no store). */
    TxPart holder(TypeStore store, Object id) {
        return store == null || lockedEntries == 0 ? null : store.lockOwner(id);
    }

    /** Throws {@link EntryLockedException} if a transaction other than {@code self} holds the id. */
    void checkUnlocked(TxPart self, TypeStore store, TypeDescriptor type, Object id) {
        if (lockedEntries == 0) {
            return;
        }
        TxPart holder = store.lockOwner(id);
        if (holder != null && holder != self) {
            throw new EntryLockedException(holder, type.name(), id);
        }
    }

    /** Records in {@code part} that it changed the entry with {@code id} from {@code before} to {@code e}; locks it. */
    void record(TxPart part, TypeStore store, Object id, SpaceEntry before, SpaceEntry e, DataSyncOperationType kind,
                List<ChangeSet.Operation> ops) {
        TxPart.Slot s = part.slot(store.rootName, id);
        part.put(store.rootName, id, new TxPart.Slot(s == null ? before : s.original(), e, null, s == null ? 1 : s.changes() + 1,
                kind, ops, part.owner().nextOrder()));
        if (s == null) {
            lock(part, store, id);
        }
    }

    /** Takes {@code e} (as {@code part} sees it) for {@code part}: its view becomes "absent", the entry is locked. */
    void take(TxPart part, TypeStore store, SpaceEntry e) {
        Object id = e.id();
        TxPart.Slot s = part.slot(store.rootName, id);
        part.put(store.rootName, id, new TxPart.Slot(s == null ? e : s.original(), null, e, s == null ? 1 : s.changes() + 1,
                DataSyncOperationType.REMOVE, List.of(), part.owner().nextOrder()));
        if (s == null) {
            lock(part, store, id);
        }
    }

    /** Locks the committed entry {@code e} for {@code part} without changing it (an exclusive read). */
    void lockRead(TxPart part, TypeStore store, SpaceEntry e) {
        if (part.slot(store.rootName, e.id()) != null) {
            return;
        }
        part.put(store.rootName, e.id(), new TxPart.Slot(e, e, null, 0, null, List.of(), 0L));
        lock(part, store, e.id());
    }

    /** Releases every lock of {@code part}; returns the committed entries it held (for serving waiters). */
    List<SpaceEntry> unlockAll(TxPart part, Map<String, TypeStore> stores) {
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

    /** Adds {@code holder} to {@code blocked} (if given) unless it is there. */
    static void addBlocker(List<TxPart> blocked, TxPart holder) {
        if (blocked != null && !blocked.contains(holder)) {
            blocked.add(holder);
        }
    }

    private void lock(TxPart part, TypeStore store, Object id) {
        if (store.lock(id, part)) {
            lockedEntries++;
        }
    }
}

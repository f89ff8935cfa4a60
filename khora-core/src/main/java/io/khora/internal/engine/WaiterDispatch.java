package io.khora.internal.engine;

import io.khora.SpaceClosedException;
import io.khora.SpaceEventType;
import io.khora.Ticker;

import java.util.List;

/**
 * Waiters of a partition: a blocking read or take that found nothing registers here and is served
 * by the write that brings a match — atomically with that write, so no wake-up is lost. Read
 * waiters matching an entry are all woken, the entry goes to the first matching take waiter; a
 * waiter of a transaction locks (or takes) the entry for its part, and entries other transactions
 * hold are left to them. Completions are queued in the {@link AfterUnlock}. Under the write lock.
 */
final class WaiterDispatch {
    private final WaiterRegistry waiters = new WaiterRegistry();
    private final String spaceName;
    private final int partitionId;
    private final Ticker ticker;
    private final EntryStore store;
    private final QueryReads reads;
    private final TxLocks locks;

    WaiterDispatch(String spaceName, int partitionId, Ticker ticker, EntryStore store, QueryReads reads, TxLocks locks) {
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.ticker = ticker;
        this.store = store;
        this.reads = reads;
        this.locks = locks;
    }

    /** Serves {@code w} from the entries present, or registers it; returns whether it is done. */
    boolean serveOrRegister(Waiter w, boolean closed, AfterUnlock after) {
        if (closed) {
            if (w.tryClaim()) {
                after.fail(w, new SpaceClosedException(spaceName));
            }
            return true;
        }
        if (w.isClaimed() || w.tx() != null && failIfEnded(w, after)) {
            return true;
        }
        SpaceEntry match = findFor(w);
        if (match == null) {
            waiters.add(w.query().type().root().name(), w);
            return false;
        }
        if (w.tryClaim()) {
            TypeStore typeStore = store.store(match.type().root().name());
            if (w.locks()) {
                serveLocking(w, w.tx().partIn(partitionId), typeStore, match, after);
            } else if (w.isTake()) {
                takeFor(w, typeStore, match, after);
            } else {
                after.deliver(w, match);
            }
        }
        return true;
    }

    void remove(Waiter w) {
        waiters.remove(w.query().type().root().name(), w);
    }

    int size() {
        return waiters.size();
    }

    /** Removes and returns every waiter (the partition closes). */
    List<Waiter> drain() {
        return waiters.drain();
    }

    /** Wakes the read waiters {@code e} matches and hands it to the first matching take waiter. */
    void serve(TypeStore typeStore, SpaceEntry e, AfterUnlock after) {
        // kept tiny so every write inlines it: the common case is "nobody waits"
        if (waiters.size() != 0) {
            serveMatching(typeStore, e, after);
        }
    }

    /** Fails (if it can claim it) a waiter whose transaction has ended here; returns whether it had. */
    private boolean failIfEnded(Waiter w, AfterUnlock after) {
        TxPart part = w.tx().partIn(partitionId);
        if (part != null && part.state() == TxPart.State.ACTIVE) {
            return false;
        }
        if (w.tryClaim()) {
            after.fail(w, notActive(part));
        }
        return true;
    }

    private RuntimeException notActive(TxPart part) {
        return part == null ? new IllegalStateException("no transaction part in partition " + partitionId) : part.ended(part.state());
    }

    private SpaceEntry findFor(Waiter w) {
        if (w.tx() == null && (!w.isTake() || !locks.any())) {
            if (w.id() != null) {
                SpaceEntry e = reads.readById(w.query().type(), w.id());
                return e != null && w.matches(e) ? e : null;
            }
            return reads.firstLocked(w.query());
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
                TxPart holder = locks.holder(store.store(root), w.id());
                e = skipLocked && holder != null && holder != part ? null : reads.readById(w.query().type(), w.id());
            }
            return e != null && w.matches(e) ? e : null;
        }
        List<SpaceEntry> found = reads.visibleLocked(part, w.query(), 1, skipLocked, null, ticker.millis());
        return found.isEmpty() ? null : found.get(0);
    }

    private void serveMatching(TypeStore typeStore, SpaceEntry e, AfterUnlock after) {
        List<Waiter> matching = waiters.matching(typeStore.rootName, e);
        if (matching.isEmpty()) {
            return;
        }
        TxPart holder = locks.holder(typeStore, e.id());
        for (Waiter w : matching) {
            if (w.isTake()) {
                continue;
            }
            if (w.locks()) {
                holder = serveExclusiveReader(w, holder, typeStore, e, after);
            } else if (w.tryClaim()) {
                waiters.remove(typeStore.rootName, w);
                after.deliver(w, e);
            }
        }
        for (Waiter w : matching) {
            if (w.isTake() && serveTaker(w, holder, typeStore, e, after)) {
                break;
            }
        }
    }

    /**
     * An exclusive read in a transaction locks the entry, so at most one gets it: serves {@code w}
     * unless another transaction holds it; returns the holder afterwards.
     */
    private TxPart serveExclusiveReader(Waiter w, TxPart holder, TypeStore typeStore, SpaceEntry e, AfterUnlock after) {
        TxPart part = w.tx().partIn(partitionId);
        if ((holder == null || holder == part) && w.tryClaim()) {
            waiters.remove(typeStore.rootName, w);
            serveLocking(w, part, typeStore, e, after);
            return locks.holder(typeStore, e.id());
        }
        return holder;
    }

    /** Gives {@code e} to the take waiter {@code w} unless another transaction holds it; returns whether it did. */
    private boolean serveTaker(Waiter w, TxPart holder, TypeStore typeStore, SpaceEntry e, AfterUnlock after) {
        TxPart part = w.tx() == null ? null : w.tx().partIn(partitionId);
        if (holder != null && holder != part || !w.tryClaim()) {
            return false; // another transaction holds it, or someone else claimed the waiter
        }
        waiters.remove(typeStore.rootName, w);
        if (w.tx() != null) {
            serveLocking(w, part, typeStore, e, after);
        } else {
            takeFor(w, typeStore, e, after);
        }
        return true;
    }

    /** Serves a claimed waiter of a transaction: locks {@code e} for it (taking it, for a take) and delivers. */
    private void serveLocking(Waiter w, TxPart part, TypeStore typeStore, SpaceEntry e, AfterUnlock after) {
        if (part == null || part.state() != TxPart.State.ACTIVE) {
            after.fail(w, notActive(part));
            return;
        }
        if (w.isTake()) {
            locks.take(part, typeStore, e);
        } else {
            locks.lockRead(part, typeStore, e);
        }
        after.deliver(w, e);
    }

    /** Takes {@code e} for the claimed take waiter {@code w}; if persisting fails, {@code w} fails and {@code e} stays. */
    private void takeFor(Waiter w, TypeStore typeStore, SpaceEntry e, AfterUnlock after) {
        try {
            store.persistRemove(after, e);
        } catch (RuntimeException ex) {
            after.fail(w, ex);
            return;
        }
        store.remove(typeStore, e, SpaceEventType.TAKE);
        after.deliver(w, e);
    }
}

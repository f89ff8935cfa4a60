package io.khora.internal.engine;

import io.khora.Ticker;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.internal.query.Plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.StampedLock;

/**
 * Query reads of a partition, as the committed state or a transaction part sees it (the part's own
 * entries over the committed ones it did not touch). Reads by id and full scans take no lock
 * (entries are immutable and replaced atomically in a concurrent map); a read planned on an index
 * walks it under an optimistic read stamp and, if a write intervened, again under the read lock.
 * The {@code ...Locked} methods are for callers holding the write lock; they can leave out entries
 * other transactions hold. Reads are recorded with the LRU policy.
 */
final class QueryReads {
    private final Map<String, TypeStore> stores;
    private final StampedLock lock;
    private final Ticker ticker;
    private final LruPolicy lru;
    private final TxLocks locks;

    QueryReads(Map<String, TypeStore> stores, StampedLock lock, Ticker ticker, LruPolicy lru, TxLocks locks) {
        this.stores = stores;
        this.lock = lock;
        this.ticker = ticker;
        this.lru = lru;
        this.locks = locks;
    }

    /** The live committed entry of {@code type} (or a subtype) with {@code id}, or null. Lock-free. */
    SpaceEntry readById(TypeDescriptor type, Object id) {
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

    /** The entry with {@code id} as {@code part} (null: none) sees it: its own change if it made one. Lock-free. */
    SpaceEntry readById(TxPart part, TypeDescriptor type, Object id) {
        TxPart.Slot s = part == null ? null : part.slot(type.root().name(), id);
        if (s == null) {
            return readById(type, id);
        }
        return ownView(s, type, ticker.millis());
    }

    /** {@code s}'s current entry if it is live and of {@code type} (or a subtype). */
    static SpaceEntry ownView(TxPart.Slot s, TypeDescriptor type, long now) {
        SpaceEntry e = s.current();
        return e != null && e.type().isSubtypeOf(type) && !e.isExpiredAt(now) ? e : null;
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

    /**
     * Adds up to {@code max} live matches of {@code q} as {@code part} (null: none) sees them — the
     * first {@code max} in ORDER BY order if any. Lock-free.
     */
    void readMultiple(TxPart part, CompiledQuery q, int max, List<SpaceEntry> out) {
        if (max <= 0) {
            return;
        }
        String root = q.type().root().name();
        boolean ordered = q.ordering() != null;
        int cap = ordered ? Integer.MAX_VALUE : max;
        List<SpaceEntry> found;
        if (part == null || !part.touches(root)) {
            found = collect(q, cap);
        } else {
            found = new ArrayList<>();
            for (SpaceEntry e : collect(q, Integer.MAX_VALUE)) {
                if (found.size() >= cap) {
                    break;
                }
                if (part.slot(root, e.id()) == null) {
                    found.add(e);
                }
            }
            addOwn(part, q, cap, found, ticker.millis());
        }
        if (ordered) {
            sortAndTrim(q, found, max);
        }
        if (lru != null) {
            found.forEach(this::recordRead);
        }
        out.addAll(found);
    }

    /** The number of live matches of {@code q} as {@code part} (null: none) sees them. Lock-free. */
    int count(TxPart part, CompiledQuery q) {
        if (part != null && part.touches(q.type().root().name())) {
            List<SpaceEntry> all = new ArrayList<>();
            readMultiple(part, q, Integer.MAX_VALUE, all);
            return all.size();
        }
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
            return collectLocked(q, limit);
        }
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0L) {
            List<SpaceEntry> found = collectLocked(q, limit);
            if (lock.validate(stamp)) {
                return found;
            }
        }
        stamp = lock.readLock();
        try {
            return collectLocked(q, limit);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Up to {@code limit} live matches; the caller provides consistency (a lock or a stamp). */
    private List<SpaceEntry> collectLocked(CompiledQuery q, int limit) {
        List<SpaceEntry> found = new ArrayList<>(Math.min(limit, 16));
        PlanWalker.visit(stores, q, ticker.millis(), e -> {
            found.add(e);
            return found.size() < limit;
        });
        return found;
    }

    /** The first live committed match under the write lock (ORDER BY honoured), or null. */
    SpaceEntry firstLocked(CompiledQuery q) {
        List<SpaceEntry> found = collectLocked(q, q.ordering() == null ? 1 : Integer.MAX_VALUE);
        if (found.isEmpty()) {
            return null;
        }
        if (q.ordering() != null) {
            sortAndTrim(q, found, 1);
        }
        return found.get(0);
    }

    /** Every live committed match of {@code q}, in walk order. Under the write lock. */
    List<SpaceEntry> allLocked(CompiledQuery q, long now) {
        List<SpaceEntry> found = new ArrayList<>();
        PlanWalker.visit(stores, q, now, e -> {
            found.add(e);
            return true;
        });
        return found;
    }

    /**
     * Up to {@code limit} matches of {@code q} as {@code part} sees them (null: committed only), ORDER
     * BY honoured: committed entries the part did not touch, plus the part's current entries. With
     * {@code skipLocked}, entries other transactions hold are left out and their holders added to
     * {@code blocked} (if given). Under the write lock.
     */
    List<SpaceEntry> visibleLocked(TxPart part, CompiledQuery q, int limit, boolean skipLocked, List<TxPart> blocked, long now) {
        String root = q.type().root().name();
        boolean overlay = part != null && part.touches(root);
        boolean checkLocks = skipLocked && locks.any();
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
                        TxLocks.addBlocker(blocked, holder);
                        return true;
                    }
                }
                found.add(e);
                return found.size() < cap;
            });
        }
        if (overlay) {
            addOwn(part, q, cap, found, now);
        }
        if (ordered) {
            sortAndTrim(q, found, limit);
        }
        return found;
    }

    /**
     * {@link #visibleLocked} leaving out those other transactions hold — or, with {@code failOnLocked},
     * failing with {@link EntryLockedException} if there is one. Under the write lock.
     */
    List<SpaceEntry> unlockedMatches(TxPart part, CompiledQuery q, int max, List<TxPart> blocked, boolean failOnLocked, long now) {
        List<TxPart> holders = failOnLocked ? new ArrayList<>(1) : blocked;
        List<SpaceEntry> found = visibleLocked(part, q, max, true, holders, now);
        if (failOnLocked && !holders.isEmpty()) {
            throw new EntryLockedException(holders.get(0), "a match of " + q.text() + " in " + q.type().name());
        }
        return found;
    }

    /** Adds the part's own current entries matching {@code q} while fewer than {@code cap} are found. */
    private static void addOwn(TxPart part, CompiledQuery q, int cap, List<SpaceEntry> found, long now) {
        for (TxPart.Slot s : part.slotsOf(q.type().root().name())) {
            SpaceEntry c = s.current();
            if (found.size() < cap && c != null && PlanWalker.matches(q, c, now)) {
                found.add(c);
            }
        }
    }

    static void sortAndTrim(CompiledQuery q, List<SpaceEntry> list, int max) {
        list.sort((a, b) -> q.ordering().compare(a.values(), b.values()));
        if (list.size() > max) {
            list.subList(max, list.size()).clear();
        }
    }
}

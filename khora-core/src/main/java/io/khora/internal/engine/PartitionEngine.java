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
import io.khora.annotation.SpaceIndexType;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.internal.query.Plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final int partitionId;
    private final String spaceName;
    private final Ticker ticker;
    private final EventSink events;
    private final StampedLock lock = new StampedLock();
    private final ConcurrentHashMap<String, TypeStore> stores = new ConcurrentHashMap<>();
    private final WaiterRegistry waiters = new WaiterRegistry();
    private final ExpiryIndex expiries = new ExpiryIndex();
    private volatile boolean closed;

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
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.ticker = ticker;
        this.events = events;
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
        return e;
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
            visitUnlocked(q, ticker.millis(), e -> {
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
        visitUnlocked(q, ticker.millis(), e -> {
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
     * @throws EntryAlreadyExistsException, EntryNotFoundException, EntryVersionConflictException per {@code mode}
     */
    public WriteResult write(TypeDescriptor type, Object[] values, Lease lease, WriteMode mode) {
        Deliveries out = new Deliveries();
        WriteResult result;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            long now = ticker.millis();
            TypeStore store = storeFor(type);
            Object id = values[type.idIndex()];
            SpaceEntry old = liveOrExpire(store, store.get(id), now);
            if (old != null && mode == WriteMode.WRITE_ONLY) {
                throw new EntryAlreadyExistsException(type.name(), id);
            }
            if (old == null && mode == WriteMode.UPDATE_ONLY) {
                throw new EntryNotFoundException(type.name(), id, "UPDATE_ONLY write");
            }
            long version = nextVersion(type, values, old);
            SpaceEntry e = new SpaceEntry(type, values, version, lease.expiryFrom(now));
            replace(store, old, e);
            publish(old == null ? SpaceEventType.WRITE : SpaceEventType.UPDATE, e);
            serveWaiters(store, e, out);
            result = new WriteResult(e, old == null);
        } finally {
            lock.unlockWrite(stamp);
        }
        out.run();
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

    /** Removes and returns the live entry of {@code type} with {@code id}, or null. */
    public SpaceEntry takeById(TypeDescriptor type, Object id) {
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            TypeStore store = stores.get(type.root().name());
            if (store == null) {
                return null;
            }
            SpaceEntry e = liveOrExpire(store, store.get(id), ticker.millis());
            if (e == null || !e.type().isSubtypeOf(type)) {
                return null;
            }
            removeEntry(store, e, SpaceEventType.TAKE);
            return e;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Removes {@code e} if it is still the current, live entry for its id; returns whether it did. */
    public boolean takeExact(SpaceEntry e) {
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            TypeStore store = stores.get(e.type().root().name());
            if (store == null || !store.isCurrent(e) || e.isExpiredAt(ticker.millis())) {
                return false;
            }
            removeEntry(store, e, SpaceEventType.TAKE);
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Removes and returns up to {@code max} live matches (the first in ORDER BY order if any). */
    public List<SpaceEntry> takeMultiple(CompiledQuery q, int max) {
        if (max <= 0) {
            return List.of();
        }
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            List<SpaceEntry> found = new ArrayList<>();
            boolean ordered = q.ordering() != null;
            visitUnlocked(q, ticker.millis(), e -> {
                found.add(e);
                return ordered || found.size() < max;
            });
            if (ordered) {
                sortAndTrim(q, found, max);
            }
            TypeStore store = stores.get(q.type().root().name());
            for (SpaceEntry e : found) {
                removeEntry(store, e, SpaceEventType.TAKE);
            }
            return found;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Removes every live match, publishing TAKE events; returns how many. */
    public int clear(CompiledQuery q) {
        return takeMultiple(q, Integer.MAX_VALUE).size();
    }

    /** Applies {@code changes} to every live match; returns how many changed. */
    public int change(CompiledQuery q, ChangeSet changes) {
        ChangeApplier.validate(q.type(), changes);
        Deliveries out = new Deliveries();
        int n;
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            long now = ticker.millis();
            List<SpaceEntry> found = new ArrayList<>();
            visitUnlocked(q, now, e -> {
                found.add(e);
                return true;
            });
            TypeStore store = stores.get(q.type().root().name());
            List<SpaceEntry> changed = new ArrayList<>(found.size());
            for (SpaceEntry old : found) {
                Object[] values = ChangeApplier.apply(old, changes);
                long version = old.version() + 1;
                setVersion(old.type(), values, version);
                long expiresAt = changes.lease() == null ? old.expiresAt() : changes.lease().expiryFrom(now);
                SpaceEntry e = new SpaceEntry(old.type(), values, version, expiresAt);
                replace(store, old, e);
                publish(SpaceEventType.UPDATE, e);
                changed.add(e);
            }
            for (SpaceEntry e : changed) {
                if (store.isCurrent(e)) {
                    serveWaiters(store, e, out);
                }
            }
            n = changed.size();
        } finally {
            lock.unlockWrite(stamp);
        }
        out.run();
        return n;
    }

    /**
     * Gives the live entry with {@code id} a new lease from now.
     *
     * @return the new expiry
     * @throws EntryNotFoundException if there is no live entry
     */
    public long renew(TypeDescriptor type, Object id, Lease lease) {
        long stamp = lock.writeLock();
        try {
            ensureOpen();
            long now = ticker.millis();
            TypeStore store = stores.get(type.root().name());
            SpaceEntry e = store == null ? null : liveOrExpire(store, store.get(id), now);
            if (e == null || !e.type().isSubtypeOf(type)) {
                throw new EntryNotFoundException(type.name(), id, "lease renewal");
            }
            SpaceEntry renewed = e.withExpiry(lease.expiryFrom(now));
            replace(store, e, renewed);
            return renewed.expiresAt();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Evicts every entry whose lease has run out (one EXPIRE event each); returns how many. */
    public int sweep() {
        long now = ticker.millis();
        if (expiries.nextExpiry() > now) {
            return 0;
        }
        long stamp = lock.writeLock();
        try {
            int n = 0;
            for (SpaceEntry e : expiries.pollExpired(now)) {
                TypeStore store = stores.get(e.type().root().name());
                if (store != null && store.remove(e)) {
                    publish(SpaceEventType.EXPIRE, e);
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** The earliest lease expiry in this partition, {@link Long#MAX_VALUE} if none. */
    public long nextExpiry() {
        return expiries.nextExpiry();
    }

    // ================================================================ waiting

    /**
     * Serves {@code w} from the entries present, or registers it to be served by a later write.
     * Atomic with respect to writes, so no write can slip between the check and the registration.
     *
     * @return true if the waiter is done (served here or claimed elsewhere), false if it now waits here
     */
    public boolean serveOrRegister(Waiter w) {
        Deliveries out = new Deliveries();
        boolean done;
        long stamp = lock.writeLock();
        try {
            if (closed) {
                if (w.tryClaim()) {
                    out.fail(w, new SpaceClosedException(spaceName));
                }
                done = true;
            } else if (w.isClaimed()) {
                done = true;
            } else {
                SpaceEntry match = findFor(w);
                if (match != null) {
                    if (w.tryClaim()) {
                        if (w.isTake()) {
                            removeEntry(stores.get(match.type().root().name()), match, SpaceEventType.TAKE);
                        }
                        out.add(w, match);
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
        out.run();
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

    // ================================================================ internals (lock held unless noted)

    private void ensureOpen() {
        if (closed) {
            throw new SpaceClosedException(spaceName);
        }
    }

    private TypeStore storeFor(TypeDescriptor type) {
        String root = type.root().name();
        TypeStore s = stores.get(root);
        return s != null ? s : stores.computeIfAbsent(root, TypeStore::new);
    }

    /** {@code e} if live; if expired, evicts it (EXPIRE event) and returns null. */
    private SpaceEntry liveOrExpire(TypeStore store, SpaceEntry e, long now) {
        if (e != null && e.isExpiredAt(now)) {
            removeEntry(store, e, SpaceEventType.EXPIRE);
            return null;
        }
        return e;
    }

    private void replace(TypeStore store, SpaceEntry old, SpaceEntry e) {
        store.put(old, e);
        if (old != null) {
            expiries.remove(old);
        }
        expiries.add(e);
    }

    private void removeEntry(TypeStore store, SpaceEntry e, SpaceEventType why) {
        if (store.remove(e)) {
            expiries.remove(e);
            publish(why, e);
        }
    }

    private void publish(SpaceEventType type, SpaceEntry e) {
        if (events.isActive()) {
            events.publish(type, e);
        }
    }

    /** Wakes the read waiters {@code e} matches and hands it to the first matching take waiter. */
    private void serveWaiters(TypeStore store, SpaceEntry e, Deliveries out) {
        if (waiters.size() == 0) {
            return;
        }
        List<Waiter> matching = waiters.matching(store.rootName, e);
        if (matching.isEmpty()) {
            return;
        }
        Waiter taker = null;
        for (Waiter w : matching) {
            if (!w.isTake() && w.tryClaim()) {
                waiters.remove(store.rootName, w);
                out.add(w, e);
            }
        }
        for (Waiter w : matching) {
            if (w.isTake() && w.tryClaim()) {
                taker = w;
                break;
            }
        }
        if (taker != null) {
            waiters.remove(store.rootName, taker);
            removeEntry(store, e, SpaceEventType.TAKE);
            out.add(taker, e);
        }
    }

    private static void sortAndTrim(CompiledQuery q, List<SpaceEntry> list, int max) {
        list.sort((a, b) -> q.ordering().compare(a.values(), b.values()));
        if (list.size() > max) {
            list.subList(max, list.size()).clear();
        }
    }

    /**
     * Visits live matches of {@code q} until the visitor returns false. Safe without a lock (every
     * structure is concurrent), but only consistent under the lock or a validated stamp.
     */
    private void visitUnlocked(CompiledQuery q, long now, Visitor v) {
        TypeStore store = stores.get(q.type().root().name());
        if (store == null) {
            return;
        }
        TypeDescriptor type = q.type();
        Plan plan = q.plan();
        if (plan instanceof Plan.Scan) {
            for (SpaceEntry e : store.byId.values()) {
                if (accept(q, type, e, now) && !v.visit(e)) {
                    return;
                }
            }
            return;
        }
        Set<SpaceEntry> seen = plan instanceof Plan.Union ? Collections.newSetFromMap(new IdentityHashMap<>()) : null;
        visitPlan(store, q, plan, now, v, seen);
    }

    private boolean visitPlan(TypeStore store, CompiledQuery q, Plan plan, long now, Visitor v, Set<SpaceEntry> seen) {
        TypeDescriptor type = q.type();
        if (plan instanceof Plan.IndexEq eq) {
            if (eq.position() == type.idIndex()) {
                for (Object key : eq.keys()) {
                    SpaceEntry e = store.get(key);
                    if (e != null && (seen == null || seen.add(e)) && accept(q, type, e, now) && !v.visit(e)) {
                        return false;
                    }
                }
                return true;
            }
            PropertyIndex idx = store.index(eq.property(), indexKind(type, eq.position()));
            if (idx == null) {
                return true;
            }
            for (Object key : eq.keys()) {
                for (SpaceEntry e : Bucket.view(idx.map().get(key))) {
                    if (checked(store, q, type, e, now, seen) && !v.visit(e)) {
                        return false;
                    }
                }
            }
            return true;
        }
        if (plan instanceof Plan.IndexRange r) {
            PropertyIndex idx = store.index(r.property(), SpaceIndexType.ORDERED);
            if (!(idx instanceof PropertyIndex.Ordered ordered)) {
                return true;
            }
            boolean[] go = {true};
            ordered.forRange(r.low(), r.lowInclusive(), r.high(), r.highInclusive(), e -> {
                if (go[0] && checked(store, q, type, e, now, seen) && !v.visit(e)) {
                    go[0] = false;
                }
            });
            return go[0];
        }
        if (plan instanceof Plan.Union u) {
            for (Plan part : u.parts()) {
                if (!visitPlan(store, q, part, now, v, seen)) {
                    return false;
                }
            }
            return true;
        }
        for (SpaceEntry e : store.byId.values()) {
            if ((seen == null || seen.add(e)) && accept(q, type, e, now) && !v.visit(e)) {
                return false;
            }
        }
        return true;
    }

    private static SpaceIndexType indexKind(TypeDescriptor type, int position) {
        PropertyDescriptor pd = type.property(position);
        return pd.index() == SpaceIndexType.NONE ? SpaceIndexType.EQUAL : pd.index();
    }

    private static boolean checked(TypeStore store, CompiledQuery q, TypeDescriptor type, SpaceEntry e, long now, Set<SpaceEntry> seen) {
        return store.isCurrent(e) && (seen == null || seen.add(e)) && accept(q, type, e, now);
    }

    private static boolean accept(CompiledQuery q, TypeDescriptor type, SpaceEntry e, long now) {
        return (e.type() == type || e.type().isSubtypeOf(type)) && !e.isExpiredAt(now) && q.matches(e.values());
    }

    @FunctionalInterface
    private interface Visitor {
        boolean visit(SpaceEntry e);
    }

    /** Waiter completions collected under the lock and run after it is released. */
    private static final class Deliveries {
        private List<Object> items;

        void add(Waiter w, SpaceEntry e) {
            if (items == null) {
                items = new ArrayList<>(4);
            }
            items.add(w);
            items.add(e);
        }

        void fail(Waiter w, Throwable t) {
            if (items == null) {
                items = new ArrayList<>(2);
            }
            items.add(w);
            items.add(t);
        }

        void run() {
            if (items == null) {
                return;
            }
            for (int i = 0; i < items.size(); i += 2) {
                Waiter w = (Waiter) items.get(i);
                Object what = items.get(i + 1);
                if (what instanceof Throwable t) {
                    w.fail(t);
                } else {
                    w.deliver((SpaceEntry) what);
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

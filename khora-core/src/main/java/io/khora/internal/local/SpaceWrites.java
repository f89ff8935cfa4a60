package io.khora.internal.local;

import io.khora.Lease;
import io.khora.LeaseHandle;
import io.khora.SpaceException;
import io.khora.SpaceTypeException;
import io.khora.WriteMode;
import io.khora.WriteMultipleException;
import io.khora.internal.engine.EntryLockedException;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.lifecycle.LifeCycle;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.router.LocalRouter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The embedded space's writes outside a transaction: one entry, or many in one engine call (one
 * persistence batch) per partition. A write that meets an entry a transaction holds waits for the
 * lock (up to the space's lock wait) and retries; a write that would move an existing entry to
 * another partition is refused. Arguments are checked by the caller.
 */
final class SpaceWrites {
    private final EntryMapper mapper;
    private final LocalRouter router;
    private final LifeCycle lifeCycle;
    private final LocalLeaseHandle.Context handleContext;
    private final long lockWaitNanos;

    SpaceWrites(EntryMapper mapper, LocalRouter router, LifeCycle lifeCycle, long lockWaitNanos) {
        this.mapper = mapper;
        this.router = router;
        this.lifeCycle = lifeCycle;
        this.lockWaitNanos = lockWaitNanos;
        this.handleContext = new LocalLeaseHandle.Context(lifeCycle, lockWaitNanos);
    }

    /** Writes one entry, waiting for a transaction's lock on it if need be. */
    <T> LeaseHandle<T> write(T entry, Lease lease, WriteMode mode) {
        TypeDescriptor type = mapper.describeEntry(entry);
        Object[] values = mapper.toValues(type, entry);
        PartitionEngine p = router.forEntry(type, values);
        refuseRoutingChange(type, values, p);
        PartitionEngine.WriteResult r;
        try {
            r = p.write(type, values, lease, mode); // the common case: no lock met, nothing allocated to retry
        } catch (EntryLockedException locked) {
            r = lockedRetry(locked, () -> p.write(type, values, lease, mode));
        }
        return finishWrite(entry, type, p, r);
    }

    /** Waits for the lock {@code first} reported (up to the lock wait), then runs {@code op} as {@link #locking} does. */
    private <R> R lockedRetry(EntryLockedException first, Supplier<R> op) {
        long deadline = LockWaits.await(first, 0, lockWaitNanos, null);
        while (true) {
            try {
                return op.get();
            } catch (EntryLockedException locked) {
                deadline = LockWaits.await(locked, deadline, lockWaitNanos, null);
            }
        }
    }

    /** Runs a mutation of one partition, waiting for and retrying after every transaction lock it runs into. */
    <R> R locking(Supplier<R> op) {
        long deadline = 0;
        while (true) {
            try {
                return op.get();
            } catch (EntryLockedException locked) {
                deadline = LockWaits.await(locked, deadline, lockWaitNanos, null);
            }
        }
    }

    /**
     * Ids are unique per type hierarchy, but the partition follows the routing value: an entry
     * written again with another routing value would land beside its old self. Refused, naming
     * both values; take the entry and write it anew to move it. (Checked without locks: two racing
     * first writes of one id with different routing values are not caught.)
     */
    void refuseRoutingChange(TypeDescriptor type, Object[] values, PartitionEngine target) {
        if (type.routingIndex() == type.idIndex() || router.size() == 1) {
            return;
        }
        Object id = values[type.idIndex()];
        for (int i = 0; i < router.size(); i++) {
            PartitionEngine other = router.partition(i);
            if (other != target) {
                SpaceEntry existing = other.readById(type.root(), id);
                if (existing != null) {
                    throw new SpaceTypeException("entry of " + type.name() + " with id=" + id + " exists with routing value "
                            + existing.routing() + "; it cannot be written with routing value " + values[type.routingIndex()]
                            + " (the routing value picks the partition): take it and write it again to move it");
                }
            }
        }
    }

    private <T> LeaseHandle<T> finishWrite(T entry, TypeDescriptor type, PartitionEngine p, PartitionEngine.WriteResult r) {
        int vi = type.versionIndex();
        if (vi >= 0) {
            type.codec().writeBack(entry, vi, r.entry().values()[vi]);
        }
        return leaseHandle(p, r);
    }

    /** The lease handle of a write's result. */
    <T> LeaseHandle<T> leaseHandle(PartitionEngine p, PartitionEngine.WriteResult r) {
        return new LocalLeaseHandle<>(handleContext, p, r.entry(), r.created());
    }

    /** Entry {@code i} of a writeMultiple, mapped and routed. */
    private record Item<T>(int i, T entry, TypeDescriptor type, Object[] values, PartitionEngine part) {
    }

    /**
     * Writes many entries: one engine call (one persistence batch) per partition for the first
     * occurrence of each id; a repeated id is written after it, one by one, in the caller's order.
     * Entries that fail are reported together in a {@link WriteMultipleException} with the handles
     * of those that were written.
     */
    <T> List<LeaseHandle<T>> writeMultiple(Collection<? extends T> entries, Lease lease, WriteMode mode) {
        List<Item<T>> items = new ArrayList<>(entries.size());
        for (T entry : entries) {
            int i = items.size();
            if (entry == null) {
                throw new NullPointerException("entry " + i + " of writeMultiple is null");
            }
            TypeDescriptor type = mapper.describeEntry(entry);
            Object[] values = mapper.toValues(type, entry);
            PartitionEngine part = router.forEntry(type, values);
            refuseRoutingChange(type, values, part);
            items.add(new Item<>(i, entry, type, values, part));
        }
        List<LeaseHandle<T>> handles = new ArrayList<>(Collections.nCopies(items.size(), null));
        Map<Integer, SpaceException> failures = new TreeMap<>();
        Map<PartitionEngine, List<Item<T>>> batches = new LinkedHashMap<>();
        List<Item<T>> repeats = new ArrayList<>();
        Set<List<Object>> seen = new HashSet<>();
        for (Item<T> item : items) {
            if (seen.add(List.of(item.type().root().name(), item.values()[item.type().idIndex()]))) {
                batches.computeIfAbsent(item.part(), k -> new ArrayList<>()).add(item);
            } else {
                repeats.add(item);
            }
        }
        for (Map.Entry<PartitionEngine, List<Item<T>>> b : batches.entrySet()) {
            List<Item<T>> batch = b.getValue();
            TypeDescriptor[] types = new TypeDescriptor[batch.size()];
            Object[][] values = new Object[batch.size()][];
            for (int k = 0; k < types.length; k++) {
                types[k] = batch.get(k).type();
                values[k] = batch.get(k).values();
            }
            Object[] results = b.getKey().writeAll(types, values, lease, mode);
            for (int k = 0; k < types.length; k++) {
                Item<T> item = batch.get(k);
                if (results[k] instanceof PartitionEngine.WriteResult r) {
                    finishOne(item, r, lease, mode, handles, failures);
                } else if (results[k] instanceof EntryLockedException) {
                    finishOne(item, null, lease, mode, handles, failures);
                } else if (results[k] instanceof SpaceException e && !lifeCycle.isClosed()) {
                    failures.put(item.i(), e);
                } else {
                    throw (RuntimeException) results[k];
                }
            }
        }
        for (Item<T> item : repeats) {
            finishOne(item, null, lease, mode, handles, failures);
        }
        if (!failures.isEmpty()) {
            throw new WriteMultipleException(new LinkedHashMap<>(failures), new ArrayList<>(handles));
        }
        return handles;
    }

    /** Finishes one item: written already ({@code r}), or written now, waiting for a lock if need be. */
    private <T> void finishOne(Item<T> item, PartitionEngine.WriteResult r, Lease lease, WriteMode mode,
                               List<LeaseHandle<T>> handles, Map<Integer, SpaceException> failures) {
        try {
            PartitionEngine.WriteResult done = r != null ? r
                    : locking(() -> item.part().write(item.type(), item.values(), lease, mode));
            handles.set(item.i(), finishWrite(item.entry(), item.type(), item.part(), done));
        } catch (SpaceException e) {
            if (lifeCycle.isClosed()) {
                throw e;
            }
            failures.put(item.i(), e);
        }
    }
}

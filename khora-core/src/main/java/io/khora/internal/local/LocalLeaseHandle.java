package io.khora.internal.local;

import io.khora.EntryNotFoundException;
import io.khora.Lease;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.lifecycle.LifeCycle;
import io.khora.internal.router.WrittenLease;

import java.util.Objects;

/** The lease of a written entry in an embedded space. */
final class LocalLeaseHandle<T> extends WrittenLease<T> {
    /**
     * What every handle of a space shares.
     *
     * @param lifeCycle the space's life cycle
     * @param lockWaitNanos how long renew and cancel wait for an entry a transaction holds
     */
    record Context(LifeCycle lifeCycle, long lockWaitNanos) {
    }

    private final Context context;
    private final PartitionEngine partition;

    LocalLeaseHandle(Context context, PartitionEngine partition, SpaceEntry entry, boolean created) {
        super(entry.type(), entry.id(), entry.version(), created, entry.expiresAt());
        this.context = context;
        this.partition = partition;
    }

    @Override
    public void renew(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        context.lifeCycle().awaitReady();
        long deadline = 0;
        while (true) {
            try {
                expiresAt(partition.renew(type(), id(), lease));
                return;
            } catch (io.khora.internal.engine.EntryLockedException locked) {
                deadline = LockWaits.await(locked, deadline, context.lockWaitNanos(), null);
            }
        }
    }

    @Override
    public void cancel() {
        context.lifeCycle().awaitReady();
        long deadline = 0;
        while (true) {
            java.util.List<io.khora.internal.engine.TxPart> blocked = new java.util.ArrayList<>(1);
            if (partition.takeById(type(), id(), blocked) != null) {
                return;
            }
            if (blocked.isEmpty()) {
                throw new EntryNotFoundException(type().name(), id(), "lease cancel");
            }
            // a transaction holds the entry: cancelling is an update, it waits for the lock
            deadline = LockWaits.await(blocked.get(0), "entry of " + type().name() + " with id=" + id() + " is locked by transaction "
                    + blocked.get(0).txId(), deadline, context.lockWaitNanos(), null);
        }
    }
}

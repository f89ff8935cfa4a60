package io.khora.cluster.client;

import io.khora.EntryNotFoundException;
import io.khora.Lease;
import io.khora.cluster.raft.WriteOutcome;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.router.WrittenLease;

import java.util.Objects;

/**
 * The lease of an entry written through a remote space: renew and cancel go to the entry's
 * partition as mutations. {@link #expiresAt()} is in the partition's log time (the leader's clock).
 */
final class RemoteLeaseHandle<T> extends WrittenLease<T> {
    private final RemoteAsyncSpace space;
    private final int partition;

    RemoteLeaseHandle(RemoteAsyncSpace space, int partition, TypeDescriptor type, Object id, WriteOutcome outcome) {
        super(type, id, outcome.version(), outcome.created(), outcome.expiresAt());
        this.space = space;
        this.partition = partition;
    }

    @Override
    public void renew(Lease lease) {
        Objects.requireNonNull(lease, "lease must not be null (use Lease.FOREVER)");
        expiresAt(RemoteSpace.join(space.renew(partition, type(), id(), lease)));
    }

    @Override
    public void cancel() {
        if (RemoteSpace.join(space.takeIn(partition, type(), id())) == null) {
            throw new EntryNotFoundException(type().name(), id(), "cancel");
        }
    }
}

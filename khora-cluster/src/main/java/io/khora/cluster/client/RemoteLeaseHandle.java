package io.khora.cluster.client;

import io.khora.EntryNotFoundException;
import io.khora.Lease;
import io.khora.LeaseHandle;
import io.khora.cluster.raft.WriteOutcome;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.Objects;

/**
 * The lease of an entry written through a remote space: renew and cancel go to the entry's
 * partition as mutations. {@link #expiresAt()} is in the partition's log time (the leader's clock).
 */
final class RemoteLeaseHandle<T> implements LeaseHandle<T> {
    private final RemoteAsyncSpace space;
    private final int partition;
    private final TypeDescriptor type;
    private final Object id;
    private final long version;
    private final boolean created;
    private volatile long expiresAt;

    RemoteLeaseHandle(RemoteAsyncSpace space, int partition, TypeDescriptor type, Object id, WriteOutcome outcome) {
        this.space = space;
        this.partition = partition;
        this.type = type;
        this.id = id;
        this.version = outcome.version();
        this.created = outcome.created();
        this.expiresAt = outcome.expiresAt();
    }

    @Override
    public Object id() {
        return id;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public long expiresAt() {
        return expiresAt;
    }

    @Override
    public boolean created() {
        return created;
    }

    @Override
    public void renew(Lease lease) {
        Objects.requireNonNull(lease, "lease must not be null (use Lease.FOREVER)");
        expiresAt = RemoteSpace.join(space.renew(partition, type, id, lease));
    }

    @Override
    public void cancel() {
        if (RemoteSpace.join(space.takeIn(partition, type, id)) == null) {
            throw new EntryNotFoundException(type.name(), id, "cancel");
        }
    }

    @Override
    public String toString() {
        return "LeaseHandle[" + type.name() + " id=" + id + " v" + version + "]";
    }
}

package io.khora.internal.local;

import io.khora.EntryNotFoundException;
import io.khora.Lease;
import io.khora.LeaseHandle;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.lifecycle.LifeCycle;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.Objects;

/** The lease of a written entry in an embedded space. */
final class LocalLeaseHandle<T> implements LeaseHandle<T> {
    private final LifeCycle lifeCycle;
    private final PartitionEngine partition;
    private final TypeDescriptor type;
    private final Object id;
    private final long version;
    private final boolean created;
    private volatile long expiresAt;

    LocalLeaseHandle(LifeCycle lifeCycle, PartitionEngine partition, SpaceEntry entry, boolean created) {
        this.lifeCycle = lifeCycle;
        this.partition = partition;
        this.type = entry.type();
        this.id = entry.id();
        this.version = entry.version();
        this.expiresAt = entry.expiresAt();
        this.created = created;
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
        Objects.requireNonNull(lease, "lease");
        lifeCycle.awaitReady();
        expiresAt = partition.renew(type, id, lease);
    }

    @Override
    public void cancel() {
        lifeCycle.awaitReady();
        if (partition.takeById(type, id) == null) {
            throw new EntryNotFoundException(type.name(), id, "lease cancel");
        }
    }

    @Override
    public String toString() {
        return "LeaseHandle[" + type.name() + " id=" + id + " v" + version + "]";
    }
}

package io.khora.internal.router;

import io.khora.LeaseHandle;
import io.khora.internal.metadata.TypeDescriptor;

/**
 * What every lease handle of a written entry holds, embedded or remote: the entry's type, id and
 * version, whether the write created it, and its expiry, which {@code renew} moves. Subclasses say
 * how renew and cancel reach the entry's partition.
 */
public abstract class WrittenLease<T> implements LeaseHandle<T> {
    private final TypeDescriptor type;
    private final Object id;
    private final long version;
    private final boolean created;
    private volatile long expiresAt;

    protected WrittenLease(TypeDescriptor type, Object id, long version, boolean created, long expiresAt) {
        this.type = type;
        this.id = id;
        this.version = version;
        this.created = created;
        this.expiresAt = expiresAt;
    }

    /** The entry's type. */
    protected final TypeDescriptor type() {
        return type;
    }

    /** Records the expiry a renew set. */
    protected final void expiresAt(long expiresAt) {
        this.expiresAt = expiresAt;
    }

    @Override
    public final Object id() {
        return id;
    }

    @Override
    public final long version() {
        return version;
    }

    @Override
    public final long expiresAt() {
        return expiresAt;
    }

    @Override
    public final boolean created() {
        return created;
    }

    @Override
    public String toString() {
        return "LeaseHandle[" + type.name() + " id=" + id + " v" + version + "]";
    }
}

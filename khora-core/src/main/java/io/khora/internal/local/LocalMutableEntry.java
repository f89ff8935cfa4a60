package io.khora.internal.local;

import io.khora.Lease;
import io.khora.MutableEntry;
import io.khora.SpaceTypeException;
import io.khora.internal.engine.ComputeDecision;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.Objects;

/**
 * The {@link MutableEntry} an entry processor sees: the current entry, mapped to a user object on
 * first use, and the processor's last decision, turned into a {@link ComputeDecision}.
 */
final class LocalMutableEntry<T> implements MutableEntry<T> {
    private final EntryMapper mapper;
    private final TypeDescriptor type;
    private final Object id;
    private final SpaceEntry current;
    private ComputeDecision.Kind kind = ComputeDecision.Kind.KEEP;
    private T value;
    private boolean valueLoaded;
    private Object[] newValues;
    private TypeDescriptor newType;
    private Lease lease;

    LocalMutableEntry(EntryMapper mapper, TypeDescriptor type, Object id, SpaceEntry current) {
        this.mapper = mapper;
        this.type = type;
        this.id = id;
        this.current = current;
    }

    @Override
    public Object id() {
        return id;
    }

    @Override
    public boolean exists() {
        return kind == ComputeDecision.Kind.PUT || (kind == ComputeDecision.Kind.KEEP && current != null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get() {
        if (kind == ComputeDecision.Kind.REMOVE) {
            return null;
        }
        if (kind == ComputeDecision.Kind.PUT) {
            return (T) mapper.toEntry(new SpaceEntry(newType, newValues, 0, Long.MAX_VALUE));
        }
        if (!valueLoaded) {
            value = current == null ? null : (T) mapper.toEntry(current);
            valueLoaded = true;
        }
        return value;
    }

    @Override
    public void set(T v) {
        put(v, null);
    }

    @Override
    public void set(T v, Lease l) {
        put(v, Objects.requireNonNull(l, "lease"));
    }

    private void put(T v, Lease l) {
        Objects.requireNonNull(v, "an entry processor cannot set null; use remove()");
        TypeDescriptor t = mapper.describeEntry(v);
        if (!t.isSubtypeOf(type)) {
            throw new SpaceTypeException("an entry processor on " + type.name() + " cannot set a " + t.name());
        }
        newValues = mapper.toValues(t, v);
        newType = t;
        lease = l;
        kind = ComputeDecision.Kind.PUT;
    }

    @Override
    public void remove() {
        kind = ComputeDecision.Kind.REMOVE;
        newValues = null;
    }

    ComputeDecision decision(Object result) {
        return new ComputeDecision(kind, newType, newValues, lease, result);
    }
}

package io.khora.jcache;

import java.util.Objects;
import java.util.function.Supplier;

import javax.cache.processor.MutableEntry;

/**
 * The {@link MutableEntry} a JCache entry processor works on. It runs inside the space's
 * {@code invoke}, under the partition lock: {@code current} is the entry as the space holds it now.
 * It only records what the processor did; the cache turns the net result into one space change.
 */
final class ProcessorEntry<K, V> implements MutableEntry<K, V> {
    /** The net effect, as JSR-107 defines it. */
    enum Op { NONE, ACCESS, CREATE, LOAD, UPDATE, REMOVE }

    private final CacheParts<K, V> parts;
    private final K key;
    private final boolean existed;
    private final Supplier<V> current;
    private boolean known;
    private V value;
    private Op op = Op.NONE;

    /** @param current the current value, decoded only if the processor asks for it */
    ProcessorEntry(CacheParts<K, V> parts, K key, boolean existed, Supplier<V> current) {
        this.parts = parts;
        this.key = key;
        this.existed = existed;
        this.current = current;
    }

    private V current() {
        if (!known) {
            value = current.get();
            known = true;
        }
        return value;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        if (op == Op.NONE || op == Op.ACCESS) {
            if (current() == null) {
                if (op == Op.NONE && parts.readsThrough()) {
                    V loaded = parts.integration.load(key);
                    if (loaded != null) {
                        value = loaded;
                        op = Op.LOAD;
                    }
                }
            } else {
                op = Op.ACCESS;
            }
        }
        return value;
    }

    @Override
    public boolean exists() {
        return known ? value != null : existed;
    }

    @Override
    public void remove() {
        op = op == Op.CREATE || op == Op.LOAD ? Op.NONE : Op.REMOVE;
        value = null;
        known = true;
    }

    @Override
    public void setValue(V v) {
        Objects.requireNonNull(v, "an entry processor cannot set a null value; use remove()");
        parts.checkValueType(v);
        op = existed ? Op.UPDATE : Op.CREATE;
        value = v;
        known = true;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        return Unwrap.to(clazz, "a mutable entry", this);
    }

    boolean existed() {
        return existed;
    }

    Op op() {
        return op;
    }

    V value() {
        return current();
    }
}

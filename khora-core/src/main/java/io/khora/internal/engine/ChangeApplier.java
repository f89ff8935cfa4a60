package io.khora.internal.engine;

import io.khora.ChangeSet;
import io.khora.SpaceTypeException;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Applies a {@link ChangeSet} to an entry's values, copy-on-write: the stored values and the
 * collections in them are never mutated, so lock-free readers always see a whole entry.
 * {@link #validate} checks every operation against the type before any entry is touched.
 */
final class ChangeApplier {
    private ChangeApplier() {
    }

    /** Checks that every operation fits {@code type}; throws a {@link SpaceTypeException} naming the type and property. */
    static void validate(TypeDescriptor type, ChangeSet changes) {
        for (ChangeSet.Operation op : changes.operations()) {
            String name = op.property();
            PropertyDescriptor pd = type.property(name);
            if (pd == null) {
                if (type.supportsDynamicProperties()) {
                    continue;
                }
                throw new SpaceTypeException("change: " + type.name() + " has no property '" + name + "'; known: "
                        + type.properties().stream().map(PropertyDescriptor::name).toList());
            }
            if (pd.position() == type.idIndex()) {
                throw new SpaceTypeException("change: the id property '" + name + "' of " + type.name() + " cannot be changed");
            }
            if (pd.position() == type.versionIndex()) {
                throw new SpaceTypeException("change: the version property '" + name + "' of " + type.name()
                        + " is maintained by the space and cannot be changed");
            }
            Class<?> t = pd.type();
            if (op instanceof ChangeSet.Set s) {
                if (t != Object.class && coerce(t, s.value()) == null) {
                    throw new SpaceTypeException("change: cannot set property '" + name + "' of " + type.name() + " (type "
                            + t.getName() + ") to a " + s.value().getClass().getName() + " (" + s.value() + ")");
                }
            } else if (op instanceof ChangeSet.Unset) {
                if (pd.isPrimitive()) {
                    throw new SpaceTypeException("change: cannot unset primitive property '" + name + "' of " + type.name());
                }
            } else if (op instanceof ChangeSet.Increment) {
                if (t != Object.class && !Number.class.isAssignableFrom(t)) {
                    throw new SpaceTypeException("change: cannot increment property '" + name + "' of " + type.name()
                            + ": its type " + t.getName() + " is not numeric");
                }
            } else if (t != Object.class && !Collection.class.isAssignableFrom(t)) {
                throw new SpaceTypeException("change: property '" + name + "' of " + type.name() + " is a " + t.getName()
                        + ", not a collection");
            }
        }
    }

    /** New values with {@code changes} applied to {@code entry}'s. */
    static Object[] apply(SpaceEntry entry, ChangeSet changes) {
        TypeDescriptor type = entry.type();
        Object[] v = entry.values().clone();
        Map<String, Object> dynamic = null;
        for (ChangeSet.Operation op : changes.operations()) {
            PropertyDescriptor pd = type.property(op.property());
            Object current;
            if (pd != null) {
                current = v[pd.position()];
            } else {
                if (dynamic == null) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> old = (Map<String, Object>) v[type.dynamicSlot()];
                    dynamic = old == null ? new LinkedHashMap<>() : new LinkedHashMap<>(old);
                    v[type.dynamicSlot()] = dynamic;
                }
                current = dynamic.get(op.property());
            }
            Class<?> t = pd == null ? Object.class : pd.type();
            Object next;
            if (op instanceof ChangeSet.Set s) {
                next = t == Object.class ? s.value() : coerce(t, s.value());
            } else if (op instanceof ChangeSet.Unset) {
                next = null;
            } else if (op instanceof ChangeSet.Increment inc) {
                next = add(type, op.property(), t, current, inc.delta());
            } else if (op instanceof ChangeSet.AddToCollection a) {
                Collection<Object> c = copyOf(type, op.property(), current, t);
                c.add(a.value());
                next = c;
            } else {
                Collection<Object> c = copyOf(type, op.property(), current, t);
                c.remove(((ChangeSet.RemoveFromCollection) op).value());
                next = c;
            }
            if (pd != null) {
                v[pd.position()] = next;
            } else if (next == null) {
                dynamic.remove(op.property());
            } else {
                dynamic.put(op.property(), next);
            }
        }
        return v;
    }

    private static Object coerce(Class<?> t, Object value) {
        if (t.isInstance(value)) {
            return value;
        }
        if (value instanceof Number n) {
            if (t == Long.class && (value instanceof Integer || value instanceof Short || value instanceof Byte)) {
                return n.longValue();
            }
            if (t == Double.class && (value instanceof Integer || value instanceof Long || value instanceof Float
                    || value instanceof Short || value instanceof Byte)) {
                return n.doubleValue();
            }
            if (t == BigDecimal.class) {
                return new BigDecimal(n.toString());
            }
        }
        return null;
    }

    private static Object add(TypeDescriptor type, String name, Class<?> t, Object current, Number delta) {
        Object base = current != null ? current : zeroOf(t == Object.class ? delta.getClass() : t);
        try {
            if (base instanceof Integer i) {
                return Math.addExact(i, Math.toIntExact(delta.longValue()));
            } else if (base instanceof Long l) {
                return Math.addExact(l, delta.longValue());
            } else if (base instanceof Double d) {
                return d + delta.doubleValue();
            } else if (base instanceof Float f) {
                return f + delta.floatValue();
            } else if (base instanceof Short s) {
                return (short) Math.addExact(s, Math.toIntExact(delta.longValue()));
            } else if (base instanceof BigDecimal b) {
                return b.add(new BigDecimal(delta.toString()));
            } else if (base instanceof BigInteger b) {
                return b.add(BigInteger.valueOf(delta.longValue()));
            }
        } catch (ArithmeticException overflow) {
            throw new SpaceTypeException("change: incrementing '" + name + "' of " + type.name() + " (" + current + ") by "
                    + delta + " overflows " + base.getClass().getSimpleName());
        }
        throw new SpaceTypeException("change: cannot increment '" + name + "' of " + type.name() + ": it holds a "
                + base.getClass().getName());
    }

    private static Object zeroOf(Class<?> t) {
        if (t == Long.class) {
            return 0L;
        } else if (t == Double.class) {
            return 0d;
        } else if (t == Float.class) {
            return 0f;
        } else if (t == Short.class) {
            return (short) 0;
        } else if (t == BigDecimal.class) {
            return BigDecimal.ZERO;
        } else if (t == BigInteger.class) {
            return BigInteger.ZERO;
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static Collection<Object> copyOf(TypeDescriptor type, String name, Object current, Class<?> declared) {
        if (current == null) {
            return Set.class.isAssignableFrom(declared) ? new LinkedHashSet<>() : new ArrayList<>();
        }
        if (current instanceof SortedSet<?> s) {
            return new TreeSet<>((SortedSet<Object>) s);
        } else if (current instanceof Set<?> s) {
            return new LinkedHashSet<>(s);
        } else if (current instanceof List<?> l) {
            return new ArrayList<>(l);
        } else if (current instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        throw new SpaceTypeException("change: property '" + name + "' of " + type.name() + " holds a "
                + current.getClass().getName() + ", not a collection");
    }
}

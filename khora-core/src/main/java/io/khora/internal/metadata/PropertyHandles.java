package io.khora.internal.metadata;

import io.khora.SpaceTypeException;

import java.lang.invoke.MethodHandle;

/**
 * The read side shared by the entry codecs: one {@code (Object)Object} getter per property, in
 * property order, and the default a primitive property takes when its stored value is null.
 */
final class PropertyHandles {
    private final Class<?> type;
    private final String what;
    private final MethodHandle[] getters;
    private final Object[] primitiveDefaults;

    /** {@code what} names the properties in errors ("properties", "components"). */
    PropertyHandles(Class<?> type, String what, PropertyAccess[] props) {
        this.type = type;
        this.what = what;
        this.getters = new MethodHandle[props.length];
        this.primitiveDefaults = new Object[props.length];
        for (int i = 0; i < props.length; i++) {
            getters[i] = props[i].getter;
            if (props[i].declaredType.isPrimitive()) {
                primitiveDefaults[i] = Types.primitiveDefault(Types.box(props[i].declaredType));
            }
        }
    }

    int size() {
        return getters.length;
    }

    /** The default of primitive property {@code i} (null for a reference type). */
    Object primitiveDefault(int i) {
        return primitiveDefaults[i];
    }

    /** The entry's property values, in property order. */
    Object[] read(Object entry) {
        MethodHandle[] g = getters;
        Object[] values = new Object[g.length];
        try {
            for (int i = 0; i < g.length; i++) {
                values[i] = (Object) g[i].invokeExact(entry);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new SpaceTypeException("cannot read the " + what + " of " + type.getName() + ": " + t, t);
        }
        return values;
    }
}

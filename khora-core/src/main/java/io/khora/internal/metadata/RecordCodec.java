package io.khora.internal.metadata;

import io.khora.SpaceTypeException;

import java.lang.invoke.MethodHandle;

/**
 * Codec for a record: component accessors out, the canonical constructor in. Properties are in
 * component order, so the values array is exactly the constructor's argument list.
 */
final class RecordCodec implements EntryCodec {
    private final Class<?> type;
    private final MethodHandle constructor; // (Object[])Object
    private final MethodHandle[] getters;   // (Object)Object
    private final Object[] primitiveDefaults;

    RecordCodec(Class<?> type, MethodHandle spreadConstructor, PropertyAccess[] props) {
        this.type = type;
        this.constructor = spreadConstructor;
        this.getters = new MethodHandle[props.length];
        this.primitiveDefaults = new Object[props.length];
        for (int i = 0; i < props.length; i++) {
            getters[i] = props[i].getter;
            if (props[i].declaredType.isPrimitive()) {
                primitiveDefaults[i] = Types.primitiveDefault(Types.box(props[i].declaredType));
            }
        }
    }

    @Override
    public Object[] toValues(Object entry) {
        MethodHandle[] g = getters;
        Object[] values = new Object[g.length];
        try {
            for (int i = 0; i < g.length; i++) {
                values[i] = (Object) g[i].invokeExact(entry);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new SpaceTypeException("cannot read the components of " + type.getName() + ": " + t, t);
        }
        return values;
    }

    @Override
    public Object fromValues(Object[] values) {
        Object[] args = values;
        for (int i = 0; i < primitiveDefaults.length; i++) {
            if (args[i] == null && primitiveDefaults[i] != null) {
                if (args == values) {
                    args = values.clone();
                }
                args[i] = primitiveDefaults[i];
            }
        }
        if (args.length != getters.length) {
            Object[] exact = new Object[getters.length];
            System.arraycopy(args, 0, exact, 0, getters.length);
            args = exact;
        }
        try {
            return (Object) constructor.invokeExact(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new SpaceTypeException("cannot construct record " + type.getName() + ": " + t, t);
        }
    }

    @Override
    public boolean writeBack(Object entry, int position, Object value) {
        return false;
    }
}

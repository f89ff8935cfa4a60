package io.khora.internal.metadata;

import io.khora.SpaceTypeException;

import java.lang.invoke.MethodHandle;

/** Codec for a JavaBean/field POJO: a no-argument constructor plus one getter and setter per property. */
final class PojoCodec implements EntryCodec {
    private final Class<?> type;
    private final MethodHandle constructor; // ()Object
    private final MethodHandle[] getters;   // (Object)Object
    private final MethodHandle[] setters;   // (Object,Object)void
    private final Object[] primitiveDefaults;

    PojoCodec(Class<?> type, MethodHandle constructor, PropertyAccess[] props) {
        this.type = type;
        this.constructor = constructor;
        this.getters = new MethodHandle[props.length];
        this.setters = new MethodHandle[props.length];
        this.primitiveDefaults = new Object[props.length];
        for (int i = 0; i < props.length; i++) {
            getters[i] = props[i].getter;
            setters[i] = props[i].setter;
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
            throw new SpaceTypeException("cannot read the properties of " + type.getName() + ": " + t, t);
        }
        return values;
    }

    @Override
    public Object fromValues(Object[] values) {
        try {
            Object entry = (Object) constructor.invokeExact();
            MethodHandle[] s = setters;
            for (int i = 0; i < s.length; i++) {
                Object v = values[i];
                if (v == null) {
                    v = primitiveDefaults[i];
                    if (v == null) {
                        continue;
                    }
                }
                s[i].invokeExact(entry, v);
            }
            return entry;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new SpaceTypeException("cannot create an instance of " + type.getName() + ": " + t, t);
        }
    }

    @Override
    public boolean writeBack(Object entry, int position, Object value) {
        try {
            setters[position].invokeExact(entry, value);
            return true;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new SpaceTypeException("cannot set a property of " + type.getName() + ": " + t, t);
        }
    }
}

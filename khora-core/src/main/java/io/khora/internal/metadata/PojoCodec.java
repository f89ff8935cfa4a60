package io.khora.internal.metadata;

import io.khora.SpaceTypeException;

import java.lang.invoke.MethodHandle;

/** Codec for a JavaBean/field POJO: a no-argument constructor plus one getter and setter per property. */
final class PojoCodec implements EntryCodec {
    private final Class<?> type;
    private final MethodHandle constructor; // ()Object
    private final PropertyHandles properties;
    private final MethodHandle[] setters;   // (Object,Object)void

    PojoCodec(Class<?> type, MethodHandle constructor, PropertyAccess[] props) {
        this.type = type;
        this.constructor = constructor;
        this.properties = new PropertyHandles(type, "properties", props);
        this.setters = new MethodHandle[props.length];
        for (int i = 0; i < props.length; i++) {
            setters[i] = props[i].setter;
        }
    }

    @Override
    public Object[] toValues(Object entry) {
        return properties.read(entry);
    }

    @Override
    public Object fromValues(Object[] values) {
        try {
            Object entry = (Object) constructor.invokeExact();
            MethodHandle[] s = setters;
            for (int i = 0; i < s.length; i++) {
                Object v = values[i];
                if (v == null) {
                    v = properties.primitiveDefault(i);
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

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
    private final PropertyHandles properties;

    RecordCodec(Class<?> type, MethodHandle spreadConstructor, PropertyAccess[] props) {
        this.type = type;
        this.constructor = spreadConstructor;
        this.properties = new PropertyHandles(type, "components", props);
    }

    @Override
    public Object[] toValues(Object entry) {
        return properties.read(entry);
    }

    @Override
    public Object fromValues(Object[] values) {
        Object[] args = values;
        for (int i = 0; i < properties.size(); i++) {
            if (args[i] == null && properties.primitiveDefault(i) != null) {
                if (args == values) {
                    args = values.clone();
                }
                args[i] = properties.primitiveDefault(i);
            }
        }
        if (args.length != properties.size()) {
            Object[] exact = new Object[properties.size()];
            System.arraycopy(args, 0, exact, 0, properties.size());
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

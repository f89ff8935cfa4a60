package io.khora.internal.wire;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * How to take a record apart and put it back together: its component accessors and its
 * canonical constructor as method handles, built once per record class.
 */
final class RecordCodec {
    private static final ClassValue<RecordCodec> CODECS = new ClassValue<>() {
        @Override
        protected RecordCodec computeValue(Class<?> type) {
            return new RecordCodec(type);
        }
    };

    final Class<?> type;
    final String[] names;
    final Class<?>[] types;
    private final MethodHandle[] accessors; // (Object)Object
    private final MethodHandle constructor; // (Object[])Object

    private RecordCodec(Class<?> type) {
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        int n = components.length;
        names = new String[n];
        types = new Class<?>[n];
        accessors = new MethodHandle[n];
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            for (int i = 0; i < n; i++) {
                names[i] = components[i].getName();
                types[i] = components[i].getType();
                Method accessor = components[i].getAccessor();
                accessor.setAccessible(true);
                accessors[i] = lookup.unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class));
            }
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            constructor = lookup.unreflectConstructor(canonical)
                    .asType(MethodType.genericMethodType(n))
                    .asSpreader(Object[].class, n);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new WireFormatException("cannot access the components or the canonical constructor of record "
                    + type.getName() + ": " + e, e);
        }
    }

    /** The codec of a record class; a {@link WireFormatException} if it cannot be accessed. */
    static RecordCodec of(Class<?> recordType) {
        return CODECS.get(recordType);
    }

    int size() {
        return names.length;
    }

    /** The value of component {@code i} of {@code record}. */
    Object get(Object record, int i) {
        try {
            return accessors[i].invokeExact(record);
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            throw new WireFormatException("reading component " + names[i] + " of record " + type.getName()
                    + " failed: " + t, t);
        }
    }

    /** A new record from its component values, checked against the component types first. */
    Object construct(Object[] values, int offset) {
        for (int i = 0; i < values.length; i++) {
            Class<?> expected = types[i];
            Object value = values[i];
            boolean fits = expected.isPrimitive()
                    ? value != null && MethodType.methodType(expected).wrap().returnType() == value.getClass()
                    : value == null || expected.isInstance(value);
            if (!fits) {
                throw new WireFormatException("record " + type.getName() + " component " + names[i] + " of type "
                        + expected.getTypeName() + " cannot take the decoded "
                        + (value == null ? "null" : "value of class " + value.getClass().getName()), offset, null);
            }
        }
        try {
            return constructor.invokeExact(values);
        } catch (Throwable t) {
            throw new WireFormatException("the canonical constructor of record " + type.getName()
                    + " rejected the decoded components: " + t, offset, t);
        }
    }
}

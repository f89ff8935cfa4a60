package io.khora.internal.metadata;

import java.util.Map;

/** Boxing helpers. */
public final class Types {
    private static final Map<Class<?>, Class<?>> BOX = Map.of(
            int.class, Integer.class, long.class, Long.class, double.class, Double.class,
            float.class, Float.class, short.class, Short.class, byte.class, Byte.class,
            boolean.class, Boolean.class, char.class, Character.class, void.class, Void.class);

    private Types() {
    }

    /** The wrapper class of a primitive, or the class itself. */
    public static Class<?> box(Class<?> c) {
        return c.isPrimitive() ? BOX.get(c) : c;
    }

    /** The primitive class of a wrapper, or the class itself. */
    public static Class<?> unbox(Class<?> c) {
        for (Map.Entry<Class<?>, Class<?>> e : BOX.entrySet()) {
            if (e.getValue() == c) {
                return e.getKey();
            }
        }
        return c;
    }

    /** The default value of a primitive property's wrapper type (0, false, '\0'), or null. */
    public static Object primitiveDefault(Class<?> boxed) {
        if (boxed == Integer.class) {
            return 0;
        } else if (boxed == Long.class) {
            return 0L;
        } else if (boxed == Double.class) {
            return 0d;
        } else if (boxed == Float.class) {
            return 0f;
        } else if (boxed == Short.class) {
            return (short) 0;
        } else if (boxed == Byte.class) {
            return (byte) 0;
        } else if (boxed == Boolean.class) {
            return Boolean.FALSE;
        } else if (boxed == Character.class) {
            return '\0';
        }
        return null;
    }
}

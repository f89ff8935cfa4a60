package io.khora.internal.query;

import io.khora.document.SpaceDocument;

import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a named property of an arbitrary object, as the segments after the first of a path
 * ({@code address.city}) do: a Map's entry, a {@link SpaceDocument}'s property, or a
 * {@link PropertyAccessor} found once per (class, name) and cached in a {@link ClassValue}. A
 * property the object's class does not have reads as null. After the first lookup reading does
 * not allocate (beyond boxing a primitive getter's result).
 */
final class NestedAccess {
    private static final ClassValue<ConcurrentHashMap<String, PropertyAccessor>> ACCESSORS = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, PropertyAccessor> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private NestedAccess() {
    }

    /** The property {@code name} of {@code target} (non-null), or null. */
    static Object read(Object target, String name) {
        if (target instanceof Map<?, ?> map) {
            return map.get(name);
        }
        if (target instanceof SpaceDocument document) {
            return document.getProperty(name);
        }
        return accessor(target.getClass(), name).get(target);
    }

    /** The cached accessor of {@code name} on {@code type}; one that reads null if there is none. */
    static PropertyAccessor accessor(Class<?> type, String name) {
        ConcurrentHashMap<String, PropertyAccessor> byName = ACCESSORS.get(type);
        PropertyAccessor accessor = byName.get(name);
        if (accessor == null) {
            PropertyAccessor found = PropertyAccessor.find(type, name);
            accessor = found != null ? found : PropertyAccessor.missing(type, name);
            PropertyAccessor raced = byName.putIfAbsent(name, accessor);
            if (raced != null) {
                accessor = raced;
            }
        }
        return accessor;
    }

    /**
     * The accessor of {@code name} on a statically known {@code type}, or null if the type has no
     * such property.
     */
    static PropertyAccessor resolve(Class<?> type, String name) {
        PropertyAccessor accessor = accessor(type, name);
        return accessor.exists() ? accessor : null;
    }

    /**
     * Whether the properties of a value declared as {@code type} can be resolved when a query is
     * compiled: a concrete class that is not Object, a Map or a SpaceDocument (whose properties
     * are known only at run time).
     */
    static boolean isStaticallyResolvable(Class<?> type) {
        return type != Object.class && !type.isInterface() && !type.isArray() && !type.isPrimitive()
                && !Modifier.isAbstract(type.getModifiers())
                && !Map.class.isAssignableFrom(type) && !SpaceDocument.class.isAssignableFrom(type);
    }
}

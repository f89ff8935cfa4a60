package io.khora.internal.metadata;

import java.lang.invoke.MethodHandle;

/**
 * How one POJO/record property is read and written: method handles adapted to
 * {@code (Object)Object} and {@code (Object,Object)void}, resolved once at introspection.
 */
final class PropertyAccess {
    final String name;
    final Class<?> declaredType;
    final MethodHandle getter;
    final MethodHandle setter; // null for records

    PropertyAccess(String name, Class<?> declaredType, MethodHandle getter, MethodHandle setter) {
        this.name = name;
        this.declaredType = declaredType;
        this.getter = getter;
        this.setter = setter;
    }
}

package io.khora.internal.query;

import io.khora.SpaceException;
import io.khora.internal.metadata.Types;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Reads one named property of objects of one class through a method handle: a record component's
 * accessor, a public getter ({@code getX}, or {@code isX} returning boolean), or a field of any
 * visibility (of the class or a superclass). Found once per (class, name) and cached by
 * {@link NestedAccess}.
 */
final class PropertyAccessor {
    private static final MethodType GETTER_TYPE = MethodType.methodType(Object.class, Object.class);

    private final Class<?> owner;
    private final String name;
    private final Class<?> type;
    private final MethodHandle getter;
    private final boolean exists;

    private PropertyAccessor(Class<?> owner, String name, Class<?> type, MethodHandle getter) {
        this(owner, name, type, getter, true);
    }

    private PropertyAccessor(Class<?> owner, String name, Class<?> type, MethodHandle getter, boolean exists) {
        this.exists = exists;
        this.owner = owner;
        this.name = name;
        this.type = Types.box(type);
        this.getter = getter.asType(GETTER_TYPE);
    }

    /** An accessor that reads null from anything: the answer for a property a class does not have. */
    static PropertyAccessor missing(Class<?> owner, String name) {
        MethodHandle nothing = MethodHandles.dropArguments(MethodHandles.constant(Object.class, null), 0, Object.class);
        return new PropertyAccessor(owner, name, Object.class, nothing, false);
    }

    /**
     * The accessor of property {@code name} of {@code owner}, or null if the class has no
     * accessible property of that name.
     */
    static PropertyAccessor find(Class<?> owner, String name) {
        if (owner.isRecord()) {
            for (RecordComponent component : owner.getRecordComponents()) {
                if (component.getName().equals(name)) {
                    MethodHandle mh = unreflect(component.getAccessor());
                    if (mh != null) {
                        return new PropertyAccessor(owner, name, component.getType(), mh);
                    }
                }
            }
        }
        Method getter = getter(owner, name);
        if (getter != null) {
            MethodHandle mh = unreflect(getter);
            if (mh != null) {
                return new PropertyAccessor(owner, name, getter.getReturnType(), mh);
            }
        }
        for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name) && !Modifier.isStatic(f.getModifiers())) {
                    MethodHandle mh = unreflectGetter(f);
                    if (mh != null) {
                        return new PropertyAccessor(owner, name, f.getType(), mh);
                    }
                }
            }
        }
        return null;
    }

    /** The names of the properties {@link #find} could find, sorted; for error messages. */
    static SortedSet<String> names(Class<?> owner) {
        SortedSet<String> names = new TreeSet<>();
        if (owner.isRecord()) {
            for (RecordComponent component : owner.getRecordComponents()) {
                names.add(component.getName());
            }
        }
        for (Method m : owner.getMethods()) {
            String property = propertyOfGetter(m);
            if (property != null) {
                names.add(property);
            }
        }
        for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                    names.add(f.getName());
                }
            }
        }
        return names;
    }

    private static Method getter(Class<?> owner, String name) {
        Method is = null;
        for (Method m : owner.getMethods()) {
            if (name.equals(propertyOfGetter(m))) {
                if (m.getName().startsWith("get")) {
                    return m;
                }
                is = m;
            }
        }
        return is;
    }

    /** The property a public method is the getter of, or null if it is not a getter. */
    private static String propertyOfGetter(Method m) {
        if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.isBridge()
                || m.getReturnType() == void.class || m.getDeclaringClass() == Object.class) {
            return null;
        }
        String n = m.getName();
        if (n.length() > 3 && n.startsWith("get")) {
            return decapitalize(n.substring(3));
        }
        Class<?> r = m.getReturnType();
        if (n.length() > 2 && n.startsWith("is") && (r == boolean.class || r == Boolean.class)) {
            return decapitalize(n.substring(2));
        }
        return null;
    }

    /** {@code City} to {@code city}; {@code URL} stays {@code URL}, as in java.beans. */
    private static String decapitalize(String s) {
        if (s.length() > 1 && Character.isUpperCase(s.charAt(1)) && Character.isUpperCase(s.charAt(0))) {
            return s;
        }
        return s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }

    private static MethodHandle unreflect(Method m) {
        try {
            return MethodHandles.privateLookupIn(m.getDeclaringClass(), MethodHandles.lookup()).unreflect(m);
        } catch (IllegalAccessException | RuntimeException notOpen) {
            try {
                return MethodHandles.publicLookup().unreflect(m);
            } catch (IllegalAccessException | RuntimeException notPublic) {
                return null;
            }
        }
    }

    private static MethodHandle unreflectGetter(Field f) {
        try {
            return MethodHandles.privateLookupIn(f.getDeclaringClass(), MethodHandles.lookup()).unreflectGetter(f);
        } catch (IllegalAccessException | RuntimeException notOpen) {
            return null;
        }
    }

    /** Reads the property of {@code target}, an instance of {@link #owner()}. */
    Object get(Object target) {
        try {
            return (Object) getter.invokeExact(target);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable checked) {
            throw new SpaceException("reading property '" + name + "' of " + owner.getName() + " failed", checked);
        }
    }

    /** Whether the class has the property (false for {@link #missing}). */
    boolean exists() {
        return exists;
    }

    /** The class the accessor was found on. */
    Class<?> owner() {
        return owner;
    }

    /** The property name. */
    String name() {
        return name;
    }

    /** The property's boxed type. */
    Class<?> type() {
        return type;
    }

    @Override
    public String toString() {
        return owner.getSimpleName() + "." + name + ":" + type.getSimpleName();
    }
}

package io.khora.internal.metadata;

import io.khora.SpaceTypeException;
import io.khora.annotation.SpaceClass;
import io.khora.annotation.SpaceExclude;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceIndex;
import io.khora.annotation.SpaceIndexType;
import io.khora.annotation.SpaceRouting;
import io.khora.annotation.SpaceVersion;
import io.khora.document.SpaceDocument;

import java.lang.annotation.Annotation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Introspects a POJO or record class once into a {@link TypeDescriptor}. Results (and failures)
 * are cached per class, so the hot path never reflects.
 *
 * <p>Rules: a property is a non-static, non-transient field (read and written through a public
 * getter/setter pair when one exists, directly otherwise), or a public getter/setter pair without a
 * field; {@link SpaceExclude} removes one. Properties of one class level are ordered by name; a
 * superclass that is itself a space type contributes its properties first, in its own order, and
 * becomes the space supertype. Records use their components in declaration order. The id is the
 * {@link SpaceId} property, or else the JPA {@code @Id} property, or else a property named {@code id}.
 */
public final class TypeIntrospector {
    /** JPA's id annotations, recognised by name so that core needs no JPA dependency. */
    private static final Set<String> JPA_ID_ANNOTATIONS = Set.of("jakarta.persistence.Id", "javax.persistence.Id");
    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
    private static final MethodType SETTER = MethodType.methodType(void.class, Object.class, Object.class);

    private static final ClassValue<Object> CACHE = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            try {
                return build(type);
            } catch (SpaceTypeException e) {
                return e;
            }
        }
    };

    private TypeIntrospector() {
    }

    /**
     * The descriptor of {@code type}.
     *
     * @throws SpaceTypeException if the class cannot be a space entry type (no id property, an id of
     *     an unusable type, an inaccessible member); the message names the class and property
     */
    public static TypeDescriptor describe(Class<?> type) {
        Object o = CACHE.get(type);
        if (o instanceof TypeDescriptor d) {
            return d;
        }
        SpaceTypeException e = (SpaceTypeException) o;
        throw new SpaceTypeException(e.getMessage(), e);
    }

    private static TypeDescriptor build(Class<?> type) {
        if (type == SpaceDocument.class) {
            throw new SpaceTypeException("SpaceDocument entries are described by their registered SpaceDocumentType");
        }
        if (type.isPrimitive() || type.isArray() || type.isInterface() || type.isEnum()
                || type.getName().startsWith("java.")) {
            throw new SpaceTypeException(type.getName() + " cannot be a space entry type: use a POJO, a record or a SpaceDocument");
        }
        MethodHandles.Lookup lookup;
        try {
            lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        } catch (IllegalAccessException e) {
            throw new SpaceTypeException("cannot access " + type.getName() + " (open its package to io.khora): " + e.getMessage(), e);
        }
        return type.isRecord() ? buildRecord(type, lookup) : buildPojo(type, lookup);
    }

    private static String typeName(Class<?> type) {
        SpaceClass sc = type.getAnnotation(SpaceClass.class);
        return sc != null && !sc.name().isEmpty() ? sc.name() : type.getName();
    }

    // ---------------------------------------------------------------- records

    private static TypeDescriptor buildRecord(Class<?> type, MethodHandles.Lookup lookup) {
        RecordComponent[] comps = type.getRecordComponents();
        PropertyAccess[] access = new PropertyAccess[comps.length];
        List<Candidate> cands = new ArrayList<>();
        Class<?>[] ctorTypes = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            RecordComponent rc = comps[i];
            ctorTypes[i] = rc.getType();
            try {
                MethodHandle g = lookup.unreflect(rc.getAccessor()).asType(GETTER);
                access[i] = new PropertyAccess(rc.getName(), rc.getType(), g, null);
            } catch (IllegalAccessException e) {
                throw new SpaceTypeException("cannot read component '" + rc.getName() + "' of record " + type.getName(), e);
            }
            cands.add(new Candidate(rc.getName(), rc.getType(), rc));
        }
        MethodHandle ctor;
        try {
            Constructor<?> c = type.getDeclaredConstructor(ctorTypes);
            ctor = lookup.unreflectConstructor(c)
                    .asType(MethodType.genericMethodType(comps.length))
                    .asSpreader(Object[].class, comps.length);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new SpaceTypeException("cannot use the canonical constructor of record " + type.getName(), e);
        }
        return assemble(type, TypeDescriptor.Kind.RECORD, null, List.of(), cands, new RecordCodec(type, ctor, access));
    }

    // ---------------------------------------------------------------- POJOs

    private static TypeDescriptor buildPojo(Class<?> type, MethodHandles.Lookup lookup) {
        TypeDescriptor superType = null;
        Class<?> sup = type.getSuperclass();
        List<Class<?>> levels = new ArrayList<>();
        if (sup != null && sup != Object.class && isSpaceType(sup)) {
            superType = describe(sup);
            levels.add(type);
        } else {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                levels.add(0, c);
            }
        }
        List<Candidate> cands = new ArrayList<>();
        for (Class<?> level : levels) {
            List<Candidate> own = levelProperties(level);
            own.sort(Comparator.comparing(c -> c.name));
            cands.addAll(own);
        }
        List<PropertyDescriptor> inherited = superType == null ? List.of() : superType.properties();
        List<PropertyAccess> access = new ArrayList<>();
        if (superType != null) {
            for (PropertyDescriptor p : inherited) {
                access.add(accessFor(type, lookup, findCandidateIn(type, p.name())));
            }
        }
        for (Candidate c : cands) {
            access.add(accessFor(type, lookup, c));
        }
        MethodHandle ctor = null;
        if (!Modifier.isAbstract(type.getModifiers())) {
            try {
                Constructor<?> c = type.getDeclaredConstructor();
                ctor = lookup.unreflectConstructor(c).asType(MethodType.methodType(Object.class));
            } catch (NoSuchMethodException e) {
                throw new SpaceTypeException(type.getName() + " needs a no-argument constructor (any visibility) to be a space entry type, or make it a record");
            } catch (IllegalAccessException e) {
                throw new SpaceTypeException("cannot use the no-argument constructor of " + type.getName(), e);
            }
        }
        PojoCodec codec = new PojoCodec(type, ctor == null ? abstractConstructor(type) : ctor, access.toArray(new PropertyAccess[0]));
        return assemble(type, TypeDescriptor.Kind.POJO, superType, inherited, cands, codec);
    }

    private static MethodHandle abstractConstructor(Class<?> type) {
        MethodHandle thrower = MethodHandles.throwException(Object.class, SpaceTypeException.class);
        return MethodHandles.foldArguments(thrower,
                MethodHandles.constant(SpaceTypeException.class,
                        new SpaceTypeException(type.getName() + " is abstract and cannot be instantiated")));
    }

    private static boolean isSpaceType(Class<?> c) {
        if (c.isAnnotationPresent(SpaceClass.class)) {
            return true;
        }
        try {
            describe(c);
            return true;
        } catch (SpaceTypeException e) {
            return false;
        }
    }

    /** A property found on a class level, with its annotated elements. */
    private static final class Candidate {
        final String name;
        final Class<?> type;
        final java.lang.reflect.AnnotatedElement[] elements;
        Field field;
        Method getter;
        Method setter;

        Candidate(String name, Class<?> type, java.lang.reflect.AnnotatedElement... elements) {
            this.name = name;
            this.type = type;
            this.elements = elements;
        }

        boolean hasAnnotationNamed(Set<String> names) {
            for (java.lang.reflect.AnnotatedElement e : elements) {
                if (e != null) {
                    for (Annotation a : e.getAnnotations()) {
                        if (names.contains(a.annotationType().getName())) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        <A extends Annotation> A annotation(Class<A> a) {
            for (java.lang.reflect.AnnotatedElement e : elements) {
                if (e != null && e.isAnnotationPresent(a)) {
                    return e.getAnnotation(a);
                }
            }
            return null;
        }
    }

    private static List<Candidate> levelProperties(Class<?> level) {
        Map<String, Candidate> found = new LinkedHashMap<>();
        for (Field f : level.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) || Modifier.isTransient(m) || f.isSynthetic()) {
                continue;
            }
            Method g = publicGetter(level, f.getName(), f.getType());
            Method s = g == null ? null : publicSetter(level, f.getName(), f.getType());
            if (f.isAnnotationPresent(SpaceExclude.class) || (g != null && g.isAnnotationPresent(SpaceExclude.class))) {
                continue;
            }
            Candidate c = new Candidate(f.getName(), f.getType(), f, g, s);
            c.field = f;
            if (g != null && s != null) {
                c.getter = g;
                c.setter = s;
            }
            found.put(f.getName(), c);
        }
        for (Method m : level.getDeclaredMethods()) {
            String prop = beanProperty(m);
            if (prop == null || found.containsKey(prop) || m.isAnnotationPresent(SpaceExclude.class)) {
                continue;
            }
            Method s = publicSetter(level, prop, m.getReturnType());
            if (s == null) {
                continue; // a computed, read-only getter is not a stored property
            }
            Candidate c = new Candidate(prop, m.getReturnType(), m, s);
            c.getter = m;
            c.setter = s;
            found.put(prop, c);
        }
        return new ArrayList<>(found.values());
    }

    private static Candidate findCandidateIn(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Candidate cand : levelProperties(c)) {
                if (cand.name.equals(name)) {
                    return cand;
                }
            }
        }
        throw new SpaceTypeException("property '" + name + "' of " + type.getName() + " disappeared during introspection");
    }

    private static String beanProperty(Method m) {
        if (Modifier.isStatic(m.getModifiers()) || !Modifier.isPublic(m.getModifiers()) || m.getParameterCount() != 0
                || m.isSynthetic() || m.isBridge()) {
            return null;
        }
        String n = m.getName();
        if (n.startsWith("get") && n.length() > 3 && m.getReturnType() != void.class && !n.equals("getClass")) {
            return decapitalize(n.substring(3));
        }
        if (n.startsWith("is") && n.length() > 2 && (m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class)) {
            return decapitalize(n.substring(2));
        }
        return null;
    }

    private static String decapitalize(String s) {
        if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isUpperCase(s.charAt(1))) {
            return s;
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static Method publicGetter(Class<?> type, String prop, Class<?> propType) {
        String cap = capitalize(prop);
        for (String name : new String[] {"get" + cap, (propType == boolean.class || propType == Boolean.class) ? "is" + cap : null}) {
            if (name == null) {
                continue;
            }
            try {
                Method m = type.getMethod(name);
                if (m.getReturnType() == propType && !Modifier.isStatic(m.getModifiers())) {
                    return m;
                }
            } catch (NoSuchMethodException ignored) {
                // try the next form
            }
        }
        return null;
    }

    private static Method publicSetter(Class<?> type, String prop, Class<?> propType) {
        try {
            Method m = type.getMethod("set" + capitalize(prop), propType);
            return Modifier.isStatic(m.getModifiers()) ? null : m;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static PropertyAccess accessFor(Class<?> type, MethodHandles.Lookup lookup, Candidate c) {
        try {
            MethodHandle g;
            MethodHandle s;
            if (c.getter != null && c.setter != null) {
                g = lookup.unreflect(c.getter);
                s = lookup.unreflect(c.setter);
            } else {
                Field f = c.field;
                MethodHandles.Lookup fl = f.getDeclaringClass() == type ? lookup
                        : MethodHandles.privateLookupIn(f.getDeclaringClass(), MethodHandles.lookup());
                g = fl.unreflectGetter(f);
                if (Modifier.isFinal(f.getModifiers())) {
                    f.setAccessible(true);
                    s = MethodHandles.lookup().unreflectSetter(f);
                } else {
                    s = fl.unreflectSetter(f);
                }
            }
            return new PropertyAccess(c.name, c.type, g.asType(GETTER), s.asType(SETTER));
        } catch (IllegalAccessException | RuntimeException e) {
            throw new SpaceTypeException("cannot access property '" + c.name + "' of " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- assembly

    private static TypeDescriptor assemble(Class<?> type, TypeDescriptor.Kind kind, TypeDescriptor superType,
                                           List<PropertyDescriptor> inherited, List<Candidate> own, EntryCodec codec) {
        List<PropertyDescriptor> props = new ArrayList<>(inherited);
        int id = superType == null ? -1 : superType.idIndex();
        int routing = superType == null ? -1 : superType.routingIndex();
        int version = superType == null ? -1 : superType.versionIndex();
        boolean autoGen = superType != null && superType.autoGenerateId();
        String name = typeName(type);
        int fallbackId = -1;
        int jpaIdPosition = -1;
        for (Candidate c : own) {
            int pos = props.size();
            SpaceIndex idx = c.annotation(SpaceIndex.class);
            props.add(new PropertyDescriptor(c.name, pos, c.type, idx == null ? SpaceIndexType.NONE : idx.type()));
            SpaceId sid = c.annotation(SpaceId.class);
            if (sid != null) {
                if (id >= 0) {
                    throw new SpaceTypeException(name + " has more than one @SpaceId property: '" + props.get(id).name()
                            + "' and '" + c.name + "'");
                }
                id = pos;
                autoGen = sid.autoGenerate();
            }
            if (jpaIdPosition < 0 && c.hasAnnotationNamed(JPA_ID_ANNOTATIONS)) {
                jpaIdPosition = pos;
            }
            if ("id".equals(c.name)) {
                fallbackId = pos;
            }
            if (c.annotation(SpaceRouting.class) != null) {
                if (routing >= 0 && superType == null) {
                    throw new SpaceTypeException(name + " has more than one @SpaceRouting property");
                }
                routing = pos;
            }
            if (c.annotation(SpaceVersion.class) != null) {
                Class<?> vt = Types.box(c.type);
                if (vt != Integer.class && vt != Long.class) {
                    throw new SpaceTypeException("@SpaceVersion property '" + c.name + "' of " + name
                            + " must be int, long, Integer or Long, not " + c.type.getName());
                }
                version = pos;
            }
        }
        if (id < 0) {
            id = jpaIdPosition >= 0 ? jpaIdPosition : fallbackId;
        }
        if (id < 0) {
            throw new SpaceTypeException(name + " has no id property: annotate one property with @SpaceId"
                    + " (use @SpaceId(autoGenerate = true) on a String property to have ids generated)");
        }
        if (autoGen && props.get(id).type() != String.class) {
            throw new SpaceTypeException("@SpaceId(autoGenerate = true) property '" + props.get(id).name() + "' of " + name
                    + " must be a String, not " + props.get(id).type().getName());
        }
        if (routing < 0) {
            routing = id;
        }
        return new TypeDescriptor(name, kind, type, superType, props, id, routing, version, autoGen, false, codec);
    }
}

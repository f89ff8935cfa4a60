package io.khora.hibernate;

import io.khora.ClusterInfo;
import io.khora.annotation.SpaceInitialLoadQuery;
import io.khora.persistence.DataSourceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link SpaceInitialLoadQuery} methods (seed 001): either on the entity class itself
 * ({@code type()} empty; found on every mapped entity without any scanning) or on a separate bean
 * naming the entity with {@code type = "fully.qualified.Name"} (found by scanning base packages). A method returns the WHERE clause (HQL over the entity's
 * property names) and takes no parameter or one {@link ClusterInfo}. Static methods are called as
 * they are; for instance methods the declaring class is instantiated once with its no-argument
 * constructor (an entity has one by JPA's rules).
 *
 * <p>Found and validated once, when the data source is built: a bad signature, an unknown entity or
 * two methods for one entity fail there, naming the method.
 */
final class InitialLoadQueryMethods {
    private static final Logger LOG = LoggerFactory.getLogger(InitialLoadQueryMethods.class);

    /** One annotated method, bound to its target and its entity. */
    static final class QueryMethod {
        private final MappedEntity entity;
        private final Method method;
        private final Object target;

        QueryMethod(MappedEntity entity, Method method, Object target) {
            this.entity = entity;
            this.method = method;
            this.target = target;
        }

        MappedEntity entity() {
            return entity;
        }

        /** {@code Declaring.method(params)}, for messages. */
        String describe() {
            return method.getDeclaringClass().getName() + "." + method.getName()
                    + (method.getParameterCount() == 0 ? "()" : "(ClusterInfo)");
        }

        /**
         * The WHERE clause for {@code partition}; null when the method returns null (then the
         * default load, with augmentation, applies).
         *
         * @throws DataSourceException if the method throws
         */
        String query(ClusterInfo partition) {
            try {
                Object q = method.getParameterCount() == 0 ? method.invoke(target) : method.invoke(target, partition);
                return q == null ? null : q.toString();
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new DataSourceException("@SpaceInitialLoadQuery method " + describe() + " for type " + entity.className()
                        + " threw " + cause, cause);
            } catch (IllegalAccessException e) {
                throw new DataSourceException("cannot call @SpaceInitialLoadQuery method " + describe() + ": " + e.getMessage(), e);
            }
        }
    }

    private final Map<Class<?>, QueryMethod> byEntity;

    private InitialLoadQueryMethods(Map<Class<?>, QueryMethod> byEntity) {
        this.byEntity = byEntity;
    }

    /**
     * Finds the annotated methods: on every entity class {@code catalog} maps (no scanning needed,
     * so a query on the entity itself is never silently ignored), and on the classes in
     * {@code basePackages} (scanned with {@code loader}: for queries on separate beans); binds them
     * to the entities of {@code catalog}.
     *
     * @throws IllegalArgumentException naming the method: bad signature, unmapped entity, duplicate
     */
    static InitialLoadQueryMethods find(Collection<String> basePackages, ClassLoader loader, EntityCatalog catalog) {
        Map<Class<?>, QueryMethod> found = new LinkedHashMap<>();
        Map<Class<?>, Object> targets = new LinkedHashMap<>();
        for (MappedEntity entity : catalog.all()) {
            collect(entity.javaType(), "the mapped entities", catalog, found, targets);
        }
        if (!basePackages.isEmpty()) {
            ClasspathScanner scanner = new ClasspathScanner(loader);
            for (String pkg : basePackages) {
                for (Class<?> c : scanner.classesIn(pkg)) {
                    collect(c, pkg, catalog, found, targets);
                }
            }
        }
        found.values().forEach(qm -> LOG.debug("initial load query of {}: {}", qm.entity().className(), qm.describe()));
        return new InitialLoadQueryMethods(found);
    }

    private static void collect(Class<?> c, String source, EntityCatalog catalog, Map<Class<?>, QueryMethod> found,
                                Map<Class<?>, Object> targets) {
        Method[] methods;
        try {
            methods = c.getDeclaredMethods();
        } catch (LinkageError e) {
            LOG.debug("skipping {} while looking in {}: {}", c.getName(), source, e.toString());
            return;
        }
        for (Method m : methods) {
            SpaceInitialLoadQuery a = m.getAnnotation(SpaceInitialLoadQuery.class);
            if (a == null) {
                continue;
            }
            QueryMethod qm = bind(m, a, catalog, targets);
            QueryMethod previous = found.putIfAbsent(qm.entity().javaType(), qm);
            if (previous != null && !previous.method.equals(m)) {
                throw new IllegalArgumentException("two @SpaceInitialLoadQuery methods for type " + qm.entity().className()
                        + ": " + previous.describe() + " and " + qm.describe() + "; keep one");
            }
        }
    }

    private static QueryMethod bind(Method m, SpaceInitialLoadQuery a, EntityCatalog catalog, Map<Class<?>, Object> targets) {
        String where = m.getDeclaringClass().getName() + "." + m.getName();
        if (!CharSequence.class.isAssignableFrom(m.getReturnType())) {
            throw new IllegalArgumentException("@SpaceInitialLoadQuery method " + where + " must return the WHERE clause as a String, not "
                    + m.getReturnType().getName());
        }
        if (!(m.getParameterCount() == 0 || m.getParameterCount() == 1 && m.getParameterTypes()[0] == ClusterInfo.class)) {
            throw new IllegalArgumentException("@SpaceInitialLoadQuery method " + where
                    + " must take no parameter or one io.khora.ClusterInfo");
        }
        MappedEntity entity;
        if (a.type().isBlank()) {
            entity = catalog.find(m.getDeclaringClass());
            if (entity == null) {
                throw new IllegalArgumentException("@SpaceInitialLoadQuery method " + where + " is not on an entity mapped by the"
                        + " SessionFactory: name the entity with @SpaceInitialLoadQuery(type = \"…\"); mapped entities: "
                        + catalog.mappedNames());
            }
        } else {
            try {
                entity = catalog.require(a.type().trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("@SpaceInitialLoadQuery(type = \"" + a.type() + "\") on method " + where + ": "
                        + e.getMessage(), e);
            }
        }
        try {
            m.setAccessible(true);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot access @SpaceInitialLoadQuery method " + where + ": " + e.getMessage(), e);
        }
        Object target = Modifier.isStatic(m.getModifiers()) ? null : targets.computeIfAbsent(m.getDeclaringClass(), c -> instantiate(c, where));
        return new QueryMethod(entity, m, target);
    }

    private static Object instantiate(Class<?> c, String method) {
        try {
            Constructor<?> ctor = c.getDeclaredConstructor();
            ctor.setAccessible(true);
            return ctor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("@SpaceInitialLoadQuery method " + method + " is an instance method but "
                    + c.getName() + " has no no-argument constructor; make the method static or add one", e);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            throw new IllegalArgumentException("cannot instantiate " + c.getName() + " to call @SpaceInitialLoadQuery method "
                    + method + ": " + cause, cause);
        }
    }

    /** The method for {@code entity}'s class, or null. */
    QueryMethod forEntity(MappedEntity entity) {
        return byEntity.get(entity.javaType());
    }

    /** How many methods were found. */
    int size() {
        return byEntity.size();
    }
}

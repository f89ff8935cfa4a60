package io.khora.hibernate;

import io.khora.SpaceTypeException;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.internal.metadata.Types;
import jakarta.persistence.metamodel.Attribute;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.SingularAttribute;
import org.hibernate.SessionFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The entities a {@link SessionFactory} maps, as space types ({@link MappedEntity}), looked up by
 * fully qualified class name, Hibernate entity name or JPA entity name. Built once from the JPA
 * metamodel; immutable and thread-safe. Entities without a Java class (dynamic maps) are skipped:
 * the space needs a class to store POJOs.
 */
final class EntityCatalog {
    private final Map<Class<?>, Object> byClass = new LinkedHashMap<>(); // MappedEntity or SpaceTypeException
    private final Map<String, Class<?>> byName = new LinkedHashMap<>();
    private final Map<Class<?>, String> hqlNames = new LinkedHashMap<>();
    private final List<String> mappedNames;

    EntityCatalog(SessionFactory sessionFactory) {
        List<EntityType<?>> entities = new ArrayList<>(sessionFactory.getMetamodel().getEntities());
        entities.sort(Comparator.comparing(e -> e.getJavaType() == null ? e.getName() : e.getJavaType().getName()));
        TreeSet<String> names = new TreeSet<>();
        for (EntityType<?> e : entities) {
            Class<?> cls = e.getJavaType();
            if (cls == null || Map.class.isAssignableFrom(cls)) {
                continue;
            }
            names.add(cls.getName());
            byName.put(cls.getName(), cls);
            hqlNames.put(cls, e.getName());
            byName.putIfAbsent(e.getName(), cls);
            if (e instanceof org.hibernate.metamodel.model.domain.EntityDomainType<?> d) {
                byName.putIfAbsent(d.getHibernateEntityName(), cls);
            }
            Object entry;
            try {
                entry = describe(e);
            } catch (SpaceTypeException ex) {
                entry = ex;
            }
            byClass.put(cls, entry);
        }
        this.mappedNames = List.copyOf(names);
    }

    private static MappedEntity describe(EntityType<?> e) {
        Class<?> cls = e.getJavaType();
        String idAttribute = null;
        Class<?> idType = null;
        if (e.hasSingleIdAttribute()) {
            for (SingularAttribute<?, ?> a : e.getSingularAttributes()) {
                if (a.isId()) {
                    idAttribute = a.getName();
                    // an embedded id has no single column to range over: no type, so no chunking
                    idType = a.getPersistentAttributeType() == Attribute.PersistentAttributeType.BASIC ? Types.box(a.getJavaType()) : null;
                    break;
                }
            }
        }
        TypeDescriptor td = TypeIntrospector.describe(cls);
        PropertyDescriptor routing = td.property(td.routingIndex());
        PropertyDescriptor spaceId = td.property(td.idIndex());
        boolean routingMapped = false;
        try {
            Attribute<?, ?> a = e.getAttribute(routing.name());
            routingMapped = a.getPersistentAttributeType() == Attribute.PersistentAttributeType.BASIC
                    && Types.box(a.getJavaType()) == routing.type();
        } catch (IllegalArgumentException notAnAttribute) {
            // a transient or computed routing property: rows are filtered by the space, not by SQL
        }
        return new MappedEntity(cls, e.getName(), idAttribute, idType, spaceId.name(), routing.name(),
                routing.type(), routingMapped);
    }

    /** The fully qualified names of every mapped entity class, sorted (for error messages). */
    List<String> mappedNames() {
        return mappedNames;
    }

    /** Every mapped entity, in class-name order; fails naming the first that cannot be a space type. */
    List<MappedEntity> all() {
        List<MappedEntity> out = new ArrayList<>();
        for (Class<?> c : byClass.keySet()) {
            out.add(require(c));
        }
        return out;
    }

    /**
     * The entity named {@code name} (fully qualified class name, Hibernate entity name or JPA
     * entity name).
     *
     * @throws IllegalArgumentException if the SessionFactory does not map it, or it cannot be a space type
     */
    MappedEntity require(String name) {
        Class<?> c = byName.get(name);
        if (c == null) {
            throw new IllegalArgumentException("entity " + name + " is not mapped by the SessionFactory; mapped entities: "
                    + mappedNames);
        }
        return require(c);
    }

    /** The entity of class {@code c}; fails like {@link #require(String)}. */
    MappedEntity require(Class<?> c) {
        Object o = byClass.get(c);
        if (o == null) {
            throw new IllegalArgumentException("entity " + c.getName() + " is not mapped by the SessionFactory; mapped entities: "
                    + mappedNames);
        }
        if (o instanceof SpaceTypeException e) {
            throw new IllegalArgumentException("entity " + c.getName() + " cannot be a space type: " + e.getMessage(), e);
        }
        return (MappedEntity) o;
    }

    /** Whether the SessionFactory maps class {@code c} as an entity (space type or not). */
    boolean isMapped(Class<?> c) {
        return c != null && byClass.containsKey(c);
    }

    /** The HQL (JPA) entity name of mapped class {@code c}. */
    String hqlName(Class<?> c) {
        return hqlNames.get(c);
    }

    /** The entity of class {@code c} if it is mapped and a valid space type, else null. */
    MappedEntity find(Class<?> c) {
        Object o = c == null ? null : byClass.get(c);
        return o instanceof MappedEntity m ? m : null;
    }

    /**
     * {@code entities} without those that have a mapped supertype among them: a polymorphic
     * {@code from Super} already returns the subtype's rows, so loading both would load them twice.
     */
    static List<MappedEntity> withoutSubtypesOfOthers(Collection<MappedEntity> entities) {
        List<MappedEntity> out = new ArrayList<>();
        for (MappedEntity m : entities) {
            boolean covered = false;
            for (MappedEntity other : entities) {
                if (other != m && other.javaType() != m.javaType() && other.javaType().isAssignableFrom(m.javaType())) {
                    covered = true;
                    break;
                }
            }
            if (!covered && !out.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }
}

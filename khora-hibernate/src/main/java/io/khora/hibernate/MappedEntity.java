package io.khora.hibernate;

import io.khora.persistence.Partitioning;

/**
 * What the Hibernate module needs to know about one entity mapped by the {@code SessionFactory}
 * and used as a space type: its class, the name HQL knows it by, its identifier attribute, and
 * its routing property (the space's {@code @SpaceRouting} property, else the space id).
 *
 * @param javaType the entity class
 * @param hqlName the JPA entity name used in HQL ({@code @Entity(name)}, else the simple class name)
 * @param idAttribute the single identifier attribute's name, or null for a composite identifier
 * @param idType the identifier's Java type (boxed), or null for a composite or embedded identifier
 * @param spaceIdProperty the space's id property name (usually the JPA {@code @Id})
 * @param routingProperty the space's routing property name
 * @param routingType the routing property's Java type (boxed)
 * @param routingMapped whether the routing property is a basic attribute mapped to a column
 */
record MappedEntity(Class<?> javaType, String hqlName, String idAttribute, Class<?> idType,
                    String spaceIdProperty, String routingProperty, Class<?> routingType, boolean routingMapped) {

    /** The fully qualified class name. */
    String className() {
        return javaType.getName();
    }

    /** Whether the entity has a single identifier attribute (not an {@code @IdClass} or embedded id). */
    boolean hasSingleId() {
        return idAttribute != null;
    }

    /** Whether the identifier is integral, so chunks can be planned as numeric ranges from min/max. */
    boolean hasIntegralId() {
        return idType != null && Partitioning.isIntegral(idType);
    }

    /** Whether the identifier is one basic, ordered column usable for key-range chunks (numbers, strings, dates, UUIDs…). */
    boolean hasOrderedId() {
        return idType != null && Comparable.class.isAssignableFrom(idType);
    }

    /** Whether the partition filter can be pushed into SQL exactly: routing is integral and a column. */
    boolean routingIsSqlPartitionable() {
        return routingMapped && Partitioning.isIntegral(routingType);
    }

    /** Whether the routing property is the identifier attribute. */
    boolean routingIsId() {
        return routingProperty.equals(idAttribute);
    }

    @Override
    public String toString() {
        return className();
    }
}

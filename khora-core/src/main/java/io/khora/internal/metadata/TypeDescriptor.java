package io.khora.internal.metadata;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's view of an entry type: its name, its supertype, its properties in values-array
 * order, and which of them are the id, routing and version. A subtype's properties start with its
 * supertype's, in the same positions, so a query compiled for a supertype reads a subtype's values
 * correctly. Immutable and built once per type.
 */
public final class TypeDescriptor {
    /** How entries of the type are represented by the user. */
    public enum Kind { POJO, RECORD, DOCUMENT }

    private final String name;
    private final Kind kind;
    private final Class<?> javaType;
    private final TypeDescriptor superType;
    private final PropertyDescriptor[] properties;
    private final Map<String, PropertyDescriptor> byName;
    private final int idIndex;
    private final int routingIndex;
    private final int versionIndex;
    private final boolean autoGenerateId;
    private final boolean dynamicProperties;
    private final EntryCodec codec;

    /**
     * @param name type name
     * @param kind representation
     * @param javaType the class, or {@code SpaceDocument.class} for documents
     * @param superType the space supertype or null
     * @param properties properties in position order (supertype's first)
     * @param idIndex position of the id property
     * @param routingIndex position of the routing property
     * @param versionIndex position of the version property or -1
     * @param autoGenerateId whether null ids are generated
     * @param dynamicProperties whether the values array ends with a map of undeclared properties
     * @param codec the entry codec
     */
    public TypeDescriptor(String name, Kind kind, Class<?> javaType, TypeDescriptor superType,
                          List<PropertyDescriptor> properties, int idIndex, int routingIndex, int versionIndex,
                          boolean autoGenerateId, boolean dynamicProperties, EntryCodec codec) {
        this.name = name;
        this.kind = kind;
        this.javaType = javaType;
        this.superType = superType;
        this.properties = properties.toArray(new PropertyDescriptor[0]);
        Map<String, PropertyDescriptor> m = new HashMap<>();
        for (int i = 0; i < this.properties.length; i++) {
            if (this.properties[i].position() != i) {
                throw new IllegalArgumentException("property " + this.properties[i] + " is not at position " + i);
            }
            m.put(this.properties[i].name(), this.properties[i]);
        }
        this.byName = m;
        this.idIndex = idIndex;
        this.routingIndex = routingIndex;
        this.versionIndex = versionIndex;
        this.autoGenerateId = autoGenerateId;
        this.dynamicProperties = dynamicProperties;
        this.codec = codec;
    }

    /** The type name. */
    public String name() {
        return name;
    }

    /** The representation. */
    public Kind kind() {
        return kind;
    }

    /** The Java class ({@code SpaceDocument.class} for documents). */
    public Class<?> javaType() {
        return javaType;
    }

    /** The supertype, or null for a root type. */
    public TypeDescriptor superType() {
        return superType;
    }

    /** The root of the type hierarchy (ids are unique per root). */
    public TypeDescriptor root() {
        TypeDescriptor t = this;
        while (t.superType != null) {
            t = t.superType;
        }
        return t;
    }

    /** Whether this type is {@code other} or a subtype of it. */
    public boolean isSubtypeOf(TypeDescriptor other) {
        for (TypeDescriptor t = this; t != null; t = t.superType) {
            if (t == other || t.name.equals(other.name)) {
                return true;
            }
        }
        return false;
    }

    /** Properties in position order. */
    public List<PropertyDescriptor> properties() {
        return Collections.unmodifiableList(Arrays.asList(properties));
    }

    /** The property at {@code position}. */
    public PropertyDescriptor property(int position) {
        return properties[position];
    }

    /** The property named {@code name}, or null. */
    public PropertyDescriptor property(String name) {
        return byName.get(name);
    }

    /** Number of declared properties. */
    public int propertyCount() {
        return properties.length;
    }

    /** Length of a values array: the declared properties plus one slot for dynamic properties if any. */
    public int valuesLength() {
        return properties.length + (dynamicProperties ? 1 : 0);
    }

    /** Position of the map of dynamic properties in the values array, or -1. */
    public int dynamicSlot() {
        return dynamicProperties ? properties.length : -1;
    }

    /** Whether undeclared properties are stored (documents). */
    public boolean supportsDynamicProperties() {
        return dynamicProperties;
    }

    /** Position of the id property. */
    public int idIndex() {
        return idIndex;
    }

    /** Position of the routing property. */
    public int routingIndex() {
        return routingIndex;
    }

    /** Position of the version property, or -1. */
    public int versionIndex() {
        return versionIndex;
    }

    /** Whether null ids are generated on write. */
    public boolean autoGenerateId() {
        return autoGenerateId;
    }

    /** The codec between user entries and values arrays. */
    public EntryCodec codec() {
        return codec;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(properties);
    }
}

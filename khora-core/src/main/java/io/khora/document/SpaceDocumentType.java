package io.khora.document;

import io.khora.annotation.SpaceIndexType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The declaration of a document type: its name, id property, routing property, optional version
 * property, and declared properties with their Java types and indexes. Register it with the space
 * builder or {@code Space.registerType} before writing documents of the type.
 *
 * <pre>{@code
 * SpaceDocumentType product = SpaceDocumentType.builder("Product")
 *     .id("sku", String.class)
 *     .routing("category")
 *     .property("category", String.class, SpaceIndexType.EQUAL)
 *     .property("price", Double.class, SpaceIndexType.ORDERED)
 *     .build();
 * }</pre>
 */
public final class SpaceDocumentType {
    private final String name;
    private final String idProperty;
    private final boolean autoGenerateId;
    private final String routingProperty;
    private final String versionProperty;
    private final Map<String, Class<?>> propertyTypes;
    private final Map<String, SpaceIndexType> indexes;
    private final boolean dynamicProperties;

    private SpaceDocumentType(Builder b) {
        this.name = b.name;
        this.idProperty = b.idProperty;
        this.autoGenerateId = b.autoGenerateId;
        this.routingProperty = b.routingProperty;
        this.versionProperty = b.versionProperty;
        this.propertyTypes = Collections.unmodifiableMap(new LinkedHashMap<>(b.propertyTypes));
        this.indexes = Collections.unmodifiableMap(new LinkedHashMap<>(b.indexes));
        this.dynamicProperties = b.dynamicProperties;
    }

    /** Starts a declaration of type {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The type name. */
    public String name() {
        return name;
    }

    /** The id property. */
    public String idProperty() {
        return idProperty;
    }

    /** Whether a null id is generated on write. */
    public boolean autoGenerateId() {
        return autoGenerateId;
    }

    /** The routing property (the id property unless set). */
    public String routingProperty() {
        return routingProperty == null ? idProperty : routingProperty;
    }

    /** The version property, or null. */
    public String versionProperty() {
        return versionProperty;
    }

    /** Declared properties and their types, in declaration order (id first). */
    public Map<String, Class<?>> propertyTypes() {
        return propertyTypes;
    }

    /** Declared indexes. */
    public Map<String, SpaceIndexType> indexes() {
        return indexes;
    }

    /** Whether undeclared (dynamic) properties are accepted; true by default. */
    public boolean supportsDynamicProperties() {
        return dynamicProperties;
    }

    /** Builds a {@link SpaceDocumentType}; validates on {@link #build()}. */
    public static final class Builder {
        private final String name;
        private String idProperty;
        private boolean autoGenerateId;
        private String routingProperty;
        private String versionProperty;
        private final Map<String, Class<?>> propertyTypes = new LinkedHashMap<>();
        private final Map<String, SpaceIndexType> indexes = new LinkedHashMap<>();
        private boolean dynamicProperties = true;

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("document type name must not be null or blank");
            }
            this.name = name;
        }

        /** The id property and its type. */
        public Builder id(String property, Class<?> type) {
            return id(property, type, false);
        }

        /** The id property, its type, and whether null ids are generated (type must then be String). */
        public Builder id(String property, Class<?> type, boolean autoGenerate) {
            this.idProperty = requireName(property);
            this.autoGenerateId = autoGenerate;
            propertyTypes.put(property, Objects.requireNonNull(type, "id type"));
            return this;
        }

        /** The routing property (must be declared or declared later). */
        public Builder routing(String property) {
            this.routingProperty = requireName(property);
            return this;
        }

        /** The version property ({@code Integer} or {@code Long}); turns on optimistic locking. */
        public Builder version(String property) {
            this.versionProperty = requireName(property);
            propertyTypes.putIfAbsent(property, Long.class);
            return this;
        }

        /** A declared property without index. */
        public Builder property(String property, Class<?> type) {
            return property(property, type, SpaceIndexType.NONE);
        }

        /** A declared property with an index. */
        public Builder property(String property, Class<?> type, SpaceIndexType index) {
            propertyTypes.put(requireName(property), Objects.requireNonNull(type, "property type"));
            if (index != null && index != SpaceIndexType.NONE) {
                indexes.put(property, index);
            }
            return this;
        }

        /** Whether undeclared properties are accepted (default true). */
        public Builder dynamicProperties(boolean allowed) {
            this.dynamicProperties = allowed;
            return this;
        }

        private static String requireName(String property) {
            if (property == null || property.isBlank()) {
                throw new IllegalArgumentException("property name must not be null or blank");
            }
            return property;
        }

        /** Validates and builds. */
        public SpaceDocumentType build() {
            if (idProperty == null) {
                throw new IllegalArgumentException("document type '" + name + "' has no id property: call id(name, type)");
            }
            if (autoGenerateId && propertyTypes.get(idProperty) != String.class) {
                throw new IllegalArgumentException("document type '" + name + "': an auto-generated id must be a String, got "
                        + propertyTypes.get(idProperty).getName());
            }
            if (routingProperty != null && !propertyTypes.containsKey(routingProperty)) {
                throw new IllegalArgumentException("document type '" + name + "': routing property '" + routingProperty
                        + "' is not declared; declare it with property(name, type)");
            }
            if (versionProperty != null) {
                Class<?> vt = propertyTypes.get(versionProperty);
                if (vt != Long.class && vt != Integer.class) {
                    throw new IllegalArgumentException("document type '" + name + "': version property '" + versionProperty
                            + "' must be Integer or Long, got " + vt.getName());
                }
            }
            return new SpaceDocumentType(this);
        }
    }
}

package io.khora.document;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A schema-less entry: a type name and named properties. Its type must be registered first with a
 * {@link SpaceDocumentType} that names the id property (and optionally routing, version and
 * indexes); properties the type does not declare are stored as dynamic properties and can be
 * queried like declared ones.
 *
 * <p>Not thread-safe; the space copies a document's properties on write and returns fresh
 * documents on read.
 */
public final class SpaceDocument {
    private final String typeName;
    private final Map<String, Object> properties;

    /** An empty document of {@code typeName}. */
    public SpaceDocument(String typeName) {
        this(typeName, Map.of());
    }

    /** A document of {@code typeName} with a copy of {@code properties}. */
    public SpaceDocument(String typeName, Map<String, ?> properties) {
        if (typeName == null || typeName.isBlank()) {
            throw new IllegalArgumentException("document type name must not be null or blank");
        }
        this.typeName = typeName;
        this.properties = new LinkedHashMap<>(Objects.requireNonNull(properties, "properties"));
    }

    /** The type name. */
    public String getTypeName() {
        return typeName;
    }

    /** A property value, or null. */
    public Object getProperty(String name) {
        return properties.get(name);
    }

    /** A property value cast to the caller's type, or null. */
    @SuppressWarnings("unchecked")
    public <V> V get(String name) {
        return (V) properties.get(name);
    }

    /** Sets a property (null removes it) and returns this document. */
    public SpaceDocument setProperty(String name, Object value) {
        Objects.requireNonNull(name, "property name");
        if (value == null) {
            properties.remove(name);
        } else {
            properties.put(name, value);
        }
        return this;
    }

    /** Whether the property is present. */
    public boolean containsProperty(String name) {
        return properties.containsKey(name);
    }

    /** An unmodifiable view of the properties, in insertion order. */
    public Map<String, Object> getProperties() {
        return Collections.unmodifiableMap(properties);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpaceDocument d && d.typeName.equals(typeName) && d.properties.equals(properties);
    }

    @Override
    public int hashCode() {
        return typeName.hashCode() * 31 + properties.hashCode();
    }

    @Override
    public String toString() {
        return typeName + properties;
    }
}

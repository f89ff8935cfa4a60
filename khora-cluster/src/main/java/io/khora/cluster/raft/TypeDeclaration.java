package io.khora.cluster.raft;

import io.khora.SpaceTypeException;
import io.khora.annotation.SpaceIndexType;
import io.khora.document.SpaceDocument;
import io.khora.internal.metadata.EntryCodec;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.Types;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a replica needs to know about an entry type to store, index and query its entries without
 * the user's class: the type name, its supertype's name, the properties in values-array order
 * (name, Java type name, primitive or not, index kind) and the positions of id, routing and
 * version. Made from the leader-side {@link TypeDescriptor} with {@link #of}, shipped once per
 * group in a DECLARE_TYPE log entry, and turned into a replica-side descriptor with
 * {@link #toDescriptor}.
 *
 * <p>Determinism: a replica-side descriptor depends on the declaration only, never on the
 * replica's class path. Property types that are JDK classes ({@code java.*}, primitives, arrays of
 * them) keep their type, so queries coerce literals exactly as the embedded engine does; any other property type
 * (a user enum, a nested POJO) is {@code Object} on every replica, and queries compare such values
 * as they are.
 *
 * @param name the type name
 * @param className the user's class name (POJO, record), or null for a document type; informational
 * @param kind how users represent entries of the type
 * @param superName the space supertype's name, or null for a root type
 * @param properties the properties in values-array order (the supertype's first)
 * @param idIndex position of the id property
 * @param routingIndex position of the routing property
 * @param versionIndex position of the version property, or -1
 * @param autoGenerateId whether ids are generated (by the proposer, before the command is logged)
 * @param dynamicProperties whether values end with a map of undeclared properties (documents)
 */
public record TypeDeclaration(String name, String className, TypeDescriptor.Kind kind, String superName,
                              List<PropertyDeclaration> properties, int idIndex, int routingIndex, int versionIndex,
                              boolean autoGenerateId, boolean dynamicProperties) {

    /**
     * One property.
     *
     * @param name the property name
     * @param typeName the boxed Java type's name ({@code java.lang.Integer} for {@code int})
     * @param primitive whether the declared type is primitive (never null)
     * @param index the index kind
     */
    public record PropertyDeclaration(String name, String typeName, boolean primitive, SpaceIndexType index) {
        /** Checks the components. */
        public PropertyDeclaration {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(typeName, "typeName");
            Objects.requireNonNull(index, "index");
        }
    }

    /** Checks the components. */
    public TypeDeclaration {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        properties = List.copyOf(properties);
        if (idIndex < 0 || idIndex >= properties.size() || routingIndex < 0 || routingIndex >= properties.size()
                || versionIndex >= properties.size()) {
            throw new IllegalArgumentException("type " + name + ": id/routing/version positions out of range");
        }
    }

    /** The declaration of a leader-side descriptor. */
    public static TypeDeclaration of(TypeDescriptor d) {
        List<PropertyDeclaration> props = new ArrayList<>(d.propertyCount());
        for (PropertyDescriptor p : d.properties()) {
            props.add(new PropertyDeclaration(p.name(), p.type().getName(), p.isPrimitive(), p.index()));
        }
        String className = d.kind() == TypeDescriptor.Kind.DOCUMENT ? null : d.javaType().getName();
        return new TypeDeclaration(d.name(), className, d.kind(), d.superType() == null ? null : d.superType().name(),
                props, d.idIndex(), d.routingIndex(), d.versionIndex(), d.autoGenerateId(), d.supportsDynamicProperties());
    }

    /**
     * The replica-side descriptor: the same layout, property types resolved as the class comment
     * says, and a codec that refuses user objects (a replica holds values arrays only).
     *
     * @param superType the descriptor of {@link #superName()}, or null for a root type
     */
    public TypeDescriptor toDescriptor(TypeDescriptor superType) {
        if ((superName == null) != (superType == null) || (superType != null && !superType.name().equals(superName))) {
            throw new SpaceTypeException("type " + name + " needs its supertype " + superName + " declared first");
        }
        if (superType != null) {
            List<PropertyDescriptor> inherited = superType.properties();
            for (int i = 0; i < inherited.size(); i++) {
                if (i >= properties.size() || !inherited.get(i).name().equals(properties.get(i).name())) {
                    throw new SpaceTypeException("type " + name + " does not start with the properties of its supertype " + superName);
                }
            }
        }
        List<PropertyDescriptor> props = new ArrayList<>(properties.size());
        for (int i = 0; i < properties.size(); i++) {
            PropertyDeclaration p = properties.get(i);
            Class<?> boxed = resolve(p.typeName());
            Class<?> declared = p.primitive() ? Types.unbox(boxed) : boxed;
            props.add(new PropertyDescriptor(p.name(), i, declared, p.index()));
        }
        Class<?> javaType = kind == TypeDescriptor.Kind.DOCUMENT ? SpaceDocument.class : Object.class;
        return new TypeDescriptor(name, kind, javaType, superType, props, idIndex, routingIndex, versionIndex,
                autoGenerateId, dynamicProperties, new ValuesOnlyCodec(name));
    }

    /**
     * JDK classes (and arrays of them) by name, through the platform class loader, which never sees
     * application classes: anything else is Object, on every replica alike.
     */
    static Class<?> resolve(String typeName) {
        try {
            return Class.forName(typeName, false, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Object.class;
        }
    }

    /** Writes this declaration. */
    public void writeTo(WireOutput out) {
        out.writeString(name);
        out.writeValue(className);
        out.writeByte(kind.ordinal());
        out.writeValue(superName);
        out.writeVarInt(properties.size());
        for (PropertyDeclaration p : properties) {
            out.writeString(p.name());
            out.writeString(p.typeName());
            out.writeBoolean(p.primitive());
            out.writeByte(indexCode(p.index()));
        }
        out.writeVarInt(idIndex);
        out.writeVarInt(routingIndex);
        out.writeSignedVarInt(versionIndex);
        out.writeBoolean(autoGenerateId);
        out.writeBoolean(dynamicProperties);
    }

    /** Reads a declaration written by {@link #writeTo}. */
    public static TypeDeclaration readFrom(WireInput in) {
        String name = in.readString();
        String className = (String) in.readValue();
        TypeDescriptor.Kind kind = TypeDescriptor.Kind.values()[in.readByte()];
        String superName = (String) in.readValue();
        int n = in.readVarInt();
        List<PropertyDeclaration> props = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            props.add(new PropertyDeclaration(in.readString(), in.readString(), in.readBoolean(), indexType(in.readByte())));
        }
        return new TypeDeclaration(name, className, kind, superName, props, in.readVarInt(), in.readVarInt(),
                in.readSignedVarInt(), in.readBoolean(), in.readBoolean());
    }

    private static final Map<SpaceIndexType, Integer> INDEX_CODES = Map.of(
            SpaceIndexType.NONE, 0, SpaceIndexType.EQUAL, 1, SpaceIndexType.ORDERED, 2);

    private static int indexCode(SpaceIndexType t) {
        Integer c = INDEX_CODES.get(t);
        if (c == null) {
            throw new IllegalArgumentException("no wire code for index type " + t);
        }
        return c;
    }

    private static SpaceIndexType indexType(int code) {
        for (Map.Entry<SpaceIndexType, Integer> e : INDEX_CODES.entrySet()) {
            if (e.getValue() == code) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("unknown index type code " + code);
    }

    /** A replica stores values arrays; it never turns them into user objects. */
    private static final class ValuesOnlyCodec implements EntryCodec {
        private final String typeName;

        ValuesOnlyCodec(String typeName) {
            this.typeName = typeName;
        }

        @Override
        public Object[] toValues(Object entry) {
            throw new UnsupportedOperationException("a replica of type " + typeName + " holds values arrays, not user objects");
        }

        @Override
        public Object fromValues(Object[] values) {
            throw new UnsupportedOperationException("a replica of type " + typeName + " holds values arrays, not user objects");
        }

        @Override
        public boolean writeBack(Object entry, int position, Object value) {
            return false;
        }
    }
}

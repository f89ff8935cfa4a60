package io.khora.internal.metadata;

import io.khora.annotation.SpaceIndexType;
import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the {@link TypeDescriptor} of a declared document type. */
public final class DocumentTypes {
    private DocumentTypes() {
    }

    /** The descriptor of {@code type}. */
    public static TypeDescriptor describe(SpaceDocumentType type) {
        List<PropertyDescriptor> props = new ArrayList<>();
        String[] names = new String[type.propertyTypes().size()];
        Class<?>[] types = new Class<?>[names.length];
        int i = 0;
        for (Map.Entry<String, Class<?>> e : type.propertyTypes().entrySet()) {
            SpaceIndexType idx = type.indexes().getOrDefault(e.getKey(), SpaceIndexType.NONE);
            props.add(new PropertyDescriptor(e.getKey(), i, e.getValue(), idx));
            names[i] = e.getKey();
            types[i] = Types.box(e.getValue());
            i++;
        }
        int id = indexOf(names, type.idProperty());
        int routing = indexOf(names, type.routingProperty());
        int version = type.versionProperty() == null ? -1 : indexOf(names, type.versionProperty());
        return new TypeDescriptor(type.name(), TypeDescriptor.Kind.DOCUMENT, SpaceDocument.class, null, props,
                id, routing, version, type.autoGenerateId(), type.supportsDynamicProperties(),
                new DocumentCodec(type.name(), names, types, type.supportsDynamicProperties()));
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("property '" + name + "' is not declared");
    }
}

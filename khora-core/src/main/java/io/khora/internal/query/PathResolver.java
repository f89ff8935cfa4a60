package io.khora.internal.query;

import io.khora.QueryException;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.ArrayList;
import java.util.List;

/**
 * Resolves property paths against an entry type. The first segment is a declared property, or a
 * dynamic property of a type that stores them. Each further segment is resolved now when the type
 * of the value before it is a concrete class (so a misspelt nested property fails to compile and
 * the leaf type is known), and at run time otherwise (Object, Map, SpaceDocument, interfaces).
 */
final class PathResolver {
    private final TypeDescriptor type;
    private final String text;

    PathResolver(TypeDescriptor type, String text) {
        this.type = type;
        this.text = text;
    }

    /** Resolves {@code path}; throws {@link QueryException} for an unknown property. */
    ResolvedPath resolve(Path path) {
        List<String> segments = path.segments();
        String first = segments.get(0);
        PropertyDescriptor property = type.property(first);
        ValueReader base;
        Class<?> valueType;
        if (property != null) {
            base = new ValueReader.Slot(property);
            valueType = property.type();
        } else if (type.supportsDynamicProperties()) {
            base = new ValueReader.Dynamic(type.dynamicSlot(), first);
            valueType = Object.class;
        } else {
            throw new QueryException("unknown property '" + first + "' of type " + type.name()
                    + " (known properties: " + knownProperties() + ")", text, path.position());
        }
        if (!path.isNested()) {
            return new ResolvedPath(base, valueType, property, path.dotted(), path.position());
        }
        List<ValueReader.Step> steps = new ArrayList<>();
        for (int i = 1; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (NestedAccess.isStaticallyResolvable(valueType)) {
                PropertyAccessor accessor = NestedAccess.resolve(valueType, segment);
                if (accessor == null) {
                    throw new QueryException("unknown property '" + segment + "' of " + valueType.getName()
                            + " in path '" + path.dotted() + "' (known properties: "
                            + String.join(", ", PropertyAccessor.names(valueType)) + ")", text, path.positions().get(i));
                }
                steps.add(new ValueReader.StaticStep(accessor));
                valueType = accessor.type();
            } else {
                steps.add(new ValueReader.DynamicStep(segment));
                valueType = Object.class;
            }
        }
        ValueReader reader = new ValueReader.Nested(base, steps.toArray(new ValueReader.Step[0]));
        return new ResolvedPath(reader, valueType, null, path.dotted(), path.position());
    }

    private String knownProperties() {
        List<String> names = new ArrayList<>();
        for (PropertyDescriptor p : type.properties()) {
            names.add(p.name());
        }
        return String.join(", ", names);
    }
}

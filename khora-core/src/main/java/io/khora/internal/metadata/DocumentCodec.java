package io.khora.internal.metadata;

import io.khora.SpaceTypeException;
import io.khora.document.SpaceDocument;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Codec for {@link SpaceDocument}s of one declared type: declared properties go to their
 * positions (type-checked), the others to a map in the last slot when the type accepts dynamic
 * properties.
 */
final class DocumentCodec implements EntryCodec {
    private final String typeName;
    private final String[] names;
    private final Class<?>[] types;
    private final boolean dynamic;

    DocumentCodec(String typeName, String[] names, Class<?>[] types, boolean dynamic) {
        this.typeName = typeName;
        this.names = names;
        this.types = types;
        this.dynamic = dynamic;
    }

    @Override
    public Object[] toValues(Object entry) {
        SpaceDocument doc = (SpaceDocument) entry;
        if (!doc.getTypeName().equals(typeName)) {
            throw new SpaceTypeException("document of type '" + doc.getTypeName() + "' given where '" + typeName + "' was expected");
        }
        Object[] values = new Object[names.length + (dynamic ? 1 : 0)];
        Map<String, Object> props = doc.getProperties();
        int declaredSeen = 0;
        for (int i = 0; i < names.length; i++) {
            Object v = props.get(names[i]);
            if (v != null) {
                declaredSeen++;
                values[i] = coerce(names[i], types[i], v);
            }
        }
        if (declaredSeen < props.size()) {
            Map<String, Object> extra = null;
            for (Map.Entry<String, Object> e : props.entrySet()) {
                if (indexOf(e.getKey()) < 0) {
                    if (!dynamic) {
                        throw new SpaceTypeException("document type '" + typeName + "' does not declare property '" + e.getKey()
                                + "' and does not accept dynamic properties");
                    }
                    if (extra == null) {
                        extra = new LinkedHashMap<>();
                    }
                    extra.put(e.getKey(), e.getValue());
                }
            }
            values[names.length] = extra;
        }
        return values;
    }

    private Object coerce(String name, Class<?> type, Object v) {
        if (type.isInstance(v)) {
            return v;
        }
        if (v instanceof Number n && isWideningTarget(v.getClass(), type)) {
            if (type == Long.class) {
                return n.longValue();
            } else if (type == Double.class) {
                return n.doubleValue();
            } else if (type == Integer.class) {
                return n.intValue();
            }
        }
        throw new SpaceTypeException("property '" + name + "' of document type '" + typeName + "' is declared as "
                + type.getName() + " but the document holds a " + v.getClass().getName() + " (" + v + ")");
    }

    private static boolean isWideningTarget(Class<?> from, Class<?> to) {
        boolean smallInt = from == Integer.class || from == Short.class || from == Byte.class;
        return (to == Long.class && (smallInt || from == Long.class))
                || (to == Integer.class && (from == Short.class || from == Byte.class))
                || (to == Double.class && (smallInt || from == Long.class || from == Float.class));
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object fromValues(Object[] values) {
        SpaceDocument doc = new SpaceDocument(typeName);
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null) {
                doc.setProperty(names[i], values[i]);
            }
        }
        if (dynamic && values.length > names.length && values[names.length] != null) {
            ((Map<String, Object>) values[names.length]).forEach(doc::setProperty);
        }
        return doc;
    }

    @Override
    public boolean writeBack(Object entry, int position, Object value) {
        ((SpaceDocument) entry).setProperty(names[position], value);
        return true;
    }
}

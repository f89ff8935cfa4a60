package io.khora.internal.query;

import io.khora.internal.metadata.PropertyDescriptor;

/**
 * A property path resolved against an entry type.
 *
 * @param reader reads the path's value from a values array
 * @param type the boxed type of the value, or Object when it is known only at run time
 * @param property the declared property when the path is one segment naming one, else null
 * @param display the path as written, for messages
 * @param position the offset of the path in the query text
 */
record ResolvedPath(ValueReader reader, Class<?> type, PropertyDescriptor property, String display, int position) {
    /** Whether the path is a declared top-level property of a primitive type (never null). */
    boolean isPrimitiveProperty() {
        return property != null && property.isPrimitive();
    }

    /** Whether the value's type is known when the query is compiled. */
    boolean isTyped() {
        return type != Object.class;
    }
}

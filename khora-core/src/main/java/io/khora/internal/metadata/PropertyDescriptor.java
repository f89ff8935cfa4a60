package io.khora.internal.metadata;

import io.khora.annotation.SpaceIndexType;

/**
 * One property of an entry type: its name, its position in the entry's values array, its Java
 * type (boxed; {@code Object} when unknown) and its index kind. Immutable.
 */
public final class PropertyDescriptor {
    private final String name;
    private final int position;
    private final Class<?> type;
    private final boolean primitive;
    private final SpaceIndexType index;

    /**
     * @param name property name
     * @param position index in the values array
     * @param declaredType declared Java type, possibly primitive
     * @param index index kind, never null
     */
    public PropertyDescriptor(String name, int position, Class<?> declaredType, SpaceIndexType index) {
        this.name = name;
        this.position = position;
        this.primitive = declaredType.isPrimitive();
        this.type = Types.box(declaredType);
        this.index = index == null ? SpaceIndexType.NONE : index;
    }

    /** The property name. */
    public String name() {
        return name;
    }

    /** Position in the values array. */
    public int position() {
        return position;
    }

    /** The boxed Java type ({@code Integer} for {@code int}); {@code Object} when unknown. */
    public Class<?> type() {
        return type;
    }

    /** Whether the declared type is primitive (the value is never null). */
    public boolean isPrimitive() {
        return primitive;
    }

    /** The index kind. */
    public SpaceIndexType index() {
        return index;
    }

    /** Whether an index of any kind is kept. */
    public boolean isIndexed() {
        return index != SpaceIndexType.NONE;
    }

    PropertyDescriptor withIndex(SpaceIndexType newIndex) {
        return new PropertyDescriptor(name, position, primitive ? Types.unbox(type) : type, newIndex);
    }

    @Override
    public String toString() {
        return name + ":" + type.getSimpleName() + (index == SpaceIndexType.NONE ? "" : "[" + index + "]");
    }
}

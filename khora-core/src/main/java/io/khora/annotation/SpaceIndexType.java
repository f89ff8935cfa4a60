package io.khora.annotation;

/** The kind of index kept for a property. */
public enum SpaceIndexType {
    /** No index: queries on the property scan. */
    NONE,
    /** A hash index: serves {@code =} and {@code IN}. */
    EQUAL,
    /** An ordered index: serves {@code =}, {@code IN}, {@code < <= > >=} and {@code BETWEEN}. */
    ORDERED
}

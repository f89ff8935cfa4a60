package io.khora.internal.writebehind;

import io.khora.internal.metadata.TypeDescriptor;

/** Finds the type of an outbox record again: a registered document type by name, or a class by name. */
@FunctionalInterface
public interface TypeResolver {
    /**
     * @param typeName the space type name
     * @param className the entry class name, or null for a document type
     */
    TypeDescriptor resolve(String typeName, String className);
}

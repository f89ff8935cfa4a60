package io.khora.internal.persistence;

import io.khora.internal.metadata.TypeDescriptor;

/** The API-side mapping the persistence layer needs: user objects from a data source into values arrays. */
public interface EntryMapping extends EntryCopier {
    /** The type of a user object (POJO, record or document); throws a clear error for unusable ones. */
    TypeDescriptor describeEntry(Object entry);

    /** The values array of a user object of {@code type} (collections copied, id generated if needed). */
    Object[] toValues(TypeDescriptor type, Object entry);
}

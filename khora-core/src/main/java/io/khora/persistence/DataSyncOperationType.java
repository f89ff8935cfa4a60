package io.khora.persistence;

/** What a {@link DataSyncOperation} does to the entry in the data store. */
public enum DataSyncOperationType {
    /** A new entry: insert it. */
    WRITE,
    /** A replaced entry: update all its columns. */
    UPDATE,
    /** A {@code change} that only sets or unsets properties: update those columns. */
    PARTIAL_UPDATE,
    /** A taken, cleared or cancelled entry: delete it. */
    REMOVE,
    /** A {@code change} with increments or collection edits: apply them (the new full state is attached too). */
    CHANGE
}

package io.khora;

/** What happened to an entry. */
public enum SpaceEventType {
    /** A new entry was written. */
    WRITE,
    /** An existing entry was replaced or changed. */
    UPDATE,
    /** An entry was taken, cleared or its lease cancelled. */
    TAKE,
    /** An entry's lease expired and it was evicted. */
    EXPIRE
}

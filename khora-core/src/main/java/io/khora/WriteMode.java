package io.khora;

/** What a {@code write} does when an entry with the same id does, or does not, exist. */
public enum WriteMode {
    /** Insert, or replace the existing entry (the default). */
    UPDATE_OR_WRITE,
    /** Insert only; fails with {@link EntryAlreadyExistsException} if the id exists. */
    WRITE_ONLY,
    /** Replace only; fails with {@link EntryNotFoundException} if the id is missing. */
    UPDATE_ONLY
}

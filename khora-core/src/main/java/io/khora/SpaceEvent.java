package io.khora;

/**
 * One change to one entry, as delivered to a {@link SpaceListener}. For WRITE and UPDATE the entry
 * is the new value; for TAKE and EXPIRE it is the value that was removed.
 *
 * @param type what happened
 * @param id the entry's id
 * @param entry the entry (a fresh copy, safe to keep)
 * @param version the entry's version after the event (for TAKE/EXPIRE: the removed version)
 * @param <T> the entry type
 */
public record SpaceEvent<T>(SpaceEventType type, Object id, T entry, long version) {
}

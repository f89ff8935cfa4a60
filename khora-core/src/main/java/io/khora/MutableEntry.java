package io.khora;

/**
 * The entry an {@link EntryProcessor} works on: read it, replace it, or remove it. Changes take
 * effect when the processor returns, atomically with the read (nothing else changes the entry in
 * between); only the last change counts.
 *
 * @param <T> the entry type
 */
public interface MutableEntry<T> {
    /** The entry's id. */
    Object id();

    /** Whether a live entry with the id exists (as changed by this processor so far). */
    boolean exists();

    /** A copy of the entry (as changed by this processor so far), or null. */
    T get();

    /** Replaces (or creates) the entry, keeping its lease (FOREVER for a new one). Its id must be this entry's. */
    void set(T value);

    /** Replaces (or creates) the entry with a new lease. */
    void set(T value, Lease lease);

    /** Removes the entry. */
    void remove();
}

package io.khora;

/**
 * The result of a write: the entry's id, its version and its lease, which can be renewed or
 * cancelled.
 *
 * @param <T> the entry type
 */
public interface LeaseHandle<T> {
    /** The entry's id (generated if the type auto-generates ids). */
    Object id();

    /** The version the entry got (1 for a new entry). */
    long version();

    /** The absolute expiry in the space's {@link Ticker} milliseconds; {@link Long#MAX_VALUE} for FOREVER. */
    long expiresAt();

    /** Whether the write created the entry (false: it replaced one). */
    boolean created();

    /**
     * Gives the entry a new lease, counted from now.
     *
     * @throws EntryNotFoundException if the entry is gone (taken or expired)
     */
    void renew(Lease lease);

    /**
     * Removes the entry now (a TAKE event is published).
     *
     * @throws EntryNotFoundException if the entry is gone
     */
    void cancel();
}

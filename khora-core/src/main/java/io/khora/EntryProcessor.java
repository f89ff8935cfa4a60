package io.khora;

/**
 * Code run atomically on one entry, inside its partition (on the caller's thread for an embedded
 * space): a read-modify-write without a round trip and without a lost update. Keep it short — the
 * partition is locked while it runs — and free of calls back into the space.
 *
 * @param <T> the entry type
 * @param <R> the result type
 */
@FunctionalInterface
public interface EntryProcessor<T, R> {
    /** Reads and changes {@code entry}; the returned value is handed back to the caller. */
    R process(MutableEntry<T> entry);
}

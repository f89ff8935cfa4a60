package io.khora;

/**
 * An operation needed an entry that another transaction holds locked, and the lock was not
 * released within the lock wait ({@link TransactionOptions#lockWait} for an operation inside a
 * transaction, {@link EmbeddedSpaceBuilder#lockWait} for one outside), or waiting would have
 * closed a cycle of transactions waiting for each other (a deadlock: the transaction that would
 * close it gets this at once). Nothing of the failed operation was applied; a transaction that
 * gets it is still active — roll it back and retry, or carry on without that entry.
 */
public class TransactionConflictException extends TransactionException {
    private final String holder;

    /**
     * @param message what conflicted
     * @param holder the id of the transaction holding the lock (null if unknown)
     */
    public TransactionConflictException(String message, String holder) {
        super(message);
        this.holder = holder;
    }

    /** The id of the transaction that holds the lock, or null. */
    public String holderId() {
        return holder;
    }
}

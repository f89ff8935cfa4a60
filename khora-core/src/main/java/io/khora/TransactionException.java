package io.khora;

/**
 * A {@link Transaction} failed: it ended (committed, rolled back or timed out) before the operation,
 * or its commit was refused and it was rolled back (the cause says why: for example a
 * {@link io.khora.persistence.SpacePersistenceException} when the synchronization endpoint refused
 * it). When a commit throws this, nothing of the transaction was applied.
 */
public class TransactionException extends SpaceException {
    /** With a message. */
    public TransactionException(String message) {
        super(message);
    }

    /** With a message and a cause. */
    public TransactionException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.khora;

/**
 * The transaction's timeout elapsed before it committed: it was rolled back (its locks released,
 * the entries it took are back, its writes are gone) and every later operation and
 * {@link Transaction#commit()} throws this.
 */
public class TransactionTimedOutException extends TransactionException {
    /** With a message. */
    public TransactionTimedOutException(String message) {
        super(message);
    }
}

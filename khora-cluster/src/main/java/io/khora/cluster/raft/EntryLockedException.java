package io.khora.cluster.raft;

import io.khora.TransactionConflictException;

/**
 * A plain write, take, change or clear touched an entry that a prepared cluster transaction locks
 * (between its prepare and its commit or abort). The partition's leader proposes the operation
 * again once the lock is gone, up to the operation's lock wait; a call refused this way is not
 * remembered, so its retry is applied normally.
 */
public final class EntryLockedException extends TransactionConflictException {
    /** @param message what is locked, by whom @param holder the transaction holding the lock */
    public EntryLockedException(String message, String holder) {
        super(message, holder);
    }
}

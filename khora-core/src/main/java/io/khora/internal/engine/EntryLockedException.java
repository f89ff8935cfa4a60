package io.khora.internal.engine;

import io.khora.TransactionConflictException;

/**
 * Thrown by the engine when an operation needs an entry a transaction holds locked: the engine never
 * waits (in a cluster it is a state machine), so the caller waits for {@link #holderPart()}'s
 * {@link TxPart#released()} and retries, or gives up with a {@link TransactionConflictException}.
 */
public final class EntryLockedException extends TransactionConflictException {
    private final transient TxPart holder;

    EntryLockedException(TxPart holder, String typeName, Object id) {
        this(holder, "entry of " + typeName + " with id=" + id);
    }

    EntryLockedException(TxPart holder, String what) {
        super(what + " is locked by transaction " + holder.txId(), holder.txId());
        this.holder = holder;
    }

    /** The part holding the lock. */
    public TxPart holderPart() {
        return holder;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a signal between engine and caller, thrown often under contention: no stack trace
    }
}

package io.khora.internal.router;

import io.khora.Transaction;
import io.khora.TransactionOptions;

import java.util.UUID;

/**
 * What every transaction holds, embedded or remote: a random id, its options, its status and
 * whether it ended by timing out. Status and the timed-out flag are volatile: any thread may ask
 * while the owner commits or the timer rolls back. Subclasses run the protocol and move the status.
 */
public abstract class TransactionRecord implements Transaction {
    private final String id = UUID.randomUUID().toString();
    private final TransactionOptions options;
    private volatile Status status = Status.ACTIVE;
    private volatile boolean timedOut;

    protected TransactionRecord(TransactionOptions options) {
        this.options = options;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final TransactionOptions options() {
        return options;
    }

    @Override
    public final Status status() {
        return status;
    }

    @Override
    public final boolean isTimedOut() {
        return timedOut;
    }

    /** Moves the status. */
    protected final void status(Status next) {
        this.status = next;
    }

    /** Records whether the transaction ended by timing out. */
    protected final void timedOut(boolean timedOut) {
        this.timedOut = timedOut;
    }
}

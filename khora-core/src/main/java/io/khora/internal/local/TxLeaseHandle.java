package io.khora.internal.local;

import io.khora.Lease;
import io.khora.LeaseHandle;
import io.khora.Transaction;
import io.khora.TransactionException;

/**
 * The lease of an entry written under a transaction: renewing or cancelling it is possible once the
 * transaction has committed (before, the entry exists only in the transaction).
 */
final class TxLeaseHandle<T> implements LeaseHandle<T> {
    private final LocalTransaction tx;
    private final LeaseHandle<T> committed;

    TxLeaseHandle(LocalTransaction tx, LeaseHandle<T> committed) {
        this.tx = tx;
        this.committed = committed;
    }

    @Override
    public Object id() {
        return committed.id();
    }

    @Override
    public long version() {
        return committed.version();
    }

    @Override
    public long expiresAt() {
        return committed.expiresAt();
    }

    @Override
    public boolean created() {
        return committed.created();
    }

    @Override
    public void renew(Lease lease) {
        requireCommitted("renewed");
        committed.renew(lease);
    }

    @Override
    public void cancel() {
        requireCommitted("cancelled");
        committed.cancel();
    }

    private void requireCommitted(String what) {
        if (tx.status() != Transaction.Status.COMMITTED) {
            throw new TransactionException("the entry " + id() + " was written under transaction " + tx.id() + ", which is "
                    + tx.status().name().toLowerCase().replace('_', ' ') + "; its lease can be " + what + " once it has committed");
        }
    }

    @Override
    public String toString() {
        return committed + " (under " + tx.id() + ")";
    }
}

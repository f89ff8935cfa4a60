package io.khora;

/**
 * A unit of work over one space: the operations run through {@link #space()} (or
 * {@code space.with(tx)}) take effect together at {@link #commit()}, or not at all.
 *
 * <pre>{@code
 * try (Transaction tx = space.beginTransaction()) {
 *     Job job = tx.space().take(Query.of(Job.class, "queue = 'in'"), Period.ofMillis(100));
 *     if (job != null) {
 *         tx.space().write(new Result(job.id(), compute(job)));
 *     }
 *     tx.commit();
 * } // not committed (an exception, a return): rolled back, the job is back in the space
 * }</pre>
 *
 * <p><b>Isolation</b> (see {@link TransactionOptions.Isolation}): until commit, nothing the
 * transaction does is visible to others — they read the last committed state, and a waiting read
 * or take of another party is not woken by an uncommitted write (it is woken at commit). The
 * transaction sees its own writes, updates and takes. Every entry it writes, updates, changes or
 * takes (and, with {@code EXCLUSIVE_READ}, reads) is locked until it ends: other transactions' and
 * non-transactional updates of that entry wait for the lock (up to their lock wait, then
 * {@link TransactionConflictException}); their takes skip it (a take with a period keeps waiting and
 * gets it if the transaction rolls back); plain reads see the committed state.
 *
 * <p><b>Atomicity</b>: a commit applies the transaction's changes in each partition as one unit
 * (under the partition's lock: no mutation, waiter, index-planned query or exclusive reader sees a
 * part of it); over several partitions of an embedded space it is a two-phase commit — every
 * partition is prepared (validated, locks held) before any is applied, and a failure before that
 * point rolls all of them back. Lock-free reads (by id, full scans) read entry by entry and may
 * straddle a commit, as {@code READ_COMMITTED} allows; exclusive reads never do.
 *
 * <p><b>Persistence</b>: a committed transaction reaches the synchronization endpoint as one
 * {@link io.khora.persistence.TransactionData} ({@code onTransactionSynchronization}): with
 * write-through before {@code commit} returns (a refusal rolls it back), with write-behind as one
 * unit of the outbox.
 *
 * <p><b>Timeout</b>: a transaction not committed within its timeout is rolled back by the space.
 * A transaction may be used from several threads, but its operations are not ordered with respect to
 * each other then, and none may still be running when it commits. A transaction is of the space that
 * began it. Embedded spaces lock pessimistically as described above; a cluster space's transactions
 * are optimistic (versions checked and entries locked at commit, two-phase over partitions, the
 * decision in the home partition's replicated log; see the cluster client's RemoteTransaction).
 */
public interface Transaction extends AutoCloseable {
    /** Where a transaction is in its life. */
    enum Status {
        /** Operations may run. */
        ACTIVE,
        /** {@link #commit()} is in progress. */
        COMMITTING,
        /** Committed: its changes are applied (and persisted). */
        COMMITTED,
        /** Rolled back (by {@link #rollback()}, {@link #close()}, a failed commit, or its timeout). */
        ROLLED_BACK
    }

    /** The transaction's id (also {@link io.khora.persistence.TransactionData#getTransactionId()}). */
    String id();

    /** The options it was begun with. */
    TransactionOptions options();

    /** The current status. */
    Status status();

    /** Whether it was rolled back because its timeout elapsed. */
    boolean isTimedOut();

    /**
     * The transaction's view of the space: every read, write, update, change and take through it
     * runs under this transaction (waiting reads and takes included). Subscriptions, type
     * registration and life-cycle calls are the space's own. Closing the view closes the
     * transaction ({@link #close()}).
     */
    Space space();

    /**
     * Applies everything the transaction did, atomically, persists it (write-through: before
     * returning), releases its locks and wakes the waiters its changes match. Idempotent once
     * committed.
     *
     * @throws TransactionTimedOutException if the timeout elapsed (the transaction was rolled back)
     * @throws TransactionException if it had ended already, or the commit failed and the transaction
     *     was rolled back (the cause says why)
     * @throws SpaceException on a cluster space, its {@code OutcomeUnknownException} when whether the
     *     commit was applied could not be learnt; the transaction stays {@link Status#COMMITTING} and
     *     calling {@code commit()} again learns the outcome (it commits, or is rolled back for good)
     */
    void commit();

    /**
     * Discards everything the transaction did: its writes vanish, the entries it took are back, its
     * locks are released (waiting takers may now get those entries). Idempotent; a no-op after a
     * timeout.
     *
     * @throws TransactionException if it is committed or committing
     */
    void rollback();

    /** Rolls back unless committed (or rolled back already); never throws for a finished transaction. */
    @Override
    void close();
}

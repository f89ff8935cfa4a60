package io.khora.internal.persistence;

import io.khora.internal.engine.Change;

import java.util.List;

/**
 * How committed transactions are persisted (write-through, write-behind, or not at all). The
 * coordinator of a transaction asks for one {@link Commit} per commit and drives it:
 *
 * <ul>
 *   <li>one partition changed: {@link Commit#persistPart} under that partition's lock, then the
 *       part is applied; a throw vetoes the commit (nothing applied);</li>
 *   <li>several: {@link Commit#persistPart} for each partition while it is prepared (under its
 *       lock), {@link Commit#persistAll} once every partition is prepared (no lock held; every
 *       entry of the transaction is locked), {@link Commit#decided}, then the parts are applied;
 *       a throw anywhere before {@code decided(true)} aborts every part
 *       ({@link Commit#abortPart} under the lock of each part whose {@code persistPart} was called);</li>
 *   <li>{@link Commit#afterCommit} once everything is applied, without locks.</li>
 * </ul>
 */
public interface TransactionSink {
    /** Persists nothing. */
    TransactionSink NONE = (txId, partitions) -> new Commit() {
    };

    /**
     * One commit of {@code txId}, which changed {@code partitions} (ascending, 0-based). May block
     * (write-behind orders commits over several partitions).
     */
    Commit begin(String txId, int[] partitions);

    /** The persistence of one commit. */
    interface Commit {
        /**
         * A partition's changes, in the transaction's order (with each change's transaction-wide
         * {@code order}); under that partition's lock. Throwing vetoes the transaction.
         */
        default void persistPart(int partition, List<Change> changes, long[] order) {
        }

        /** Every part is prepared (several partitions only); no lock held. Throwing vetoes the transaction. */
        default void persistAll() {
        }

        /** The outcome is decided: {@code committed} means the parts are applied now (several partitions only). */
        default void decided(boolean committed) {
        }

        /**
         * The part of {@code partition}, for which {@link #persistPart} was called (and returned, or
         * threw), is aborted; under its lock.
         */
        default void abortPart(int partition) {
        }

        /** Every part is applied; no lock held. Must not throw. */
        default void afterCommit() {
        }
    }
}

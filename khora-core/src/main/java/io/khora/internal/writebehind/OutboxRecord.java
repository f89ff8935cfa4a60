package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;

import java.util.List;

/** One record of a partition's outbox, decoded: an operation's change, a transaction's part, or an abort marker. */
sealed interface OutboxRecord permits OutboxRecord.Single, OutboxRecord.TxRecord, OutboxRecord.TxAbort {
    /** The record's sequence in its outbox. */
    long sequence();

    /** The changes it carries (none for an abort marker). */
    List<Change> changes();

    /** A change of a non-transactional operation (each change of an operation is its own record). */
    record Single(Change change) implements OutboxRecord {
        @Override
        public long sequence() {
            return change.sequence();
        }

        @Override
        public List<Change> changes() {
            return List.of(change);
        }
    }

    /**
     * A committed transaction's changes in one partition, as one record (so it is appended, recovered
     * and delivered whole). Every change carries the record's sequence.
     *
     * @param txId the transaction
     * @param participants the partitions the transaction changed, ascending ({@code [partition]} for
     *     a single-partition transaction)
     * @param partition this record's partition
     * @param changes the changes, in the transaction's order
     * @param order the transaction-wide order of each change
     * @param sequence the record's sequence
     * @param logId the log id of the outbox the record was read from (its sequence's numbering), or
     *     null if not known; a consolidated multi-partition transaction is delivered, by whichever
     *     participant's mirror arrives last, under its lowest part's sequence and log id
     * @param mirrorEpoch the epoch of the mirror's lease on the record's partition, or 0 (see
     *     {@link io.khora.persistence.SynchronizationSourceDetails#mirrorEpoch()})
     */
    record TxRecord(String txId, int[] participants, int partition, List<Change> changes, long[] order, long sequence,
                    String logId, long mirrorEpoch) implements OutboxRecord {
        /** A part whose log id is not known (yet). */
        TxRecord(String txId, int[] participants, int partition, List<Change> changes, long[] order, long sequence) {
            this(txId, participants, partition, changes, order, sequence, null, 0L);
        }

        /** This part, read from the outbox of log id {@code id} by a mirror whose lease has epoch {@code epoch}. */
        TxRecord withSource(String id, long epoch) {
            return java.util.Objects.equals(id, logId) && epoch == mirrorEpoch ? this
                    : new TxRecord(txId, participants, partition, changes, order, sequence, id, epoch);
        }

        /** Whether the transaction changed other partitions too (its parts are delivered together). */
        boolean multiPartition() {
            return participants.length > 1;
        }
    }

    /**
     * The part of {@code txId} appended earlier in this outbox is void: the transaction was rolled back
     * after that partition was prepared (a later partition failed).
     */
    record TxAbort(String txId, long sequence) implements OutboxRecord {
        @Override
        public List<Change> changes() {
            return List.of();
        }
    }
}

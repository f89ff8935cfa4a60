package io.khora.persistence;

/**
 * The changes of one committed transaction, to be applied as one unit (seed 000: "transaction
 * committed" → {@link SpaceSynchronizationEndpoint#onTransactionSynchronization}). A transaction
 * that changed nothing is not delivered at all.
 *
 * <p>Each operation is one entry's net change in the transaction (an entry created and taken inside
 * it yields none; several changes yield the final state; a single change keeps its kind and its
 * change operations), in the order the transaction last changed each entry — across partitions.
 * {@link DataSyncOperation#getPartitionId()} is the entry's partition. With write-through the
 * sequences are the partitions' (not durable); with write-behind every operation carries one
 * sequence: that of the transaction's outbox record in the partition of
 * {@link #getSourceDetails()} (the lowest partition the transaction changed), so an endpoint that
 * checkpoints per (space, partition) applies the whole transaction or skips it whole.
 */
public interface TransactionData {
    /** The transaction's id. */
    String getTransactionId();

    /** The changes, in the transaction's order. */
    DataSyncOperation[] getTransactionParticipantDataItems();

    /** Where the transaction ran: the space and the lowest partition it changed. */
    SynchronizationSourceDetails getSourceDetails();

    /**
     * Whether the parts of a multi-partition transaction were consolidated into this one unit (true
     * whenever the transaction changed more than one partition: an embedded space always delivers
     * such a transaction whole).
     */
    boolean isConsolidated();
}

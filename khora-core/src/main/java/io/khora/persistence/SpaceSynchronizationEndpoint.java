package io.khora.persistence;

/**
 * Writes a space's changes to a data store (seed 000). With write-through the space calls it
 * synchronously inside each operation: if {@link #onOperationsBatchSynchronization} throws, the
 * operation fails with that cause and the space is left unchanged; the {@code after…} hooks run
 * once the change is applied in the space. With write-behind the mirror calls it with batches, in
 * sequence order per partition.
 *
 * <p>Which space call reaches which method: {@code write}, {@code change}, {@code take},
 * {@code writeMultiple}, {@code takeMultiple} and {@code clear} →
 * {@link #onOperationsBatchSynchronization} and {@link #afterOperationsBatchSynchronization}; a
 * committed transaction → {@link #onTransactionSynchronization} and
 * {@link #afterTransactionSynchronization}; a transaction whose parts could not be consolidated →
 * {@link #onTransactionConsolidationFailure}.
 */
public abstract class SpaceSynchronizationEndpoint {
    /** Persist the batch; throw to refuse it. Default: nothing. */
    public void onOperationsBatchSynchronization(OperationsBatchData batchData) {
    }

    /** Called after the batch was persisted and applied. Default: nothing. */
    public void afterOperationsBatchSynchronization(OperationsBatchData batchData) {
    }

    /** Persist the transaction as one unit; throw to refuse it. Default: nothing. */
    public void onTransactionSynchronization(TransactionData transactionData) {
    }

    /** Called after the transaction was persisted. Default: nothing. */
    public void afterTransactionSynchronization(TransactionData transactionData) {
    }

    /**
     * A part of a multi-partition transaction arrived without its siblings in time. The default
     * commits the part (the data that did arrive is not lost); override to abort instead. Nothing
     * calls it yet: an embedded space's parts are all in local outboxes and always delivered
     * together (see {@link TransactionData}), and a cluster's committed transaction has every part
     * committed (by its coordinator or, if that dies, by recovery), so the cluster mirror waits for
     * them all. A bounded consolidation wait that ends here is planned.
     */
    public void onTransactionConsolidationFailure(ConsolidationParticipantData participantData) {
        participantData.commit();
    }
}

package io.khora.persistence;

/** The changes of one committed transaction, to be applied as one unit. */
public interface TransactionData {
    /** The transaction's id. */
    String getTransactionId();

    /** The changes, in order. */
    DataSyncOperation[] getTransactionParticipantDataItems();

    /** Where the transaction ran. */
    SynchronizationSourceDetails getSourceDetails();

    /** Whether the parts of a multi-partition transaction were consolidated into this one unit. */
    boolean isConsolidated();
}

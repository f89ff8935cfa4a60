package io.khora.persistence;

/**
 * One part of a multi-partition transaction whose other parts did not reach the mirror within the
 * configured wait. {@link SpaceSynchronizationEndpoint#onTransactionConsolidationFailure} decides
 * what to do with it: {@link #commit()} applies this part on its own, {@link #abort()} drops it.
 */
public interface ConsolidationParticipantData {
    /** The transaction's id. */
    String getTransactionId();

    /** This part's changes. */
    DataSyncOperation[] getTransactionParticipantDataItems();

    /** Where this part ran. */
    SynchronizationSourceDetails getSourceDetails();

    /** Apply this part on its own. */
    void commit();

    /** Drop this part. */
    void abort();
}

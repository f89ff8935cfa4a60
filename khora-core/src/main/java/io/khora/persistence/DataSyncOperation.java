package io.khora.persistence;

import io.khora.ChangeSet;
import io.khora.document.SpaceDocument;

import java.util.List;

/**
 * One change to write back. Every operation carries the entry's full state after the change (for
 * REMOVE: its last state), so an endpoint that does not understand CHANGE can simply write the
 * entry: no operation type is ever silently impossible to persist.
 */
public interface DataSyncOperation {
    /** What to do. */
    DataSyncOperationType getDataSyncOperationType();

    /** The space type name. */
    String getTypeName();

    /** The entry class, or null for documents. */
    Class<?> getType();

    /** The id property name. */
    String getIdPropertyName();

    /** The entry's id. */
    Object getSpaceId();

    /** The entry's routing value. */
    Object getRouting();

    /** The entry's version after the change. */
    long getVersion();

    /** Whether {@link #getDataAsObject()} gives the entry's class (false for documents). */
    boolean supportsDataAsObject();

    /** The entry as an instance of its class (a fresh copy). */
    Object getDataAsObject();

    /** Whether {@link #getDataAsDocument()} is supported (always true). */
    boolean supportsDataAsDocument();

    /** The entry as a document (a fresh copy). */
    SpaceDocument getDataAsDocument();

    /** For PARTIAL_UPDATE and CHANGE: the changes applied, in order; empty otherwise. */
    List<ChangeSet.Operation> getChanges();

    /** For PARTIAL_UPDATE and CHANGE: the names of the properties that changed; empty otherwise. */
    List<String> getChangedPropertyNames();

    /** The 0-based partition the change happened in. */
    int getPartitionId();

    /**
     * The change's sequence number in its partition, increasing with every persisted change.
     * Write-behind endpoints use it to apply each change exactly once. Compare sequences only within
     * one log id ({@link SynchronizationSourceDetails#logId()} of the batch's
     * {@code getSourceDetails()}): an outbox created afresh numbers from 1 again under a new log id,
     * so a remembered "last applied" sequence must be kept with its log id and start over when the
     * log id differs.
     */
    long getSequence();
}

package io.khora.internal.persistence;

import io.khora.internal.engine.Change;
import io.khora.internal.engine.ChangeSink;
import io.khora.persistence.SpacePersistenceException;
import io.khora.persistence.SpaceSynchronizationEndpoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Synchronous persistence: each partition operation's changes go to the endpoint as one batch,
 * under the partition lock and before memory changes. A refusal fails the operation with a
 * {@link SpacePersistenceException} (the endpoint's exception as cause) and memory stays as it was.
 *
 * <p>A committed transaction goes to the endpoint as one {@code TransactionData}: for one partition
 * under its lock, before the part is applied; over several partitions once all are prepared (every
 * entry of the transaction locked, so the store's order per entry is still the space's), before any
 * is applied. A refusal rolls the transaction back.
 */
public final class WriteThroughSink implements ChangeSink, TransactionSink {
    private static final Logger LOG = LoggerFactory.getLogger(WriteThroughSink.class);

    private final String spaceName;
    private final SpaceSynchronizationEndpoint endpoint;
    private final EntryCopier copier;
    private final boolean persistExpiry;

    /**
     * @param spaceName for messages
     * @param endpoint the endpoint
     * @param copier maps stored entries to fresh user objects
     * @param persistExpiry whether lease expiries are persisted as REMOVE
     */
    public WriteThroughSink(String spaceName, SpaceSynchronizationEndpoint endpoint, EntryCopier copier, boolean persistExpiry) {
        this.spaceName = spaceName;
        this.endpoint = endpoint;
        this.copier = copier;
        this.persistExpiry = persistExpiry;
    }

    @Override
    public boolean isActive() {
        return true;
    }

    @Override
    public boolean persistsExpiry() {
        return persistExpiry;
    }

    @Override
    public void beforeApply(List<Change> changes) {
        OperationsBatch batch = new OperationsBatch(spaceName, changes, copier);
        try {
            endpoint.onOperationsBatchSynchronization(batch);
        } catch (RuntimeException e) {
            throw new SpacePersistenceException("space '" + spaceName + "': the synchronization endpoint refused "
                    + describe(changes) + "; the space is unchanged: " + e, e);
        }
    }

    @Override
    public void afterApply(List<Change> changes) {
        try {
            endpoint.afterOperationsBatchSynchronization(new OperationsBatch(spaceName, changes, copier));
        } catch (RuntimeException e) {
            LOG.warn("space '{}': afterOperationsBatchSynchronization failed for {}", spaceName, describe(changes), e);
        }
    }

    @Override
    public Commit begin(String txId, int[] partitions) {
        return new Commit() {
            private final List<List<Change>> parts = new ArrayList<>(partitions.length);
            private final List<long[]> orders = new ArrayList<>(partitions.length);
            private TransactionBatch data;

            @Override
            public void persistPart(int partition, List<Change> changes, long[] order) {
                parts.add(changes);
                orders.add(order);
                if (partitions.length == 1) {
                    send();
                }
            }

            @Override
            public void persistAll() {
                send();
            }

            private void send() {
                TransactionBatch d = new TransactionBatch(spaceName, txId, parts, orders, copier, partitions[0], false, 0L);
                try {
                    endpoint.onTransactionSynchronization(d);
                } catch (RuntimeException e) {
                    throw new SpacePersistenceException("space '" + spaceName + "': the synchronization endpoint refused transaction "
                            + txId + " (" + d.getTransactionParticipantDataItems().length + " operations); nothing of it was applied: "
                            + e, e);
                }
                data = d;
            }

            @Override
            public void afterCommit() {
                if (data == null) {
                    return;
                }
                try {
                    endpoint.afterTransactionSynchronization(data);
                } catch (RuntimeException e) {
                    LOG.warn("space '{}': afterTransactionSynchronization failed for transaction {}", spaceName, txId, e);
                }
            }
        };
    }

    private static String describe(List<Change> changes) {
        Change first = changes.get(0);
        String what = first.type() + " of " + first.entry().type().name() + " id=" + first.entry().id();
        return changes.size() == 1 ? what : changes.size() + " operations (first: " + what + ")";
    }
}

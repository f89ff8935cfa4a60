package io.khora.internal.persistence;

import io.khora.internal.engine.Change;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.SynchronizationSourceDetails;
import io.khora.persistence.TransactionData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link TransactionData} over the changes of one committed transaction (one part, or the parts of
 * several partitions merged in the transaction's order).
 */
public final class TransactionBatch implements TransactionData {
    private final String txId;
    private final DataSyncOperation[] items;
    private final SynchronizationSourceDetails source;
    private final boolean consolidated;

    /**
     * @param spaceName the space
     * @param txId the transaction's id
     * @param parts each partition's changes (in the transaction's order within the part)
     * @param orders each part's transaction-wide order of its changes (parallel to {@code parts}), or
     *     null to keep the parts' order (partition by partition)
     * @param copier makes user objects of stored entries
     * @param sourcePartition the partition named in the source details (the lowest one)
     * @param durableSequences whether sequences come from a durable outbox
     * @param sequenceOverride when &gt; 0, every operation reports this sequence (the source partition's
     *     outbox record of a consolidated write-behind transaction), else each its own
     */
    public TransactionBatch(String spaceName, String txId, List<List<Change>> parts, List<long[]> orders, EntryCopier copier,
                            int sourcePartition, boolean durableSequences, long sequenceOverride) {
        this(spaceName, txId, parts, orders, copier, sourcePartition, durableSequences, sequenceOverride, null);
    }

    /**
     * Like {@link #TransactionBatch(String, String, List, List, EntryCopier, int, boolean, long)}, with
     * {@code logId}: the log id of the source partition's outbox, the numbering the sequences belong to,
     * or null (see {@link SynchronizationSourceDetails#logId()}).
     */
    public TransactionBatch(String spaceName, String txId, List<List<Change>> parts, List<long[]> orders, EntryCopier copier,
                            int sourcePartition, boolean durableSequences, long sequenceOverride, String logId) {
        this(spaceName, txId, parts, orders, copier, sourcePartition, durableSequences, sequenceOverride, logId, 0L);
    }

    /**
     * Like {@link #TransactionBatch(String, String, List, List, EntryCopier, int, boolean, long, String)},
     * from a mirror whose lease on the source partition has epoch {@code mirrorEpoch} (see
     * {@link SynchronizationSourceDetails#mirrorEpoch()}).
     */
    public TransactionBatch(String spaceName, String txId, List<List<Change>> parts, List<long[]> orders, EntryCopier copier,
                            int sourcePartition, boolean durableSequences, long sequenceOverride, String logId, long mirrorEpoch) {
        this.txId = txId;
        List<Change> all = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        for (int p = 0; p < parts.size(); p++) {
            List<Change> part = parts.get(p);
            long[] order = orders == null ? null : orders.get(p);
            for (int i = 0; i < part.size(); i++) {
                all.add(part.get(i));
                keys.add(order == null || order.length <= i ? (long) all.size() : order[i]);
            }
        }
        Integer[] idx = new Integer[all.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        if (orders != null) {
            Arrays.sort(idx, (a, b) -> Long.compare(keys.get(a), keys.get(b)));
        }
        this.items = new DataSyncOperation[all.size()];
        for (int i = 0; i < items.length; i++) {
            items[i] = new SyncOperation(all.get(idx[i]), copier, sequenceOverride);
        }
        this.source = new SynchronizationSourceDetails(spaceName, sourcePartition, durableSequences, logId, mirrorEpoch);
        this.consolidated = parts.size() > 1;
    }

    @Override
    public String getTransactionId() {
        return txId;
    }

    @Override
    public DataSyncOperation[] getTransactionParticipantDataItems() {
        return items.clone();
    }

    @Override
    public SynchronizationSourceDetails getSourceDetails() {
        return source;
    }

    @Override
    public boolean isConsolidated() {
        return consolidated;
    }

    @Override
    public String toString() {
        return "TransactionBatch[" + txId + " " + Arrays.toString(items) + "]";
    }
}

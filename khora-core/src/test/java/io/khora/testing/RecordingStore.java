package io.khora.testing;

import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.TransactionData;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A synchronization endpoint over in-memory tables that records every call. Each batch and each
 * transaction is applied atomically (one at a time), like a database transaction, and
 * {@link #afterEachUnit} may check an invariant of the tables after each.
 */
public final class RecordingStore extends SpaceSynchronizationEndpoint {
    /** Every call, in order: "batch [WRITE, …]", "afterBatch n", "tx &lt;id&gt; [UPDATE, …]", "afterTx &lt;id&gt;". */
    public final List<String> calls = new CopyOnWriteArrayList<>();
    /** The transactions applied. */
    public final List<TransactionData> transactions = new CopyOnWriteArrayList<>();
    /** The batches applied. */
    public final List<OperationsBatchData> batches = new CopyOnWriteArrayList<>();
    private final Map<String, Map<Object, Object>> tables = new HashMap<>();
    /** Refuses a batch or transaction containing an operation for which this returns an exception. */
    public volatile Function<DataSyncOperation, RuntimeException> refuse;
    /** Refuses everything while set. */
    public volatile RuntimeException down;
    /** Called (under the store's lock) after each batch or transaction was applied. */
    public volatile Consumer<RecordingStore> afterEachUnit;

    @Override
    public void onOperationsBatchSynchronization(OperationsBatchData batch) {
        DataSyncOperation[] ops = batch.getBatchDataItems();
        calls.add("batch " + types(ops));
        apply(ops);
        batches.add(batch);
    }

    @Override
    public void afterOperationsBatchSynchronization(OperationsBatchData batch) {
        calls.add("afterBatch " + batch.getBatchDataItems().length);
    }

    @Override
    public void onTransactionSynchronization(TransactionData tx) {
        DataSyncOperation[] ops = tx.getTransactionParticipantDataItems();
        calls.add("tx " + tx.getTransactionId() + " " + types(ops));
        apply(ops);
        transactions.add(tx);
    }

    @Override
    public void afterTransactionSynchronization(TransactionData tx) {
        calls.add("afterTx " + tx.getTransactionId());
    }

    private static List<String> types(DataSyncOperation[] ops) {
        List<String> out = new ArrayList<>(ops.length);
        for (DataSyncOperation op : ops) {
            out.add(op.getDataSyncOperationType().name());
        }
        return out;
    }

    private synchronized void apply(DataSyncOperation[] ops) {
        RuntimeException d = down;
        if (d != null) {
            throw d;
        }
        Function<DataSyncOperation, RuntimeException> r = refuse;
        if (r != null) {
            for (DataSyncOperation op : ops) {
                RuntimeException e = r.apply(op);
                if (e != null) {
                    throw e;
                }
            }
        }
        for (DataSyncOperation op : ops) {
            Map<Object, Object> table = tables.computeIfAbsent(op.getTypeName(), k -> new HashMap<>());
            if (op.getDataSyncOperationType() == DataSyncOperationType.REMOVE) {
                table.remove(op.getSpaceId());
            } else {
                table.put(op.getSpaceId(), op.supportsDataAsObject() ? op.getDataAsObject() : op.getDataAsDocument());
            }
        }
        Consumer<RecordingStore> check = afterEachUnit;
        if (check != null) {
            check.accept(this);
        }
    }

    /** A copy of the table of {@code type}: id → row. */
    public synchronized Map<Object, Object> table(Class<?> type) {
        return new HashMap<>(tables.getOrDefault(type.getName(), Map.of()));
    }

    /** The live table of {@code type}, for {@link #afterEachUnit} checks (which run under the store's lock). */
    public Map<Object, Object> tableUnderLock(Class<?> type) {
        return tables.getOrDefault(type.getName(), Map.of());
    }

    /** Calls starting with {@code prefix}. */
    public long count(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }
}

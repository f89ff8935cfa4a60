package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import io.khora.persistence.DataSyncOperationType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges a batch's changes per entry, so the store sees each entry once with its final state:
 * <ul>
 *   <li>one change: kept as it is (CHANGE and PARTIAL_UPDATE keep their operations);</li>
 *   <li>ending in REMOVE: a REMOVE — or nothing, when the entry was created in this batch and its
 *       WRITE can never have reached the store;</li>
 *   <li>otherwise: a WRITE of the final state if the batch created the entry, else an UPDATE.</li>
 * </ul>
 * A merged change stands where the entry's last change stood and carries its sequence, so the
 * output stays in sequence order (an endpoint's checkpoint never passes over an undelivered change).
 * "Can never have reached the store" is decided by {@code possiblyDeliveredUpTo}: any WRITE at or
 * below it may have been sent before (a replay after a crash or a partial round), and dropping the
 * pair would then leave its row behind.
 */
final class Consolidator {
    private Consolidator() {
    }

    /**
     * An entry's changes in one batch — or a committed transaction's part, which is never merged
     * with anything and is delivered as one {@code TransactionData}.
     *
     * @param change the merged change to send, or null when the pair cancelled out (nothing to send)
     *     or for a transaction
     * @param members the raw changes it stands for, in order
     * @param tx the transaction record, or null
     */
    record Merged(Change change, List<Change> members, OutboxRecord.TxRecord tx) {
        Merged(Change change, List<Change> members) {
            this(change, members, null);
        }

        long firstSequence() {
            return members.get(0).sequence();
        }

        /** Nothing to send: the entry's changes cancelled out. */
        boolean cancelled() {
            return change == null && tx == null;
        }
    }

    /**
     * Consolidates a batch of outbox records: each run of non-transactional changes between two
     * transaction records is consolidated on its own (so no change moves across a transaction), and
     * each single-partition transaction record stays one unit. Abort markers need no delivery and
     * yield nothing (multi-partition parts never come here: the mirror delivers them alone).
     */
    static List<Merged> consolidateRecords(List<OutboxRecord> records, long possiblyDeliveredUpTo) {
        List<Merged> out = new ArrayList<>();
        List<Change> run = new ArrayList<>();
        for (OutboxRecord r : records) {
            if (r instanceof OutboxRecord.Single s) {
                run.add(s.change());
            } else if (r instanceof OutboxRecord.TxRecord t) {
                if (!run.isEmpty()) {
                    out.addAll(consolidate(run, possiblyDeliveredUpTo));
                    run = new ArrayList<>();
                }
                out.add(new Merged(null, t.changes(), t));
            }
        }
        if (!run.isEmpty()) {
            out.addAll(consolidate(run, possiblyDeliveredUpTo));
        }
        return out;
    }

    static List<Merged> consolidate(List<Change> raw, long possiblyDeliveredUpTo) {
        Map<List<Object>, Integer> lastIndex = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            lastIndex.put(Outbox.key(raw.get(i).entry()), i);
        }
        Map<List<Object>, List<Change>> members = new HashMap<>();
        List<Merged> out = new ArrayList<>(lastIndex.size());
        for (int i = 0; i < raw.size(); i++) {
            Change c = raw.get(i);
            List<Object> key = Outbox.key(c.entry());
            List<Change> group = members.computeIfAbsent(key, k -> new ArrayList<>(2));
            group.add(c);
            if (lastIndex.get(key) == i) {
                out.add(new Merged(merge(group.get(0), c, group.size() == 1, possiblyDeliveredUpTo), List.copyOf(group)));
            }
        }
        return out;
    }

    private static Change merge(Change head, Change last, boolean single, long possiblyDeliveredUpTo) {
        if (single) {
            return last;
        }
        boolean created = head.type() == DataSyncOperationType.WRITE;
        DataSyncOperationType type;
        if (last.type() == DataSyncOperationType.REMOVE) {
            if (created && head.sequence() > possiblyDeliveredUpTo) {
                return null;
            }
            type = DataSyncOperationType.REMOVE;
        } else {
            type = created ? DataSyncOperationType.WRITE : DataSyncOperationType.UPDATE;
        }
        return new Change(type, last.entry(), List.of(), last.partitionId(), last.sequence());
    }
}

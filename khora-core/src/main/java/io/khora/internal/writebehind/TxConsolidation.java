package io.khora.internal.writebehind;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Local consolidation of the parts of transactions that changed several partitions of one embedded
 * space. Each part is one record in its partition's outbox; the partitions' mirrors meet here:
 *
 * <ol>
 *   <li>a mirror that reaches a part first waits for the transaction's outcome, which its coordinator
 *       records once every part is appended (commit) or a later partition failed (abort: the parts
 *       already appended are skipped);</li>
 *   <li>it then waits until the mirror of every other participant has reached its part too — so
 *       everything before the part in every participating outbox is delivered first;</li>
 *   <li>the last to arrive delivers all the parts as one {@code TransactionData}; every participant
 *       then acknowledges its own part (or, if the store refused it as bad data, sets it aside; if the
 *       store is unavailable, all retry after a backoff and meet again).</li>
 * </ol>
 *
 * This cannot deadlock: the coordinator appends the parts of multi-partition transactions one
 * transaction at a time (write-behind's commit order lock), so in every outbox the parts of any
 * two such transactions stand in the same order, and a mirror only ever waits for parts of the
 * oldest transaction it has not delivered. After a restart the outcome of every part found is
 * decided at recovery: committed if every participant still holds its part and none is void,
 * otherwise (a crash before all were appended, or the others were delivered already) skipped.
 */
final class TxConsolidation {
    private static final Logger LOG = LoggerFactory.getLogger(TxConsolidation.class);

    enum Outcome { PENDING, COMMIT, ABORT }

    /**
     * What a delivery came to.
     *
     * @param kind delivered, set aside (bad data), or to be retried
     * @param error the refusal (DEAD, RETRY)
     */
    record Result(Kind kind, RuntimeException error) {
        enum Kind { DELIVERED, DEAD, RETRY }

        static final Result DELIVERED = new Result(Kind.DELIVERED, null);
    }

    /** Delivers the parts (in partition order) of one transaction as one unit. */
    @FunctionalInterface
    interface Deliverer {
        Result deliver(String txId, List<OutboxRecord.TxRecord> parts);
    }

    private static final class Entry {
        final int[] participants;
        Outcome outcome = Outcome.PENDING;
        /** How many parts exist in the outboxes (decided at the outcome). */
        int expected;
        int finished;
        final Map<Integer, OutboxRecord.TxRecord> arrived = new TreeMap<>();
        int generation;
        Result last;

        Entry(int[] participants) {
            this.participants = participants;
            this.expected = participants.length;
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final IntConsumer nudge;

    /**
     * @param nudge makes what partition {@code p}'s outbox holds visible to its mirror now (a mirror
     *     waiting for a sibling's part calls it, rather than wait for the sibling's next round)
     */
    TxConsolidation(IntConsumer nudge) {
        this.nudge = nudge;
    }

    /** A transaction over {@code participants} starts appending its parts. */
    void begin(String txId, int[] participants) {
        entries.put(txId, new Entry(participants));
    }

    /** Its outcome: committed (every part appended), or aborted with {@code appended} parts appended. */
    void decide(String txId, boolean commit, int appended) {
        Entry e = entries.get(txId);
        if (e == null) {
            return;
        }
        synchronized (e) {
            e.outcome = commit ? Outcome.COMMIT : Outcome.ABORT;
            e.expected = commit ? e.participants.length : appended;
            e.notifyAll();
            removeIfFinished(txId, e);
        }
    }

    /** An outcome decided at recovery, with {@code present} parts found undelivered. */
    void recovered(String txId, int[] participants, boolean commit, int present) {
        Entry e = new Entry(participants);
        e.outcome = commit ? Outcome.COMMIT : Outcome.ABORT;
        e.expected = present;
        entries.put(txId, e);
    }

    /**
     * A part of {@code txId} was found in an outbox that holds parts only of committed transactions
     * (a cluster partition's): the outcome is COMMIT, with a part in every participant.
     */
    void committedPart(String txId, int[] participants) {
        entries.computeIfAbsent(txId, k -> {
            Entry e = new Entry(participants);
            e.outcome = Outcome.COMMIT;
            return e;
        });
    }

    /** Waits for the outcome of {@code txId}; null if {@code stopping} turned true first. */
    Outcome awaitOutcome(String txId, BooleanSupplier stopping) throws InterruptedException {
        Entry e = entries.get(txId);
        if (e == null) {
            LOG.warn("write-behind: a part of transaction {} has no recorded outcome; skipping it", txId);
            return Outcome.ABORT;
        }
        synchronized (e) {
            while (e.outcome == Outcome.PENDING) {
                if (stopping.getAsBoolean()) {
                    return null;
                }
                e.wait(50);
            }
            return e.outcome;
        }
    }

    /**
     * Arrives with {@code part} and waits for the other participants' parts; the last to arrive
     * delivers them all through {@code deliverer}. Returns the result, or null if {@code stopping}
     * turned true while waiting.
     */
    Result meet(OutboxRecord.TxRecord part, Deliverer deliverer, BooleanSupplier stopping) throws InterruptedException {
        Entry e = entries.get(part.txId());
        if (e == null) {
            throw new IllegalStateException("transaction " + part.txId() + " has no recorded outcome");
        }
        int generation;
        List<Integer> missing = new ArrayList<>();
        synchronized (e) {
            generation = e.generation;
            e.arrived.put(part.partition(), part);
            if (e.arrived.size() == e.participants.length) {
                return deliver(e, part.txId(), deliverer);
            }
            for (int p : e.participants) {
                if (!e.arrived.containsKey(p)) {
                    missing.add(p);
                }
            }
        }
        for (int p : missing) {
            try {
                nudge.accept(p);
            } catch (RuntimeException ex) {
                LOG.debug("write-behind: nudging partition {} failed", p + 1, ex);
            }
        }
        synchronized (e) {
            try {
                while (e.generation == generation) {
                    if (stopping.getAsBoolean()) {
                        e.arrived.remove(part.partition());
                        return null;
                    }
                    e.wait(50);
                }
            } catch (InterruptedException ie) {
                if (e.generation == generation) {
                    e.arrived.remove(part.partition());
                }
                throw ie;
            }
            return e.last;
        }
    }

    /** The last to arrive delivers every part. Holding {@code e}'s monitor. */
    private static Result deliver(Entry e, String txId, Deliverer deliverer) {
        List<OutboxRecord.TxRecord> parts = new ArrayList<>(e.arrived.values());
        Result r;
        try {
            r = deliverer.deliver(txId, parts);
        } catch (RuntimeException ex) {
            r = new Result(Result.Kind.RETRY, ex);
        }
        e.last = r;
        e.generation++;
        e.arrived.clear();
        e.notifyAll();
        return r;
    }

    /** The mirror of {@code partition} is done with its part of {@code txId} (delivered, set aside, or skipped). */
    void done(String txId, int partition) {
        Entry e = entries.get(txId);
        if (e == null) {
            return;
        }
        synchronized (e) {
            e.finished++;
            removeIfFinished(txId, e);
        }
    }

    private void removeIfFinished(String txId, Entry e) {
        if (e.outcome != Outcome.PENDING && e.finished >= e.expected) {
            entries.remove(txId, e);
        }
    }

    /** Transactions with undelivered parts (for tests and status). */
    int size() {
        return entries.size();
    }
}

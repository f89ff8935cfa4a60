package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import io.khora.internal.lifecycle.Backoff;
import io.khora.internal.lifecycle.DaemonThreads;
import io.khora.internal.logging.RateLimitedLog;
import io.khora.internal.outbox.LogRecord;
import io.khora.internal.outbox.RecordReader;
import io.khora.internal.persistence.EntryCopier;
import io.khora.internal.persistence.OperationsBatch;
import io.khora.internal.persistence.TransactionBatch;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.MirrorFencedException;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One partition's mirror: a thread that reads the outbox in sequence order, consolidates a batch
 * per entry, delivers it ({@link BatchDelivery}), sets refused changes aside, acknowledges what is
 * done, and backs off (exponentially, with jitter) while the store refuses everything. Changes
 * not done yet are carried into the next round, never read twice.
 *
 * <p>Transactions: a single-partition transaction's record is one unit of its batch — delivered
 * alone as one {@code TransactionData}, never merged with the changes around it (each run of
 * changes between transactions is consolidated on its own). A part of a multi-partition transaction
 * splits the batch: the run before it is delivered first, then the part is delivered together with
 * the transaction's other parts through {@link TxConsolidation}, then the next run; if any step
 * stops (the store refuses), the rest of the batch is carried into the next round.
 *
 * <p>Fencing: while the source says this mirror may not deliver ({@link MirrorSource#mayDeliver}: a
 * cluster mirror whose lease may have lapsed) nothing is read or sent; every batch carries the
 * source's lease epoch, with which an endpoint refuses a late batch of a replaced mirror.
 */
final class MirrorDispatcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorDispatcher.class);
    /** A store that refuses every change (a missing table) sets each aside: one line per 10 s says so, counting the rest. */
    private final RateLimitedLog deadLetterLog = new RateLimitedLog(LOG::error, java.time.Duration.ofSeconds(10), System::nanoTime);
    private static final int MAX_SUSPECTS = 3;
    /** Suspects allowed per round grow while rounds keep stopping (several adjacent unclassified bad changes), up to this. */
    private static final int MAX_SUSPECTS_GROWN = 64;
    /** How often a mirror that may not deliver (see {@link MirrorSource#mayDeliver}) looks again. */
    private static final long FENCED_POLL_MILLIS = 50;

    private final String spaceName;
    private final MirrorSource outbox;
    private final SpaceSynchronizationEndpoint endpoint;
    private final EntryCopier copier;
    private final TypeResolver types;
    private final DeadLetterStore deadLetters;
    private final WriteBehindSettings settings;
    private final TxConsolidation consolidation;
    private final BatchDelivery.Sender sender = new BatchDelivery.Sender() {
        @Override
        public void send(List<Change> changes) {
            MirrorDispatcher.this.send(changes);
        }

        @Override
        public void sendTransaction(OutboxRecord.TxRecord tx) {
            MirrorDispatcher.this.sendTransaction(new TransactionBatch(spaceName, tx.txId(), List.of(tx.changes()),
                    List.of(tx.order()), copier, tx.partition(), true, tx.sequence(), outbox.logId(), outbox.mirrorEpoch()));
        }
    };
    private final Backoff backoff;
    private final SplittableRandom jitter;
    private final Thread thread;
    private volatile boolean stopping;
    private long possiblyDeliveredUpTo;
    private int suspectsAllowed = MAX_SUSPECTS;

    MirrorDispatcher(String spaceName, MirrorSource outbox, SpaceSynchronizationEndpoint endpoint, EntryCopier copier, TypeResolver types,
                     DeadLetterStore deadLetters, WriteBehindSettings settings, TxConsolidation consolidation) {
        this.consolidation = consolidation;
        this.spaceName = spaceName;
        this.outbox = outbox;
        this.endpoint = endpoint;
        this.copier = copier;
        this.types = types;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.backoff = new Backoff(Math.max(1, settings.retryInitial().toMillis()),
                Math.max(Math.max(1, settings.retryInitial().toMillis()), settings.retryMax().toMillis()));
        this.jitter = new SplittableRandom(31L * spaceName.hashCode() + outbox.partitionId());
        // what a previous run may have sent (recorded before each send): pending pairs above it still cancel out
        this.possiblyDeliveredUpTo = outbox.possiblySentUpTo();
        this.thread = DaemonThreads.daemon(this, "khora-" + spaceName + "-mirror-" + (outbox.partitionId() + 1));
    }

    void start() {
        thread.start();
    }

    /** Stops after the current round (interrupting a backoff or a wait). */
    void stop() {
        stopping = true;
        thread.interrupt();
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    @Override
    public void run() {
        List<OutboxRecord> carry = new ArrayList<>();
        long backoff = 0;
        try (RecordReader reader = outbox.read(outbox.delivered() + 1)) {
            while (!stopping) {
                try {
                    try {
                        backoff = round(reader, carry, backoff);
                    } finally {
                        outbox.flushMarker();
                    }
                } catch (InterruptedException e) {
                    throw e;
                } catch (VirtualMachineError fatal) {
                    throw fatal;
                } catch (Throwable t) {
                    // never let the mirror die: its partition would never be delivered again
                    backoff = nextBackoff(backoff);
                    LOG.error("space '{}' partition {}: the write-behind mirror failed unexpectedly; retrying in {} ms",
                            spaceName, outbox.partitionId() + 1, backoff, t);
                    Thread.sleep(backoff);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.error("space '{}' partition {}: the write-behind mirror stopped; undelivered changes stay in the outbox"
                        + " and are delivered at the next start", spaceName, outbox.partitionId() + 1, e);
            }
        }
    }

    /**
     * One delivery round; returns the backoff for the next. {@code carry} holds the changes read but
     * not done yet; if the round fails unexpectedly, everything it read goes back into it (a resend
     * is absorbed by the endpoint's checkpoint).
     */
    private long round(RecordReader reader, List<OutboxRecord> carry, long backoff) throws InterruptedException {
        if (!outbox.mayDeliver()) {
            Thread.sleep(FENCED_POLL_MILLIS); // neither read nor deliver until the source may again (see MirrorSource#mayDeliver)
            return backoff;
        }
        outbox.sync();
        List<OutboxRecord> batch = new ArrayList<>(carry);
        try {
            gather(reader, batch, carry.isEmpty());
        } finally {
            carry.clear();
            carry.addAll(batch);
        }
        if (batch.isEmpty()) {
            return backoff;
        }
        int from = 0;
        while (from < batch.size()) {
            if (isMultiPartition(batch.get(from))) {
                long stop = deliverMultiPartition((OutboxRecord.TxRecord) batch.get(from), backoff);
                if (stop >= 0) {
                    carry.clear();
                    carry.addAll(batch.subList(from, batch.size()));
                    return stop;
                }
                from++;
            } else {
                int to = from;
                while (to < batch.size() && !isMultiPartition(batch.get(to))) {
                    to++;
                }
                List<OutboxRecord> rest = new ArrayList<>(batch.subList(to, batch.size()));
                long stop = deliverRun(batch.subList(from, to), rest, carry, backoff);
                if (stop >= 0) {
                    return stop;
                }
                from = to;
            }
        }
        carry.clear();
        return 0;
    }

    /**
     * Delivers a run of records without multi-partition parts (consolidated, in sequence order) and
     * acknowledges what is done. Returns -1 if all is done; else sets {@code carry} to what is not
     * done followed by {@code rest}, backs off and returns the backoff.
     */
    private long deliverRun(List<OutboxRecord> batch, List<OutboxRecord> rest, List<OutboxRecord> carry, long backoff)
            throws InterruptedException {
        List<Consolidator.Merged> merged = Consolidator.consolidateRecords(batch, possiblyDeliveredUpTo);
        BatchDelivery.Outcome outcome = BatchDelivery.deliver(merged, sender, suspectsAllowed, this::noteSending);
        for (BatchDelivery.Failure f : outcome.deadLetters()) {
            setAside(f.merged().tx() != null ? f.merged().members() : List.of(f.merged().change()), f.error());
        }
        List<Change> done = new ArrayList<>();
        Set<Long> notDoneSequences = new HashSet<>();
        for (int i = 0; i < merged.size(); i++) {
            if (outcome.done()[i]) {
                done.addAll(merged.get(i).members());
            } else {
                merged.get(i).members().forEach(c -> notDoneSequences.add(c.sequence()));
            }
        }
        List<OutboxRecord> notDone = new ArrayList<>();
        for (OutboxRecord r : batch) {
            if (!r.changes().isEmpty() && notDoneSequences.contains(r.sequence())) {
                notDone.add(r);
            }
        }
        long ack = notDone.isEmpty() ? batch.get(batch.size() - 1).sequence() : notDone.get(0).sequence() - 1;
        outbox.acknowledge(ack, done, false);
        if (outcome.complete()) {
            suspectsAllowed = MAX_SUSPECTS;
            return -1;
        }
        carry.clear();
        carry.addAll(notDone);
        carry.addAll(rest);
        long next = nextBackoff(backoff);
        suspectsAllowed = Math.min(MAX_SUSPECTS_GROWN, suspectsAllowed * 2);
        LOG.warn("space '{}' partition {}: the synchronization endpoint refuses changes ({} undelivered); retrying in {} ms: {}",
                spaceName, outbox.partitionId() + 1, outbox.undelivered(), next, rootMessage(outcome.lastError()));
        outbox.flushMarker();
        Thread.sleep(next);
        return next;
    }

    private void setAside(List<Change> changes, RuntimeException failure) {
        String error = rootMessage(failure);
        for (Change c : changes) {
            DeadLetter d = deadLetters.add(c, error);
            deadLetterLog.log("dead-letter", () -> "space '" + spaceName + "' partition " + (outbox.partitionId() + 1)
                    + ": the synchronization endpoint refused " + d.operation() + " of " + d.typeName() + " id=" + d.id() + " (sequence "
                    + d.sequence() + "); set aside as a dead letter: " + error);
        }
    }

    private static boolean isMultiPartition(OutboxRecord r) {
        return r instanceof OutboxRecord.TxRecord t && t.multiPartition();
    }

    /**
     * One part of a multi-partition transaction: wait for its outcome; skip it if the transaction was
     * rolled back; else meet the other parts and deliver them together. Returns -1 once the part is
     * done; else (the store refused: after a backoff; or stopping) the backoff for the next round.
     */
    private long deliverMultiPartition(OutboxRecord.TxRecord part, long backoff) throws InterruptedException {
        if (outbox.partsAreCommitted()) {
            consolidation.committedPart(part.txId(), part.participants());
        }
        TxConsolidation.Outcome outcome = consolidation.awaitOutcome(part.txId(), () -> stopping);
        if (outcome == null) {
            return backoff;
        }
        if (outcome == TxConsolidation.Outcome.ABORT) {
            outbox.acknowledge(part.sequence(), List.of(), false);
            consolidation.done(part.txId(), part.partition());
            return -1;
        }
        noteSending(part.sequence());
        // the last mirror to arrive delivers every part, under the lowest part's sequence and log id
        TxConsolidation.Result r = consolidation.meet(part.withSource(outbox.logId(), outbox.mirrorEpoch()), this::deliverParts, () -> stopping);
        if (r == null) {
            return backoff;
        }
        if (r.kind() == TxConsolidation.Result.Kind.RETRY) {
            long next = nextBackoff(backoff);
            LOG.warn("space '{}' partition {}: the synchronization endpoint refuses transaction {} ({} undelivered); retrying in {} ms: {}",
                    spaceName, outbox.partitionId() + 1, part.txId(), outbox.undelivered(), next, rootMessage(r.error()));
            outbox.flushMarker();
        Thread.sleep(next);
            return next;
        }
        if (r.kind() == TxConsolidation.Result.Kind.DEAD) {
            setAside(part.changes(), r.error());
        }
        outbox.acknowledge(part.sequence(), part.changes(), false);
        consolidation.done(part.txId(), part.partition());
        suspectsAllowed = MAX_SUSPECTS;
        return -1;
    }

    /** Changes up to {@code sequence} are about to be handed to the endpoint: remembered (durably, by the source) first. */
    private void noteSending(long sequence) {
        if (sequence > possiblyDeliveredUpTo) {
            outbox.noteSending(sequence);
            possiblyDeliveredUpTo = sequence;
        }
    }

    /** Delivers every part of a transaction as one {@code TransactionData} (run by the last mirror to arrive). */
    private TxConsolidation.Result deliverParts(String txId, List<OutboxRecord.TxRecord> parts) {
        List<List<Change>> changes = new ArrayList<>(parts.size());
        List<long[]> orders = new ArrayList<>(parts.size());
        for (OutboxRecord.TxRecord p : parts) {
            changes.add(p.changes());
            orders.add(p.order());
        }
        OutboxRecord.TxRecord home = parts.get(0);
        TransactionBatch data = new TransactionBatch(spaceName, txId, changes, orders, copier, home.partition(), true, home.sequence(),
                home.logId(), home.mirrorEpoch());
        RuntimeException error = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                sendTransaction(data);
                return TxConsolidation.Result.DELIVERED;
            } catch (RuntimeException e) {
                error = e;
                if (FailureKind.of(e) == FailureKind.UNAVAILABLE) {
                    break;
                }
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Error e) {
                error = new IllegalStateException("the synchronization endpoint failed with " + e, e);
            }
        }
        return new TxConsolidation.Result(FailureKind.of(error) == FailureKind.BAD_DATA ? TxConsolidation.Result.Kind.DEAD
                : TxConsolidation.Result.Kind.RETRY, error);
    }

    private void sendTransaction(TransactionBatch data) {
        checkMayDeliver();
        endpoint.onTransactionSynchronization(data);
        try {
            endpoint.afterTransactionSynchronization(data);
        } catch (RuntimeException e) {
            LOG.warn("space '{}': afterTransactionSynchronization failed", spaceName, e);
        }
    }

    /** Adds new records to {@code batch} up to the batch size: waits for the first when idle, then up to the batch interval. */
    private void gather(RecordReader reader, List<OutboxRecord> batch, boolean idle) throws InterruptedException {
        long intervalNanos = settings.batchInterval().toNanos();
        long deadline = System.nanoTime() + intervalNanos;
        while (batch.size() < settings.batchSize()) {
            LogRecord rec;
            if (batch.isEmpty() && idle) {
                rec = reader.next(intervalNanos, TimeUnit.NANOSECONDS);
                if (rec == null) {
                    return;
                }
                deadline = System.nanoTime() + intervalNanos;
            } else {
                rec = reader.next();
                if (rec == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || stopping) {
                        return;
                    }
                    outbox.sync();
                    rec = reader.next(Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
                    if (rec == null) {
                        continue;
                    }
                }
            }
            batch.add(OutboxCodec.decodeRecord(rec.payload(), rec.sequence(), outbox.partitionId(), types, outbox.javaDeserialization()));
        }
    }

    private void send(List<Change> changes) {
        checkMayDeliver();
        OperationsBatch batch = new OperationsBatch(spaceName, changes, copier, true, outbox.logId(), outbox.mirrorEpoch());
        endpoint.onOperationsBatchSynchronization(batch);
        try {
            endpoint.afterOperationsBatchSynchronization(batch);
        } catch (RuntimeException e) {
            LOG.warn("space '{}': afterOperationsBatchSynchronization failed", spaceName, e);
        }
    }

    /** Refuses to send while the source says this mirror may not deliver (its lease may have lapsed): retried, never a dead letter. */
    private void checkMayDeliver() {
        if (!outbox.mayDeliver()) {
            throw new MirrorFencedException("space '" + spaceName + "' partition " + (outbox.partitionId() + 1)
                    + ": this mirror's lease may have lapsed (it could not renew it in time); not delivering until it is renewed",
                    null, outbox.mirrorEpoch(), 0L);
        }
    }

    private long nextBackoff(long previous) {
        // jitter on the upper half: spreads partitions' retries without ever waiting less than half
        return backoff.next(previous, jitter);
    }

    static String rootMessage(Throwable e) {
        if (e == null) {
            return "";
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        return t == e ? m : e.getMessage() + " (cause: " + m + ")";
    }
}

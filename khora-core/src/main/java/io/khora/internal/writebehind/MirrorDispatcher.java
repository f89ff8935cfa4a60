package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import io.khora.internal.outbox.LogRecord;
import io.khora.internal.outbox.SegmentReader;
import io.khora.internal.persistence.EntryCopier;
import io.khora.internal.persistence.OperationsBatch;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One partition's mirror: a thread that reads the outbox in sequence order, consolidates a batch
 * per entry, delivers it ({@link BatchDelivery}), sets refused changes aside, acknowledges what is
 * done, and backs off (exponentially, with jitter) while the store refuses everything. Changes
 * not done yet are carried into the next round, never read twice.
 */
final class MirrorDispatcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorDispatcher.class);
    private static final int MAX_SUSPECTS = 3;
    /** Suspects allowed per round grow while rounds keep stopping (several adjacent unclassified bad changes), up to this. */
    private static final int MAX_SUSPECTS_GROWN = 64;

    private final String spaceName;
    private final Outbox outbox;
    private final SpaceSynchronizationEndpoint endpoint;
    private final EntryCopier copier;
    private final TypeResolver types;
    private final DeadLetterStore deadLetters;
    private final WriteBehindSettings settings;
    private final SplittableRandom jitter;
    private final Thread thread;
    private volatile boolean stopping;
    private long possiblyDeliveredUpTo;
    private int suspectsAllowed = MAX_SUSPECTS;

    MirrorDispatcher(String spaceName, Outbox outbox, SpaceSynchronizationEndpoint endpoint, EntryCopier copier, TypeResolver types,
                     DeadLetterStore deadLetters, WriteBehindSettings settings) {
        this.spaceName = spaceName;
        this.outbox = outbox;
        this.endpoint = endpoint;
        this.copier = copier;
        this.types = types;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.jitter = new SplittableRandom(31L * spaceName.hashCode() + outbox.partitionId());
        // anything already in the log may have been sent before a restart
        this.possiblyDeliveredUpTo = outbox.lastSequence();
        this.thread = new Thread(this, "khora-" + spaceName + "-mirror-" + (outbox.partitionId() + 1));
        this.thread.setDaemon(true);
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
        List<Change> carry = new ArrayList<>();
        long backoff = 0;
        try (SegmentReader reader = outbox.read(outbox.delivered() + 1)) {
            while (!stopping) {
                try {
                    backoff = round(reader, carry, backoff);
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
    private long round(SegmentReader reader, List<Change> carry, long backoff) throws InterruptedException {
        outbox.sync();
        List<Change> batch = new ArrayList<>(carry);
        try {
            gather(reader, batch, carry.isEmpty());
        } finally {
            carry.clear();
            carry.addAll(batch);
        }
        if (batch.isEmpty()) {
            return backoff;
        }
        List<Consolidator.Merged> merged = Consolidator.consolidate(batch, possiblyDeliveredUpTo);
        BatchDelivery.Outcome outcome = BatchDelivery.deliver(merged, this::send, suspectsAllowed,
                seq -> possiblyDeliveredUpTo = Math.max(possiblyDeliveredUpTo, seq));
        for (BatchDelivery.Failure f : outcome.deadLetters()) {
            String error = rootMessage(f.error());
            DeadLetter d = deadLetters.add(f.merged().change(), error);
            LOG.error("space '{}' partition {}: the synchronization endpoint refused {} of {} id={} (sequence {}); set aside as a"
                    + " dead letter: {}", spaceName, outbox.partitionId() + 1, d.operation(), d.typeName(), d.id(), d.sequence(), error);
        }
        List<Change> done = new ArrayList<>();
        List<Change> notDone = new ArrayList<>();
        for (int i = 0; i < merged.size(); i++) {
            (outcome.done()[i] ? done : notDone).addAll(merged.get(i).members());
        }
        notDone.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        long ack = notDone.isEmpty() ? batch.get(batch.size() - 1).sequence() : notDone.get(0).sequence() - 1;
        outbox.acknowledge(ack, done);
        carry.clear();
        carry.addAll(notDone);
        if (outcome.complete()) {
            suspectsAllowed = MAX_SUSPECTS;
            return 0;
        }
        long next = nextBackoff(backoff);
        suspectsAllowed = Math.min(MAX_SUSPECTS_GROWN, suspectsAllowed * 2);
        LOG.warn("space '{}' partition {}: the synchronization endpoint refuses changes ({} undelivered); retrying in {} ms: {}",
                spaceName, outbox.partitionId() + 1, outbox.undelivered(), next, rootMessage(outcome.lastError()));
        Thread.sleep(next);
        return next;
    }

    /** Adds new records to {@code batch} up to the batch size: waits for the first when idle, then up to the batch interval. */
    private void gather(SegmentReader reader, List<Change> batch, boolean idle) throws InterruptedException {
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
            batch.add(OutboxCodec.decode(rec.payload(), rec.sequence(), outbox.partitionId(), types));
        }
    }

    private void send(List<Change> changes) {
        OperationsBatch batch = new OperationsBatch(spaceName, changes, copier, true);
        endpoint.onOperationsBatchSynchronization(batch);
        try {
            endpoint.afterOperationsBatchSynchronization(batch);
        } catch (RuntimeException e) {
            LOG.warn("space '{}': afterOperationsBatchSynchronization failed", spaceName, e);
        }
    }

    private long nextBackoff(long previous) {
        long initial = settings.retryInitial().toMillis();
        long max = settings.retryMax().toMillis();
        long base = previous == 0 ? initial : Math.min(max, previous * 2);
        // full jitter on the upper half: spreads partitions' retries without ever waiting less than half
        return Math.max(1, base / 2 + jitter.nextLong(base / 2 + 1));
    }

    private static String rootMessage(Throwable e) {
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

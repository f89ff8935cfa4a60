package io.khora.cluster.mirror;

import io.khora.cluster.Futures;
import io.khora.cluster.client.PartitionClient;
import io.khora.cluster.raft.ReplicatedOutbox;
import io.khora.internal.engine.Change;
import io.khora.internal.outbox.LogRecord;
import io.khora.internal.outbox.RecordReader;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.writebehind.MirrorSource;
import io.khora.persistence.MirrorFencedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One cluster partition's replicated outbox as the mirror sees it: records pulled from the
 * partition's leader in batches, acknowledgements proposed through the partition's log. A fail-over
 * changes nothing here: the new leader holds the same committed records under the same numbers.
 * Acknowledgements are sent lazily (once per delivery round) and may be lost with a leader; the
 * records are then delivered again after a restart of the mirror, and the endpoint's checkpoint
 * (which sees the outbox's log id) skips them. Pulls and acknowledgements carry this mirror's lease
 * epoch ({@link MirrorLeaseKeeper}); a refusal because the lease was taken over fences the partition.
 */
final class RemoteOutboxSource implements MirrorSource {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteOutboxSource.class);

    private final PartitionClient client;
    private final MirrorLeaseKeeper leases;
    private final int partition;
    private final int pullMax;
    private final AtomicBoolean ackInFlight = new AtomicBoolean();
    private volatile String logId;
    private volatile long delivered;
    private volatile long lastSequence;
    private volatile long acknowledgedLocally;
    private volatile long acknowledgedRemotely;
    private volatile String failure;

    RemoteOutboxSource(PartitionClient client, MirrorLeaseKeeper leases, int partition, int pullMax) {
        this.client = client;
        this.leases = leases;
        this.partition = partition;
        this.pullMax = pullMax;
    }

    /**
     * The mirror is a client of the nodes: it deserializes the values in the records they answer (its
     * endpoint writes them to the database), within the JVM's {@code jdk.serialFilter}.
     */
    @Override
    public JavaDeserialization javaDeserialization() {
        return JavaDeserialization.TRUSTED;
    }

    /**
     * Learns where the outbox stands (its log id, what the mirror acknowledged before, its last
     * sequence), waiting while the partition has no leader or the leader has not numbered its outbox
     * yet; false if {@code deadlineNanos} passed first.
     */
    boolean connect(long deadlineNanos) throws InterruptedException {
        RuntimeException last = null;
        while (System.nanoTime() - deadlineNanos < 0) {
            try {
                ReplicatedOutbox.Slice s = client.pull(partition, Long.MAX_VALUE - 1, 1, 0, leases.epoch(partition)).get();
                if (s.logId() != null) {
                    logId = s.logId();
                    delivered = s.acknowledged();
                    acknowledgedLocally = s.acknowledged();
                    acknowledgedRemotely = s.acknowledged();
                    lastSequence = s.lastSequence();
                    LOG.info("space '{}' partition {}: outbox {} at sequence {}, {} acknowledged", client.space(), partition + 1, logId,
                            lastSequence, delivered);
                    return true;
                }
            } catch (ExecutionException e) {
                if (Futures.cause(e) instanceof MirrorFencedException fenced) {
                    throw fenced; // another mirror took the lease meanwhile
                }
                last = Futures.cause(e) instanceof RuntimeException re ? re : new IllegalStateException(Futures.cause(e));
            }
            Thread.sleep(200);
        }
        if (last != null) {
            LOG.warn("space '{}' partition {}: the outbox could not be read: {}", client.space(), partition + 1, last.getMessage());
        }
        return false;
    }

    @Override
    public int partitionId() {
        return partition;
    }

    @Override
    public String logId() {
        return logId;
    }

    @Override
    public long delivered() {
        return delivered;
    }

    @Override
    public long lastSequence() {
        return lastSequence;
    }

    @Override
    public long undelivered() {
        return Math.max(0, lastSequence - delivered);
    }

    @Override
    public void sync() {
        // records are visible at the leader once committed
    }

    @Override
    public boolean partsAreCommitted() {
        return true;
    }

    @Override
    public boolean mayDeliver() {
        return leases.mayDeliver(partition);
    }

    @Override
    public long mirrorEpoch() {
        return leases.epoch(partition);
    }

    @Override
    public void acknowledge(long sequence, List<Change> done, boolean durable) {
        if (sequence > delivered) {
            delivered = sequence;
            acknowledgedLocally = sequence;
        }
        if (durable) {
            flushMarker();
        }
    }

    @Override
    public void flushMarker() {
        long upTo = acknowledgedLocally;
        if (upTo <= acknowledgedRemotely || !ackInFlight.compareAndSet(false, true)) {
            return;
        }
        client.acknowledge(partition, logId, upTo, leases.epoch(partition)).whenComplete((dropped, ex) -> {
            ackInFlight.set(false);
            if (ex == null) {
                acknowledgedRemotely = Math.max(acknowledgedRemotely, upTo);
            } else if (Futures.cause(ex) instanceof MirrorFencedException fenced) {
                leases.fence(partition, fenced);
            } else {
                LOG.debug("space '{}' partition {}: acknowledging up to {} failed (sent again next round): {}", client.space(),
                        partition + 1, upTo, Futures.cause(ex).toString());
            }
        });
    }

    /** Why this source cannot go on (its outbox was replaced), or null. */
    String failure() {
        return failure;
    }

    /** The sequence the partition's leader last confirmed as acknowledged. */
    long acknowledgedRemotely() {
        return acknowledgedRemotely;
    }

    @Override
    public RecordReader read(long from) {
        return new Reader(from);
    }

    /** Pulls records in batches from the leader; one consuming thread. */
    private final class Reader implements RecordReader {
        private final ArrayDeque<LogRecord> buffer = new ArrayDeque<>();
        private long next;

        Reader(long from) {
            this.next = from;
        }

        @Override
        public LogRecord next() {
            if (buffer.isEmpty()) {
                fetch(0);
            }
            return buffer.poll();
        }

        @Override
        public LogRecord next(long timeout, TimeUnit unit) throws InterruptedException {
            if (buffer.isEmpty()) {
                long millis = Math.max(1, unit.toMillis(timeout));
                if (!fetch(millis)) {
                    Thread.sleep(Math.min(millis, 200)); // no leader reachable right now: do not spin
                }
            }
            return buffer.poll();
        }

        /** One pull; false if it failed (the reason is logged). */
        private boolean fetch(long waitMillis) {
            ReplicatedOutbox.Slice s;
            try {
                s = client.pull(partition, next - 1, pullMax, waitMillis, leases.epoch(partition)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                if (Futures.cause(e) instanceof MirrorFencedException fenced) {
                    leases.fence(partition, fenced);
                    return false;
                }
                LOG.debug("space '{}' partition {}: pulling the outbox failed: {}", client.space(), partition + 1,
                        Futures.cause(e).toString());
                return false;
            }
            if (s.logId() != null && !s.logId().equals(logId)) {
                failure = "the outbox of partition " + (partition + 1) + " was replaced (log " + logId + " is now " + s.logId() + ")";
                throw new OutboxReplacedException("space '" + client.space() + "' partition " + (partition + 1) + ": the outbox is now "
                        + s.logId() + ", not " + logId + " (the cluster's data was replaced); restart the mirror to deliver the new one");
            }
            lastSequence = Math.max(lastSequence, s.lastSequence());
            for (ReplicatedOutbox.Record r : s.records()) {
                if (r.sequence() != next) {
                    LOG.warn("space '{}' partition {}: the outbox continues at sequence {} where {} was expected (another mirror"
                            + " acknowledged the records in between?)", client.space(), partition + 1, r.sequence(), next);
                }
                buffer.add(new LogRecord(r.sequence(), r.payload()));
                next = r.sequence() + 1;
            }
            return true;
        }

        @Override
        public void close() {
            buffer.clear();
        }
    }

    /** The partition's outbox was replaced under the mirror (a new cluster): the mirror must restart. */
    static final class OutboxReplacedException extends IllegalStateException {
        OutboxReplacedException(String message) {
            super(message);
        }
    }
}

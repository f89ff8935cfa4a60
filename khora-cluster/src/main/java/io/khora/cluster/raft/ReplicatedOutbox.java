package io.khora.cluster.raft;

import io.khora.internal.engine.Change;
import io.khora.internal.engine.ChangeSink;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;
import io.khora.internal.writebehind.OutboxCodec;
import io.khora.persistence.PersistenceBacklogFullException;
import io.khora.persistence.SpacePersistenceException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A cluster partition's write-behind outbox, kept in the partition's replicated state: every change
 * the state machine applies is appended here, numbered, in log order, on every replica alike — so a
 * change is in the outbox exactly when it is committed, and a fail-over of the leader neither loses
 * nor renumbers anything. The mirror process reads it from the leader and acknowledges what it
 * delivered through the log ({@link Command.OutboxAck}); acknowledged records are dropped.
 *
 * <p>The records are in the embedded outbox's format ({@link OutboxCodec}), so the mirror delivers
 * them with the embedded mirror's code. The log id ({@link Command.OutboxStart}, chosen once by the
 * first leader) tells an endpoint's checkpoint that a new cluster's sequences start afresh.
 *
 * <p><b>Bounded</b>: a change that would take the outbox beyond its capacity is refused
 * deterministically (every replica refuses it: {@link PersistenceBacklogFullException}) and the
 * operation leaves the partition unchanged; the leader makes writers wait for room first (up to the
 * backlog wait). Entries written back by {@code ReturnTaken} are never refused (see
 * {@link #unbounded}).
 *
 * <p><b>One mirror</b>: the outbox keeps the partition's mirror lease ({@link MirrorLeaseState}). A
 * pull ({@link #read(long, int, long)}) and an acknowledgement must carry the current lease's epoch;
 * both are checked under this object's monitor, which lease changes take too, so everything a pull
 * of an epoch returned was appended before the next epoch was granted (the next mirror then finds it
 * at or below the outbox's last sequence when it starts).
 *
 * <p>Threads: appends, acknowledgements and lease changes run on the Raft apply thread; the leader's
 * pulls read under this object's monitor.
 */
public final class ReplicatedOutbox implements ChangeSink {
    /** One record: its sequence and payload. */
    public record Record(long sequence, byte[] payload) {
    }

    /** What a pull returns: the log id, records after the requested sequence, and where the outbox stands. */
    public record Slice(String logId, List<Record> records, long lastSequence, long acknowledged) {
    }

    private final String spaceName;
    private final int partitionId;
    private final int capacity;
    private final Function<TypeDescriptor, String> classNames;
    private final WireOutput buffer = new WireOutput(256);
    private final ArrayDeque<Record> records = new ArrayDeque<>();
    private final List<Runnable> appendListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final MirrorLeaseState lease;
    private String logId;
    private long lastSequence;
    private long acknowledged;
    private boolean unbounded;
    /** While a transaction's part is applied: its changes, appended as one record at the end. */
    private List<Change> captured;

    /**
     * @param spaceName for messages
     * @param partitionId the partition
     * @param capacity the most undelivered records (the same on every replica of the group)
     * @param classNames the user class name of a (replica-side) type, for the mirror to build objects
     */
    public ReplicatedOutbox(String spaceName, int partitionId, int capacity, Function<TypeDescriptor, String> classNames) {
        if (capacity < 1) {
            throw new IllegalArgumentException("outbox capacity must be positive, got " + capacity);
        }
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.capacity = capacity;
        this.classNames = classNames;
        this.lease = new MirrorLeaseState(spaceName, partitionId);
    }

    // ================================================================ ChangeSink (apply thread)

    @Override
    public boolean isActive() {
        return true;
    }

    @Override
    public void beforeApply(List<Change> changes) {
        if (captured != null) {
            captured.addAll(changes);
            return;
        }
        List<byte[]> payloads = new ArrayList<>(changes.size());
        for (Change c : changes) {
            try {
                payloads.add(OutboxCodec.encode(c, classNames, buffer));
            } catch (RuntimeException e) {
                throw new SpacePersistenceException("space '" + spaceName + "' partition " + partitionId + ": cannot write " + c.type()
                        + " of " + c.entry().type().name() + " id=" + c.entry().id() + " to the write-behind outbox: " + e.getMessage(), e);
            }
        }
        append(payloads);
    }

    /**
     * Applies a committed transaction's part through {@code apply}, collecting its changes, and
     * appends them as one record (never refused: the part was prepared when there was room).
     */
    void appendTransaction(String txId, int[] participants, Runnable apply) {
        captured = new ArrayList<>();
        List<Change> changes;
        try {
            apply.run();
        } finally {
            changes = captured;
            captured = null;
        }
        if (changes.isEmpty()) {
            return;
        }
        long[] order = new long[changes.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        byte[] payload = OutboxCodec.encodeTransaction(txId, participants, changes, order, classNames, buffer);
        unbounded(() -> append(List.of(payload)));
    }

    private void append(List<byte[]> payloads) {
        synchronized (this) {
            if (!unbounded && records.size() + payloads.size() > capacity) {
                throw new PersistenceBacklogFullException(spaceName, partitionId, records.size(), capacity, java.time.Duration.ZERO);
            }
            for (byte[] p : payloads) {
                records.addLast(new Record(++lastSequence, p));
            }
        }
    }

    @Override
    public void afterApply(List<Change> changes) {
        for (Runnable r : appendListeners) {
            r.run();
        }
    }

    /** Runs {@code r} with the capacity lifted (entries given back by ReturnTaken). */
    void unbounded(Runnable r) {
        synchronized (this) {
            unbounded = true;
        }
        try {
            r.run();
        } finally {
            synchronized (this) {
                unbounded = false;
            }
        }
    }

    /** Sets the log id unless one is set (the first OutboxStart wins). */
    synchronized void start(String id) {
        if (logId == null) {
            logId = id;
        }
    }

    /**
     * Drops the records up to {@code sequence} of log {@code ackLogId} (none if the outbox's log id is
     * another): the mirror of lease epoch {@code epoch} delivered them; refused with
     * {@link io.khora.persistence.MirrorFencedException} unless that is the current lease (at log time
     * {@code now}). Answers how many were dropped.
     */
    int acknowledge(String ackLogId, long sequence, long epoch, long now) {
        int dropped = 0;
        synchronized (this) {
            lease.check(epoch, "acknowledge", now, true);
            if (!ackLogId.equals(logId)) {
                return 0;
            }
            long upTo = Math.min(sequence, lastSequence);
            while (!records.isEmpty() && records.peekFirst().sequence() <= upTo) {
                records.removeFirst();
                dropped++;
            }
            acknowledged = Math.max(acknowledged, upTo);
        }
        if (dropped > 0) {
            for (Runnable r : appendListeners) {
                r.run();
            }
        }
        return dropped;
    }

    // ================================================================ reads (any thread)

    /** Called after each append and acknowledgement (on the apply thread: must not block). */
    public void addListener(Runnable r) {
        appendListeners.add(r);
    }

    /** Applies a mirror lease command at log time {@code now}; see {@link MirrorLeaseState}. */
    synchronized MirrorLeaseState.Grant lease(Command.MirrorLease c, long now) {
        return lease.apply(c, now);
    }

    /**
     * Up to {@code max} records after {@code after}, for the mirror of lease epoch {@code epoch}:
     * refused with {@link io.khora.persistence.MirrorFencedException} unless that is the current
     * lease ({@code now}: the reader's idea of log time, for the message).
     */
    public synchronized Slice read(long after, int max, long epoch, long now) {
        lease.check(epoch, "pull the outbox", now, false);
        return read(after, max);
    }

    /** The mirror lease's holder, or null: its epoch and when it lapses are {@link #leaseEpoch()}, {@link #leaseExpiresAt()}. */
    public synchronized String leaseHolder() {
        return lease.holder();
    }

    /** The mirror lease's last epoch (0: never granted). */
    public synchronized long leaseEpoch() {
        return lease.epoch();
    }

    /** When the mirror lease lapses, in log time. */
    public synchronized long leaseExpiresAt() {
        return lease.expiresAt();
    }

    /** Up to {@code max} records after {@code after}, whoever asks (status, tests). */
    public synchronized Slice read(long after, int max) {
        List<Record> out = new ArrayList<>(Math.min(max, records.size()));
        for (Record r : records) {
            if (out.size() == max) {
                break;
            }
            if (r.sequence() > after) {
                out.add(r);
            }
        }
        return new Slice(logId, out, lastSequence, acknowledged);
    }

    /** The log id, or null until the first leader set one. */
    public synchronized String logId() {
        return logId;
    }

    /** Undelivered records. */
    public synchronized int size() {
        return records.size();
    }

    /** Whether no further change fits. */
    public synchronized boolean isFull() {
        return records.size() >= capacity;
    }

    /** The sequence of the last record appended. */
    public synchronized long lastSequence() {
        return lastSequence;
    }

    /** The last sequence acknowledged by the mirror. */
    public synchronized long acknowledged() {
        return acknowledged;
    }

    /** The capacity. */
    public int capacity() {
        return capacity;
    }

    // ================================================================ snapshots

    /** Writes the outbox; {@link #writeLeaseTo} writes its mirror lease (snapshot format 4 on). */
    synchronized void writeTo(WireOutput w) {
        w.writeValue(logId);
        w.writeVarLong(lastSequence);
        w.writeVarLong(acknowledged);
        w.writeVarInt(records.size());
        for (Record r : records) {
            w.writeVarLong(r.sequence());
            w.writeBytes(r.payload());
        }
    }

    synchronized void writeLeaseTo(WireOutput w) {
        lease.writeTo(w);
    }

    synchronized void readLeaseFrom(WireInput r) {
        lease.readFrom(r);
    }

    synchronized void readFrom(WireInput r) {
        records.clear();
        logId = (String) r.readValue();
        lastSequence = r.readVarLong();
        acknowledged = r.readVarLong();
        int n = r.readVarInt();
        for (int i = 0; i < n; i++) {
            long seq = r.readVarLong();
            byte[] payload = r.readBytes();
            records.addLast(new Record(seq, payload));
        }
    }

    synchronized void clear() {
        records.clear();
        logId = null;
        lastSequence = 0;
        acknowledged = 0;
        lease.clear();
    }
}

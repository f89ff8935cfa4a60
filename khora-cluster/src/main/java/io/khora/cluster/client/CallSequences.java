package io.khora.cluster.client;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The client's call numbers: one increasing sequence for all its mutations, and per partition the
 * calls still awaiting their final answer. Each request tells its partition the lowest of those
 * ({@link #answeredBelow}): every call below it is answered for good and will never be retried, so
 * the partition may forget its response. A call parked for long keeps the floor low, so its
 * response stays remembered for its retry however many calls follow.
 *
 * <p>A call whose outcome is unknown is <em>held</em> ({@link #hold}): it stays open, so its
 * response stays remembered for a resend with the same number, until it is resent
 * ({@link #resume}) and answered, abandoned ({@link #end}), or its resend deadline passes.
 */
final class CallSequences {
    private final TreeSet<Long>[] pending;
    /** Per partition: held calls → the time (nanos) after which they can no longer be resent. */
    private final Map<Long, Long>[] held;
    private final LongSupplier nanoClock;
    private long last;

    CallSequences(int partitions) {
        this(partitions, System::nanoTime);
    }

    @SuppressWarnings("unchecked")
    CallSequences(int partitions, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        pending = new TreeSet[partitions];
        held = new Map[partitions];
        for (int i = 0; i < partitions; i++) {
            pending[i] = new TreeSet<>();
            held[i] = new HashMap<>();
        }
    }

    /** A new call to {@code partition}: its number, pending until {@link #end}. */
    synchronized long begin(int partition) {
        long s = ++last;
        pending[partition].add(s);
        return s;
    }

    /** The call's final answer arrived, or it is given up: it will not be retried. */
    synchronized void end(int partition, long sequence) {
        pending[partition].remove(sequence);
        held[partition].remove(sequence);
    }

    /**
     * The call's outcome is unknown: it stays open for a resend until {@code deadlineNanos} (in the
     * clock's time), then it is ended.
     */
    synchronized void hold(int partition, long sequence, long deadlineNanos) {
        if (pending[partition].contains(sequence)) {
            held[partition].put(sequence, deadlineNanos);
        }
    }

    /**
     * A held call is being resent: true if it still may be (held, deadline not passed; it stays open
     * until {@link #end} or {@link #hold} again), false if it was abandoned or its deadline passed.
     */
    synchronized boolean resume(int partition, long sequence) {
        release(partition);
        return held[partition].remove(sequence) != null;
    }

    /** Every call to {@code partition} numbered below this has had its final answer. */
    synchronized long answeredBelow(int partition) {
        release(partition);
        return pending[partition].isEmpty() ? last + 1 : pending[partition].first();
    }

    /** How many calls to {@code partition} are held for a resend. */
    synchronized int held(int partition) {
        release(partition);
        return held[partition].size();
    }

    private void release(int partition) {
        if (held[partition].isEmpty()) {
            return;
        }
        long now = nanoClock.getAsLong();
        held[partition].entrySet().removeIf(e -> {
            boolean expired = now - e.getValue() >= 0;
            if (expired) {
                pending[partition].remove(e.getKey());
            }
            return expired;
        });
    }
}

package io.khora.cluster.client;

import java.util.TreeSet;

/**
 * The client's call numbers: one increasing sequence for all its mutations, and per partition the
 * calls still awaiting their final answer. Each request tells its partition the lowest of those
 * ({@link #answeredBelow}): every call below it is answered for good and will never be retried, so
 * the partition may forget its response. A call parked for long keeps the floor low, so its
 * response stays remembered for its retry however many calls follow.
 */
final class CallSequences {
    private final TreeSet<Long>[] pending;
    private long last;

    @SuppressWarnings("unchecked")
    CallSequences(int partitions) {
        pending = new TreeSet[partitions];
        for (int i = 0; i < partitions; i++) {
            pending[i] = new TreeSet<>();
        }
    }

    /** A new call to {@code partition}: its number, pending until {@link #end}. */
    synchronized long begin(int partition) {
        long s = ++last;
        pending[partition].add(s);
        return s;
    }

    /** The call's final answer arrived (or the client gave up on it): it will not be retried. */
    synchronized void end(int partition, long sequence) {
        pending[partition].remove(sequence);
    }

    /** Every call to {@code partition} numbered below this has had its final answer. */
    synchronized long answeredBelow(int partition) {
        return pending[partition].isEmpty() ? last + 1 : pending[partition].first();
    }
}

package io.khora.bench.handoff;

import io.khora.bench.peer.HazelcastMember;

/**
 * A way to hand a timestamp from a producer thread to a consumer thread that is waiting for it.
 * One implementation per contestant of the hand-off probe.
 */
interface HandOffChannel extends AutoCloseable {

    /** Sends message {@code seq}, stamped {@code sentAtNanos}; does not wait for the consumer. */
    void send(long seq, long sentAtNanos) throws InterruptedException;

    /** Waits for the next message and returns its stamp. */
    long receive() throws InterruptedException;

    /** Releases the channel. */
    @Override
    void close();

    /** The channel of contestant {@code key}. */
    static HandOffChannel open(String key) {
        return switch (key) {
            case "khora" -> new KhoraChannel();
            case "synchronous-queue" -> new QueueChannel(new java.util.concurrent.SynchronousQueue<>());
            case "linked-blocking-queue" -> new QueueChannel(new java.util.concurrent.LinkedBlockingQueue<>());
            case "hz-queue" -> new QueueChannel(HazelcastMember.get().getQueue("bench-hand-off"), HazelcastMember::shutdown);
            default -> throw new IllegalArgumentException("unknown hand-off contestant '" + key + "'");
        };
    }
}

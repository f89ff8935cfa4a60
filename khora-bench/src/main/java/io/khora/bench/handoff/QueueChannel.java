package io.khora.bench.handoff;

import java.util.concurrent.BlockingQueue;

/**
 * A {@link BlockingQueue} (a JDK queue, the limit, or Hazelcast's {@code IQueue}, the peer):
 * {@code put} to send, {@code take} to wait.
 */
final class QueueChannel implements HandOffChannel {
    private final BlockingQueue<Long> queue;
    private final Runnable onClose;

    QueueChannel(BlockingQueue<Long> queue) {
        this(queue, () -> { });
    }

    QueueChannel(BlockingQueue<Long> queue, Runnable onClose) {
        this.queue = queue;
        this.onClose = onClose;
    }

    @Override
    public void send(long seq, long sentAtNanos) throws InterruptedException {
        queue.put(sentAtNanos);
    }

    @Override
    public long receive() throws InterruptedException {
        return queue.take();
    }

    @Override
    public void close() {
        onClose.run();
    }
}

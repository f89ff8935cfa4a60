package io.khora.bench.handoff;

import io.khora.Period;
import io.khora.Query;
import io.khora.Space;
import io.khora.bench.model.HandOffMessage;
import io.khora.bench.peer.KhoraSpaces;

/**
 * Khora: the producer {@code write}s a {@link HandOffMessage}; the consumer waits in
 * {@code take(Query.all(HandOffMessage.class), Period.FOREVER)} and the write wakes it.
 */
final class KhoraChannel implements HandOffChannel {
    private final Space space = KhoraSpaces.start("bench-hand-off");
    private final Query<HandOffMessage> any = Query.all(HandOffMessage.class);

    @Override
    public void send(long seq, long sentAtNanos) {
        space.write(new HandOffMessage(seq, sentAtNanos));
    }

    @Override
    public long receive() {
        return space.take(any, Period.FOREVER).getSentAtNanos();
    }

    @Override
    public void close() {
        space.close();
    }
}

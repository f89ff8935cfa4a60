package io.khora.bench.model;

import io.khora.annotation.SpaceId;

/** The entry of the hand-off latency probe: a sequence number and the producer's send time. */
public class HandOffMessage {
    private long seq;
    private long sentAtNanos;

    /** For the space's codec. */
    public HandOffMessage() {
    }

    /** A message sent at {@code sentAtNanos} ({@link System#nanoTime()}). */
    public HandOffMessage(long seq, long sentAtNanos) {
        this.seq = seq;
        this.sentAtNanos = sentAtNanos;
    }

    @SpaceId
    public long getSeq() {
        return seq;
    }

    public void setSeq(long seq) {
        this.seq = seq;
    }

    public long getSentAtNanos() {
        return sentAtNanos;
    }

    public void setSentAtNanos(long sentAtNanos) {
        this.sentAtNanos = sentAtNanos;
    }
}

package io.khora.internal.outbox;

/**
 * One record read back from a {@link SegmentLog}: its sequence and its payload (a fresh array
 * the caller owns). As with any record holding an array, {@code equals} compares the array by
 * identity.
 */
public record LogRecord(long sequence, byte[] payload) {
}

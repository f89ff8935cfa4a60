/**
 * The write-behind outbox's storage: {@link io.khora.internal.outbox.SegmentLog}, an append-only,
 * checksummed log of byte[] records in segment files, with dense sequence numbers, per-policy
 * durability (its class comment states the guarantees), crash recovery and tailing
 * {@link io.khora.internal.outbox.SegmentReader readers}. Internals, one mechanism each:
 * {@code RecordFormat} (the byte layout), {@code Segment} (one file), {@code RecordScanner}
 * (buffered, validating sequential reads), {@code SegmentRecovery} (what {@code open} does).
 */
package io.khora.internal.outbox;

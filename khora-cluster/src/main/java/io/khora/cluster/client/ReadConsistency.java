package io.khora.cluster.client;

/**
 * What a remote read ({@code readById}, {@code read}, {@code readMultiple}, {@code count}, waiting
 * reads) may return. In a URI: {@code reads=linearizable} (the default) or {@code reads=leader-local}.
 */
public enum ReadConsistency {
    /**
     * The default: a read is answered only after the partition's leader has confirmed, with a
     * majority of its group, that it still leads — so a read reflects every write acknowledged
     * before it started, even right after a fail-over or when a paused leader resumes. Costs one
     * round trip inside the group per burst of reads (reads arriving together share it).
     */
    LINEARIZABLE,
    /**
     * The leader answers from its own state without confirming its leadership: one round trip
     * less, but a leader that was cut off or paused and has not yet learned it was deposed answers
     * from its old state (stale reads) until it notices — within the failure detection timeout
     * after it can hear the group again. For callers who accept that staleness.
     */
    LEADER_LOCAL
}

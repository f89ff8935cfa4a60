package io.khora;

/** How a space with a synchronization endpoint writes its changes back (seed 000). */
public enum SynchronizationMode {
    /** Each operation returns only after the endpoint confirmed its changes (direct persistency). */
    WRITE_THROUGH,
    /**
     * Each operation returns once its changes are in the partition's durable outbox; a mirror
     * delivers them to the endpoint in order, in batches, consolidated per entry, exactly once into
     * a checkpointing endpoint (asynchronous persistency with the mirror).
     */
    WRITE_BEHIND
}

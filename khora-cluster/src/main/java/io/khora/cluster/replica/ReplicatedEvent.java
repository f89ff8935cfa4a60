package io.khora.cluster.replica;

import io.khora.SpaceEventType;
import io.khora.cluster.raft.StoredEntry;

import java.util.Objects;

/**
 * What happened to one entry of a replicated partition, as its leader applied it: delivered to the
 * listeners of {@link ReplicatedPartition#subscribe}. For WRITE and UPDATE the entry is the new
 * state; for TAKE and EXPIRE the state that was removed.
 *
 * @param type what happened
 * @param entry the entry (a copy, safe to keep)
 */
public record ReplicatedEvent(SpaceEventType type, StoredEntry entry) {
    /** Checks the components. */
    public ReplicatedEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(entry, "entry");
    }
}

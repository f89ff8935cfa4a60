package io.khora.internal.persistence;

import io.khora.internal.engine.SpaceEntry;

import java.util.List;

/**
 * What write-behind has accepted but not yet delivered to the store, as read-through must see it:
 * a miss must never read a database row older than a change still on its way.
 */
public interface PendingChanges {
    /** No pending changes (write-through, or no endpoint). */
    PendingChanges NONE = new PendingChanges() {
        @Override
        public SpaceEntry pendingEntry(String rootType, Object id) {
            return null;
        }

        @Override
        public boolean isRemoved(String rootType, Object id) {
            return false;
        }

        @Override
        public List<SpaceEntry> pendingEntries(String rootType) {
            return List.of();
        }
    };

    /** The entry's latest undelivered state (null if none or if it was removed; see {@link #isRemoved}). */
    SpaceEntry pendingEntry(String rootType, Object id);

    /** Whether the entry's latest undelivered change removes it. */
    boolean isRemoved(String rootType, Object id);

    /** Undelivered, not removed entries of a root type. */
    List<SpaceEntry> pendingEntries(String rootType);
}

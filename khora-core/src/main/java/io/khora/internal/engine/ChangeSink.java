package io.khora.internal.engine;

import java.util.List;

/**
 * Where a partition sends its changes to be persisted. {@link #beforeApply} runs under the
 * partition lock, before the changes are applied in memory, in the partition's order of changes;
 * if it throws, the operation fails and memory is left unchanged (write-through). {@link #afterApply}
 * runs after the lock is released.
 */
public interface ChangeSink {
    /** A sink that persists nothing. */
    ChangeSink NONE = new ChangeSink() {
        @Override
        public boolean isActive() {
            return false;
        }

        @Override
        public void beforeApply(List<Change> changes) {
        }

        @Override
        public void afterApply(List<Change> changes) {
        }
    };

    /** Whether changes are persisted at all. */
    boolean isActive();

    /** Whether lease expiries are persisted as REMOVE (off unless configured). */
    default boolean persistsExpiry() {
        return false;
    }

    /** Persists {@code changes}; throwing vetoes them. Called under the partition lock. */
    void beforeApply(List<Change> changes);

    /** Called once the changes are applied, without the lock. */
    void afterApply(List<Change> changes);
}

package io.khora.internal.engine;

import io.khora.SpaceEventType;

/**
 * What a waiting read or take needs to know about the transaction it runs under: its part in a
 * partition (created before the waiter is registered there) and whether its reads lock.
 */
public interface TxContext {
    /** The transaction's part in partition {@code partitionId}, or null if it has none there. */
    TxPart partIn(int partitionId);

    /** Whether reads lock what they return (EXCLUSIVE_READ). */
    boolean exclusiveReads();

    /** A number increasing with every change the transaction makes, in any partition (persistence order). */
    long nextOrder();

    /**
     * The transaction changed an entry in its own view (under the partition lock: only enqueue):
     * what listeners registered under the transaction are told, as it happens.
     */
    default void changed(SpaceEventType type, SpaceEntry entry) {
    }
}

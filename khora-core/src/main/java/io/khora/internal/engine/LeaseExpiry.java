package io.khora.internal.engine;

import io.khora.SpaceEventType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Lease expiry: an expired entry is never returned, is treated as absent by writes and takes, and
 * is removed with one EXPIRE event by whichever of {@link #sweep} or a mutation touching it
 * ({@link #liveOrExpire}) comes first — unless a transaction holds it, then it expires once the
 * lock is released. Time is the caller's {@code now}; under the partition's write lock.
 */
final class LeaseExpiry {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseExpiry.class);

    private final String spaceName;
    private final int partitionId;
    private final EntryStore store;
    private final TxLocks locks;
    /** Entries removed because their lease expired, so far (metrics). */
    private volatile long expiredCount;

    LeaseExpiry(String spaceName, int partitionId, EntryStore store, TxLocks locks) {
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.store = store;
        this.locks = locks;
    }

    long expiredCount() {
        return expiredCount;
    }

    /** The earliest lease expiry, {@link Long#MAX_VALUE} if none. Lock-free. */
    long nextExpiry() {
        return store.expiries().nextExpiry();
    }

    /** {@code e} if live; if expired, evicts it (EXPIRE event, unless a transaction holds it) and returns null. */
    SpaceEntry liveOrExpire(TypeStore typeStore, SpaceEntry e, long now, AfterUnlock after) {
        if (e != null && e.isExpiredAt(now)) {
            if (locks.holder(typeStore, e.id()) == null) {
                expire(typeStore, e, after);
            }
            return null;
        }
        return e;
    }

    /** Evicts every entry whose lease has run out at {@code now} (one EXPIRE event each); returns how many. */
    int sweep(long now, AfterUnlock after) {
        int n = 0;
        List<SpaceEntry> deferred = null;
        for (SpaceEntry e : store.expiries().pollExpired(now)) {
            TypeStore typeStore = store.store(e.type().root().name());
            if (typeStore != null && typeStore.isCurrent(e)) {
                if (locks.holder(typeStore, e.id()) != null) {
                    // locked by a transaction: it expires when the lock is released
                    if (deferred == null) {
                        deferred = new ArrayList<>();
                    }
                    deferred.add(e);
                    continue;
                }
                expire(typeStore, e, after);
                n++;
            }
        }
        if (deferred != null) {
            deferred.forEach(store.expiries()::add);
        }
        return n;
    }

    private void expire(TypeStore typeStore, SpaceEntry e, AfterUnlock after) {
        if (store.sink().persistsExpiry()) {
            try {
                store.persistRemove(after, e);
            } catch (RuntimeException ex) {
                LOG.warn("space '{}' partition {}: persisting the expiry of {} failed; it expires in memory anyway",
                        spaceName, partitionId, e, ex);
            }
        }
        store.remove(typeStore, e, SpaceEventType.EXPIRE);
        expiredCount++;
    }
}

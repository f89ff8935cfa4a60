package io.khora.testing;

import io.khora.Space;
import io.khora.internal.local.LocalSpace;
import io.khora.internal.router.LocalRouter;

/** Observes the transaction state of an embedded space's partitions. */
public final class Locks {
    private Locks() {
    }

    /** Entries locked by transactions, over all partitions. */
    public static int locked(Space space) {
        LocalRouter r = ((LocalSpace) space).router();
        int n = 0;
        for (int i = 0; i < r.size(); i++) {
            n += r.partition(i).lockedEntries();
        }
        return n;
    }

    /** Transaction parts neither committed nor aborted, over all partitions. */
    public static int openParts(Space space) {
        LocalRouter r = ((LocalSpace) space).router();
        int n = 0;
        for (int i = 0; i < r.size(); i++) {
            n += r.partition(i).openParts().size();
        }
        return n;
    }

    /** The 0-based partition of routing value {@code routing}. */
    public static int partitionOf(Space space, Object routing) {
        return ((LocalSpace) space).router().forRouting(routing).partitionId();
    }
}

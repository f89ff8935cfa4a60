package io.khora.cluster.server;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client connection's state on a node: the client's id (from its HELLO) and the waiting
 * operations it has parked, which are cancelled when the connection closes.
 */
final class ClientSession {
    private volatile long clientHigh;
    private volatile long clientLow;
    private volatile boolean identified;
    private volatile boolean closed;
    private final Set<CompletableFuture<?>> parked = ConcurrentHashMap.newKeySet();

    void identify(long high, long low) {
        this.clientHigh = high;
        this.clientLow = low;
        this.identified = true;
    }

    boolean identified() {
        return identified;
    }

    long clientHigh() {
        return clientHigh;
    }

    long clientLow() {
        return clientLow;
    }

    boolean isClosed() {
        return closed;
    }

    /** Tracks a waiting operation until it completes; one parked on a closed session is cancelled at once. */
    void park(CompletableFuture<?> waiting) {
        parked.add(waiting);
        waiting.whenComplete((r, e) -> parked.remove(waiting));
        if (closed) {
            waiting.cancel(false);
        }
    }

    /** Closes the session: every operation still parked is cancelled. */
    void close() {
        closed = true;
        for (CompletableFuture<?> f : parked) {
            f.cancel(false);
        }
    }
}

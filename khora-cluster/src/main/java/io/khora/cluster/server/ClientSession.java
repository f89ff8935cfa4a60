package io.khora.cluster.server;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client connection's state on a node: the client's id (from its HELLO), the waiting
 * operations it has parked and its subscriptions, all ended when the connection closes.
 */
final class ClientSession {
    private volatile long clientHigh;
    private volatile long clientLow;
    private volatile boolean identified;
    private volatile boolean leaderLocalReads;
    private volatile int maxFrame;
    private volatile boolean closed;
    private final Set<CompletableFuture<?>> parked = ConcurrentHashMap.newKeySet();
    private final java.util.Map<Long, io.khora.Subscription> subscriptions = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<io.khora.cluster.protocol.Response> pusher = r -> { };
    private volatile io.khora.cluster.server.security.Principal principal;
    private volatile io.khora.cluster.server.security.ScramExchange scram;
    private volatile String remoteAddress = "?";
    private volatile java.security.cert.X509Certificate peerCertificate;

    /** Who the connection authenticated as, or null before it has. */
    io.khora.cluster.server.security.Principal principal() {
        return principal;
    }

    /** The connection has authenticated as {@code p}. */
    void authenticated(io.khora.cluster.server.security.Principal p) {
        this.principal = p;
        this.scram = null;
    }

    /** The SCRAM exchange in progress, or null. */
    io.khora.cluster.server.security.ScramExchange scram() {
        return scram;
    }

    void scram(io.khora.cluster.server.security.ScramExchange exchange) {
        this.scram = exchange;
    }

    /** The client's IP address (what failed authentications are counted by). */
    String remoteAddress() {
        return remoteAddress;
    }

    void remoteAddress(String address) {
        this.remoteAddress = address;
    }

    /** The client certificate the TLS handshake verified against the cluster CA, or null if it presented none. */
    java.security.cert.X509Certificate peerCertificate() {
        return peerCertificate;
    }

    void peerCertificate(java.security.cert.X509Certificate c) {
        this.peerCertificate = c;
    }

    /** Sets how frames the client did not ask for (events) reach it. */
    void pushTo(java.util.function.Consumer<io.khora.cluster.protocol.Response> out) {
        this.pusher = out;
    }

    /** Sends an unrequested frame (an event, a subscription's end) unless the session is closed. */
    void push(io.khora.cluster.protocol.Response r) {
        if (!closed) {
            pusher.accept(r);
        }
    }

    /** Keeps a subscription until the client ends it or the session closes. */
    void subscribed(long id, io.khora.Subscription s) {
        subscriptions.put(id, s);
        if (closed) {
            s.close();
        }
    }

    /** Ends the subscription made by request {@code id}, if any. */
    void unsubscribe(long id) {
        io.khora.Subscription s = subscriptions.remove(id);
        if (s != null) {
            s.close();
        }
    }

    /** Forgets a subscription that ended at the partition. */
    void forget(long id) {
        subscriptions.remove(id);
    }

    void identify(long high, long low, boolean leaderLocalReads, int maxFrame) {
        this.clientHigh = high;
        this.clientLow = low;
        this.leaderLocalReads = leaderLocalReads;
        this.maxFrame = maxFrame;
        this.identified = true;
    }

    /** The largest frame the client said it accepts (its HELLO), or 0 if it did not say. */
    int clientMaxFrame() {
        return maxFrame;
    }

    /** Whether this client's reads may be answered without confirming the leadership. */
    boolean leaderLocalReads() {
        return leaderLocalReads;
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

    /** Whether the client waits for something here: a parked read or take, or an open subscription. */
    boolean waiting() {
        return !parked.isEmpty() || !subscriptions.isEmpty();
    }

    /** Tracks a waiting operation until it completes; one parked on a closed session is cancelled at once. */
    void park(CompletableFuture<?> waiting) {
        parked.add(waiting);
        waiting.whenComplete((r, e) -> parked.remove(waiting));
        if (closed) {
            waiting.cancel(false);
        }
    }

    /** Closes the session: every operation still parked is cancelled, every subscription ended. */
    void close() {
        closed = true;
        for (Long id : subscriptions.keySet()) {
            unsubscribe(id);
        }
        for (CompletableFuture<?> f : parked) {
            f.cancel(false);
        }
    }
}

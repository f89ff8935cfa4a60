package io.khora;

/**
 * A source of time in milliseconds for leases and waits. Injected so that expiry can be tested
 * without sleeping (and, in a cluster, so that replicas use the leader's time, never their own).
 * Only differences between readings matter.
 */
@FunctionalInterface
public interface Ticker {
    /** The current time in milliseconds. */
    long millis();

    /** A monotonic ticker based on {@link System#nanoTime()}. */
    static Ticker system() {
        return () -> System.nanoTime() / 1_000_000L;
    }
}

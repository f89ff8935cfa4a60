package io.khora.cluster.server.security;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rate-limits failed authentications per remote address: after {@code maxFailures} failures within
 * a window (which starts at an address's first failure), further attempts from that address are
 * refused unchecked until the window ends. Remembers at most {@link #MAX_ADDRESSES} addresses (the
 * oldest windows are forgotten first). Time is injected.
 */
public final class AuthThrottle {
    /** How many addresses are remembered at most. */
    static final int MAX_ADDRESSES = 65_536;

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier nanos;
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();

    private static final class Window {
        final long start;
        int failures;

        Window(long start) {
            this.start = start;
        }
    }

    /**
     * @param maxFailures failures allowed per address and window
     * @param window how long an address's failures count
     * @param nanos the clock ({@code System::nanoTime})
     */
    public AuthThrottle(int maxFailures, Duration window, LongSupplier nanos) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be positive, got " + maxFailures);
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.nanos = nanos;
    }

    /** 5 failures a minute per address. */
    public static AuthThrottle defaults() {
        return new AuthThrottle(5, Duration.ofMinutes(1), System::nanoTime);
    }

    /** How long {@code address} must wait before it may try again, in milliseconds; 0 if it may try now. */
    public synchronized long refusedForMillis(String address) {
        Window w = current(address);
        if (w == null || w.failures < maxFailures) {
            return 0;
        }
        return Math.max(1, Duration.ofNanos(w.start + windowNanos - nanos.getAsLong()).toMillis());
    }

    /** Counts a failure of {@code address}; answers its failures in the current window. */
    public synchronized int failed(String address) {
        Window w = current(address);
        if (w == null) {
            w = new Window(nanos.getAsLong());
            windows.put(address, w);
            if (windows.size() > MAX_ADDRESSES) {
                Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator();
                it.next();
                it.remove();
            }
        }
        return ++w.failures;
    }

    /** The address's window if it has not ended (an ended one is dropped, with any other ended ones before it). */
    private Window current(String address) {
        long now = nanos.getAsLong();
        Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator();
        while (it.hasNext()) { // insertion order = window start order: drop ended windows from the front
            Window w = it.next().getValue();
            if (now - w.start < windowNanos) {
                break;
            }
            it.remove();
        }
        return windows.get(address);
    }
}

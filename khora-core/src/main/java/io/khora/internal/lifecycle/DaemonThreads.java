package io.khora.internal.lifecycle;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place Khora makes threads: every one a daemon (a space, node or client never keeps the
 * JVM alive by itself; closing it is what stops its work) and every one named after what it does
 * and whose it is ({@code khora-orders-load-3}), so a thread dump reads as a map of the process.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** A factory of daemon threads all called {@code name} (for a single-thread executor). */
    public static ThreadFactory named(String name) {
        return r -> daemon(r, name);
    }

    /** A factory of daemon threads called {@code prefix1}, {@code prefix2}, … */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(r, prefix + n.incrementAndGet());
    }

    /** Starts {@code body} on a new daemon thread called {@code name}. */
    public static Thread start(String name, Runnable body) {
        Thread t = daemon(body, name);
        t.start();
        return t;
    }

    /** A new, unstarted daemon thread. */
    public static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}

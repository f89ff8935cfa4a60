package io.khora.cluster.replica;

import io.khora.internal.lifecycle.DaemonThreads;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The threads of one replica, all daemons named after it ({@code khora-<space>-p<partition>-<raft id>}):
 * one timer thread for maintenance, time-outs, retries and wake-ups (cancelled tasks are removed at
 * once, so parked waits' time-outs do not pile up), and a cached pool delivering events to
 * subscribers off the Raft thread.
 */
final class ReplicaThreads {
    private ReplicaThreads() {
    }

    /** The name of the replica's threads. */
    static String name(String spaceName, int partitionId, String raftId) {
        return "khora-" + spaceName + "-p" + partitionId + "-" + raftId;
    }

    /** The replica's timer: one thread named {@code name}. */
    static ScheduledThreadPoolExecutor timer(String name) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(name));
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** The replica's event delivery threads, named {@code name-events-<n>}. */
    static ExecutorService events(String name) {
        return Executors.newCachedThreadPool(DaemonThreads.numbered(name + "-events-"));
    }
}

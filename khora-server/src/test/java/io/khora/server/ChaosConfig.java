package io.khora.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a chaos run's cluster and client load are set up. {@link #DEFAULT}: 3 nodes, a space of 4
 * partitions × 3 replicas, 9 client threads on 3 long-lived clients (3 writers of fresh entries and 2
 * takers; 2 register writers with 4 keys each and 2 register readers). A {@link FaultSchedule} may
 * start from it and change what it needs (a write-behind space, more nodes).
 *
 * @param nodes node processes
 * @param partitions the space's partitions
 * @param replicas replicas per partition
 * @param minSeeders nodes a space waits for before it starts
 * @param writeBehind whether the space has write-behind (a replicated outbox, for a mirror)
 * @param itemWriters threads writing fresh entries ({@link Load})
 * @param takers threads taking entries ({@link Load})
 * @param registerWriters threads putting register values ({@link RegisterLoad})
 * @param keysPerWriter registers per register writer
 * @param registerReaders threads reading registers
 * @param pauseMicros each thread's pause between two operations
 * @param clientOptions the clients' URI options
 * @param loadLimit the longest a run's load may go on (the schedule's waits give up before)
 * @param nodeFlags flags every node is started with beside the cluster's own ({@link ProcessCluster#withNodeFlags})
 */
record ChaosConfig(int nodes, int partitions, int replicas, int minSeeders, boolean writeBehind, int itemWriters, int takers,
                   int registerWriters, int keysPerWriter, int registerReaders, long pauseMicros, String clientOptions,
                   Duration loadLimit, List<String> nodeFlags) {
    static final ChaosConfig DEFAULT = new ChaosConfig(3, 4, 3, 2, false, 3, 2, 2, 4, 2, 2_000,
            "timeout=20s&attempt-timeout=2s&connect-timeout=1s", Duration.ofMinutes(4), List.of());

    ChaosConfig {
        nodeFlags = List.copyOf(nodeFlags);
    }

    int clientThreads() {
        return itemWriters + takers + registerWriters + registerReaders;
    }

    /** This configuration with a write-behind space (for schedules with a mirror). */
    ChaosConfig withWriteBehind() {
        return new ChaosConfig(nodes, partitions, replicas, minSeeders, true, itemWriters, takers, registerWriters, keysPerWriter,
                registerReaders, pauseMicros, clientOptions, loadLimit, nodeFlags);
    }

    /**
     * This configuration with size limits ({@code 1MiB}, {@code 256KiB}) on every node
     * ({@code --max-frame-size}, {@code --max-entry-size}) and the same in the clients' URIs.
     */
    ChaosConfig withSizeLimits(String maxFrameSize, String maxEntrySize) {
        List<String> flags = new ArrayList<>(nodeFlags);
        flags.addAll(List.of("--max-frame-size", maxFrameSize, "--max-entry-size", maxEntrySize));
        return new ChaosConfig(nodes, partitions, replicas, minSeeders, writeBehind, itemWriters, takers, registerWriters, keysPerWriter,
                registerReaders, pauseMicros, clientOptions + "&max-frame-size=" + maxFrameSize + "&max-entry-size=" + maxEntrySize,
                loadLimit, flags);
    }
}

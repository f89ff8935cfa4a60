package io.khora.cluster.replica;

import io.khora.cluster.raft.PartitionStateMachine;
import io.khora.internal.wire.JavaDeserialization;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ReplicatedPartition} runs beyond its {@link io.khora.cluster.node.ReplicaConfig}:
 * call deduplication, group commit and event delivery. Immutable; start from {@link #DEFAULTS} and
 * change with the {@code with…} methods.
 *
 * <p>{@link #callWindow()} and {@link #clientIdleTimeout()} shape replicated state (which calls the
 * state machine remembers): every replica of a group must use the same values. The others are local
 * to each replica.
 *
 * @param callWindow per client, how many sequence numbers below its newest call are remembered (a
 *     client must not retry a call older than that); default 1024
 * @param clientIdleTimeout log time after a client's last call when its remembered calls are
 *     dropped (a client must not retry after that long); default 10 minutes
 * @param maxBatchCommands the most commands group commit puts into one log entry; default 512
 * @param maxBatchBytes the most encoded bytes group commit puts into one log entry (a single larger
 *     command goes alone); default 1 MiB
 * @param maxBatchesInFlight how many log entries of this replica's proposals may be uncommitted at
 *     once before further proposals wait and are batched; default 2
 * @param eventQueueCapacity events a subscription may have pending before it is terminated;
 *     default 100,000
 * @param outboxCapacity the capacity of the partition's replicated write-behind outbox, or 0 for a
 *     space without write-behind (default); replicated state: the same on every replica
 * @param backlogWait how long a mutation waits at the leader for room in a full outbox before it
 *     fails with {@link io.khora.persistence.PersistenceBacklogFullException}; default 10 s
 * @param javaDeserialization what Java-serialized values in log entries, snapshots and responses get: by default
 *     refused ({@link JavaDeserialization#network} without an allow-list: they come from peers); replicated state:
 *     the same on every replica (one that refuses an entry another applied would differ from it)
 */
public record PartitionOptions(int callWindow, Duration clientIdleTimeout, int maxBatchCommands, int maxBatchBytes,
                               int maxBatchesInFlight, int eventQueueCapacity, int outboxCapacity, Duration backlogWait,
                               JavaDeserialization javaDeserialization) {

    /** The defaults. */
    public static final PartitionOptions DEFAULTS = new PartitionOptions(PartitionStateMachine.DEFAULT_CALL_WINDOW,
            Duration.ofMillis(PartitionStateMachine.DEFAULT_CLIENT_IDLE_MILLIS), 512, 1 << 20, 2, 100_000, 0, Duration.ofSeconds(10),
            JavaDeserialization.network(null));

    /** Checks the components. */
    public PartitionOptions {
        Objects.requireNonNull(clientIdleTimeout, "clientIdleTimeout");
        Objects.requireNonNull(backlogWait, "backlogWait");
        Objects.requireNonNull(javaDeserialization, "javaDeserialization");
        if (outboxCapacity < 0 || backlogWait.isNegative()) {
            throw new IllegalArgumentException("outboxCapacity and backlogWait must not be negative: " + outboxCapacity + ", " + backlogWait);
        }
        if (callWindow < 1 || maxBatchCommands < 1 || maxBatchBytes < 1 || maxBatchesInFlight < 1 || eventQueueCapacity < 1) {
            throw new IllegalArgumentException("every limit must be positive: " + callWindow + ", " + maxBatchCommands + ", "
                    + maxBatchBytes + ", " + maxBatchesInFlight + ", " + eventQueueCapacity);
        }
        if (clientIdleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("clientIdleTimeout must be at least 1 ms: " + clientIdleTimeout);
        }
    }

    /** With another call window. */
    public PartitionOptions withCallWindow(int n) {
        return new PartitionOptions(n, clientIdleTimeout, maxBatchCommands, maxBatchBytes, maxBatchesInFlight, eventQueueCapacity, outboxCapacity, backlogWait, javaDeserialization);
    }

    /** With another client idle timeout. */
    public PartitionOptions withClientIdleTimeout(Duration d) {
        return new PartitionOptions(callWindow, d, maxBatchCommands, maxBatchBytes, maxBatchesInFlight, eventQueueCapacity, outboxCapacity, backlogWait, javaDeserialization);
    }

    /** With other group commit limits. */
    public PartitionOptions withBatching(int commands, int bytes, int inFlight) {
        return new PartitionOptions(callWindow, clientIdleTimeout, commands, bytes, inFlight, eventQueueCapacity, outboxCapacity, backlogWait, javaDeserialization);
    }

    /** With another event queue capacity. */
    public PartitionOptions withEventQueueCapacity(int n) {
        return new PartitionOptions(callWindow, clientIdleTimeout, maxBatchCommands, maxBatchBytes, maxBatchesInFlight, n, outboxCapacity, backlogWait, javaDeserialization);
    }

    /** With a write-behind outbox of {@code capacity} records (0: none) and the wait for room in it. */
    public PartitionOptions withWriteBehind(int capacity, Duration wait) {
        return new PartitionOptions(callWindow, clientIdleTimeout, maxBatchCommands, maxBatchBytes, maxBatchesInFlight, eventQueueCapacity,
                capacity, wait, javaDeserialization);
    }

    /** With another decision for Java-serialized values (a node's {@code java-serialization-allow}). */
    public PartitionOptions withJavaDeserialization(JavaDeserialization values) {
        return new PartitionOptions(callWindow, clientIdleTimeout, maxBatchCommands, maxBatchBytes, maxBatchesInFlight, eventQueueCapacity,
                outboxCapacity, backlogWait, values);
    }
}

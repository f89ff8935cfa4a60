package io.khora.cluster.client;

import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.ReplicatedOutbox;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The mirror's connection to a space with write-behind: reads each partition's replicated outbox
 * at its leader and acknowledges delivered records through the partition's log. Routing, leader
 * discovery and retries are the client's ({@link ClusterClient}); an acknowledgement is a
 * deduplicated call like any mutation.
 */
public final class OutboxClient implements AutoCloseable {
    private final ClusterClient client;

    private OutboxClient(ClusterClient client) {
        this.client = client;
    }

    /** Connects to the space {@code uri} names ({@code khora://host:port,…/space?options}). */
    public static OutboxClient connect(String uri) {
        return new OutboxClient(ClusterClient.connect(KhoraUri.parse(uri)));
    }

    /** The space's name. */
    public String space() {
        return client.space();
    }

    /** The space's partition count. */
    public int partitions() {
        return client.partitions();
    }

    /**
     * Up to {@code max} records of {@code partition}'s outbox after sequence {@code after}, waiting up
     * to {@code waitMillis} at the leader for one if there are none.
     */
    public CompletableFuture<ReplicatedOutbox.Slice> pull(int partition, long after, int max, long waitMillis) {
        return client.call(partition, List.of(), id -> new Request.OutboxPull(id, client.space(), partition, after, max, waitMillis),
                        waitMillis)
                .thenApply(r -> Responses.readOutboxSlice(r.body()));
    }

    /** Acknowledges {@code partition}'s records up to {@code sequence} of log {@code logId}; answers how many were dropped. */
    public CompletableFuture<Integer> acknowledge(int partition, String logId, long sequence) {
        Command c = new Command.OutboxAck(logId, sequence);
        CallSequences calls = client.calls();
        long seq = calls.begin(partition);
        java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
        return client.call(partition, List.of(),
                        id -> new Request.Mutate(id, client.space(), partition, seq, calls.answeredBelow(partition), sent.getAndSet(true),
                                false, c), 0)
                .whenComplete((r, e) -> calls.end(partition, seq))
                .thenApply(r -> (Integer) Responses.readMutationResult(c, r.body()));
    }

    @Override
    public void close() {
        client.close();
    }
}

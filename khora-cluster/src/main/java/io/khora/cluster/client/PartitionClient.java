package io.khora.cluster.client;

import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.MirrorLeaseState;
import io.khora.cluster.raft.ReplicatedOutbox;
import io.khora.internal.wire.JavaDeserialization;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A connection to a space's partitions for Khora's own processes: the mirror reads each
 * partition's replicated outbox at its leader and acknowledges delivered records through the
 * partition's log; a node resolves an overdue transaction part with the transaction's home
 * partition. Routing, leader discovery and retries are the client's ({@link ClusterClient}); a
 * proposal is a deduplicated call like any mutation.
 */
public final class PartitionClient implements AutoCloseable {
    private final ClusterClient client;

    private PartitionClient(ClusterClient client) {
        this.client = client;
    }

    /** Connects to the space {@code uri} names ({@code khora://host:port,…/space?options}); answers are trusted (a client). */
    public static PartitionClient connect(String uri) {
        return connect(KhoraUri.parse(uri), JavaDeserialization.TRUSTED);
    }

    /**
     * Connects to the space {@code uri} names; Java-serialized values in answers get {@code answers}
     * (a node's client: its network decision; the mirror: trusted, as a client).
     */
    public static PartitionClient connect(KhoraUri uri, JavaDeserialization answers) {
        return new PartitionClient(ClusterClient.connect(uri, answers));
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
     * to {@code waitMillis} at the leader for one if there are none; for the mirror of lease epoch
     * {@code epoch} (refused with {@link io.khora.persistence.MirrorFencedException} unless it is the
     * current lease's).
     */
    public CompletableFuture<ReplicatedOutbox.Slice> pull(int partition, long after, int max, long waitMillis, long epoch) {
        return client.call(partition, List.of(), id -> new Request.OutboxPull(id, client.space(), partition, after, max, waitMillis,
                        epoch), waitMillis)
                .thenApply(r -> Responses.readOutboxSlice(r.body()));
    }

    /**
     * Acknowledges {@code partition}'s records up to {@code sequence} of log {@code logId} for the
     * mirror of lease epoch {@code epoch}; answers how many were dropped.
     */
    public CompletableFuture<Integer> acknowledge(int partition, String logId, long sequence, long epoch) {
        return propose(partition, new Command.OutboxAck(logId, sequence, epoch));
    }

    /**
     * Acquires, renews or releases {@code partition}'s write-behind mirror lease (see
     * {@link io.khora.cluster.raft.MirrorLeaseState}); a refusal fails with
     * {@link io.khora.persistence.MirrorFencedException} naming the holder.
     */
    public CompletableFuture<MirrorLeaseState.Grant> mirrorLease(int partition, Command.MirrorLease c) {
        return client.mutate(partition, List.of(), c, false).thenApply(r -> (MirrorLeaseState.Grant) r);
    }

    /**
     * Asks the home partition of transaction {@code txId} for its outcome, aborting it there unless it
     * committed: answers 1 if it committed, 0 if it is aborted.
     */
    public CompletableFuture<Integer> resolveTransaction(int home, String txId) {
        return propose(home, new Command.TxAbort(txId));
    }

    /**
     * Proposes {@code c}. Both proposals are idempotent (an acknowledgement up to a sequence, an abort
     * unless committed): their callers repeat them as new calls, so an unknown outcome is not kept
     * open for a resend.
     */
    private CompletableFuture<Integer> propose(int partition, Command c) {
        return client.mutate(partition, List.of(), c, false).whenComplete((r, e) -> {
            if (e != null && ClusterClient.unwrap(e) instanceof io.khora.OutcomeUnknownException u) {
                u.abandon();
            }
        }).thenApply(r -> (Integer) r);
    }

    @Override
    public void close() {
        client.close();
    }
}

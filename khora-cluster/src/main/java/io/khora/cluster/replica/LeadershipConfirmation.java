package io.khora.cluster.replica;

import io.khora.SpaceClosedException;
import io.khora.cluster.Futures;
import io.khora.NoLeaderException;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Linearizable reads: a leader answers reads from its own engine, but a deposed leader that has not
 * noticed yet (cut off or paused while the others elected a new one) would answer from its old
 * state. So a linearizable read reads first, then answers only once this confirms that a majority
 * of the group, after the read, still had this replica lead the term it serves
 * ({@link io.khora.cluster.node.LeadershipProbe}) — and that the same leadership still serves when
 * the majority's answer arrives.
 */
final class LeadershipConfirmation {
    private final String spaceName;
    private final int partitionId;
    private final String raftId;
    private final Supplier<CompletableFuture<Void>> probe;
    private final Supplier<LeaderState> serving;
    private final ReplicaFailures failures;
    private final BooleanSupplier closed;

    /**
     * @param probe asks the group to confirm this replica's leadership (completes when a majority did)
     * @param serving the leadership that serves now, or null
     */
    LeadershipConfirmation(String spaceName, int partitionId, String raftId, Supplier<CompletableFuture<Void>> probe,
                           Supplier<LeaderState> serving, ReplicaFailures failures, BooleanSupplier closed) {
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.raftId = raftId;
        this.probe = probe;
        this.serving = serving;
        this.failures = failures;
        this.closed = closed;
    }

    /** See {@link ReplicatedPartition#confirmLeadership()}. */
    CompletableFuture<Void> confirm() {
        LeaderState s = serving.get();
        if (s == null) {
            return CompletableFuture.failedFuture(failures.notServing());
        }
        long term = s.servingTerm();
        return probe.get().handle((v, ex) -> {
            if (ex == null && serving.get() == s && s.servingTerm() == term) {
                return null;
            }
            if (closed.getAsBoolean()) {
                throw new SpaceClosedException(spaceName);
            }
            throw new NoLeaderException(spaceName, partitionId, "replica " + raftId + " could not confirm that it still leads term "
                    + term + (ex == null ? " (its term ended)" : ": " + Futures.cause(ex).getMessage()));
        });
    }
}

package io.khora.cluster.replica;

import io.khora.cluster.Futures;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.PartitionStateMachine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The leader's recovery of transactions their coordinator left prepared (it died or lost touch):
 * every prepared part whose timeout ran out is resolved with its home partition — aborted there
 * unless it committed, through the {@link ReplicatedPartition.TransactionResolver} the node sets; a
 * part whose home is this partition is aborted here — and then committed or aborted here as the
 * home says. One resolution per transaction at a time (the ids under way are the leadership's, in
 * its {@link LeaderState}); a failed one is retried at the next maintenance.
 */
final class OverdueTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(OverdueTransactions.class);

    private final String spaceName;
    private final int partitionId;
    private final PartitionStateMachine stateMachine;
    private final Function<Command, CompletableFuture<Integer>> propose;
    private volatile ReplicatedPartition.TransactionResolver resolver;

    /** {@code propose} proposes a transaction command at this leader, completing with its answer. */
    OverdueTransactions(String spaceName, int partitionId, PartitionStateMachine stateMachine,
                        Function<Command, CompletableFuture<Integer>> propose) {
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.stateMachine = stateMachine;
        this.propose = propose;
    }

    /** Sets how overdue parts are resolved with their home partition. */
    void resolveWith(ReplicatedPartition.TransactionResolver r) {
        this.resolver = r;
    }

    /** At the serving leader: starts resolving every part overdue at log time {@code now} that is not under way in {@code resolving}. */
    void resolve(long now, Set<String> resolving) {
        Map<String, Integer> overdue = stateMachine.overdueTransactions(now);
        for (Map.Entry<String, Integer> e : overdue.entrySet()) {
            String txId = e.getKey();
            int home = e.getValue();
            if (!resolving.add(txId)) {
                continue;
            }
            CompletableFuture<Integer> outcome;
            ReplicatedPartition.TransactionResolver r = resolver;
            if (home == partitionId) {
                outcome = propose.apply(new Command.TxAbort(txId));
            } else if (r != null) {
                outcome = r.resolve(home, txId);
            } else {
                resolving.remove(txId);
                continue;
            }
            outcome.thenCompose(committed -> {
                        LOG.info("space '{}' partition {}: transaction {} was left prepared by its coordinator; its home partition {}"
                                + " says {}", spaceName, partitionId, txId, home, committed == 1 ? "commit" : "abort");
                        return home == partitionId ? CompletableFuture.completedFuture(committed)
                                : propose.apply(committed == 1 ? new Command.TxCommit(txId) : new Command.TxAbort(txId));
                    })
                    .whenComplete((res, ex) -> {
                        resolving.remove(txId);
                        if (ex != null) {
                            LOG.debug("space '{}' partition {}: resolving transaction {} failed (retried): {}", spaceName,
                                    partitionId, txId, Futures.cause(ex).toString());
                        }
                    });
        }
    }
}

package io.khora.cluster.replica;

import io.khora.cluster.node.ReplicaConfig;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.CommandCodec;
import io.khora.cluster.raft.PartitionStateMachine;

import org.jgroups.protocols.raft.RAFT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a leader does on its own, on the replica's timer every sweep interval (and at once when it
 * is elected). A new leader proposes its term's no-op (the barrier) until it commits: once applied,
 * every command of earlier terms is applied here too, and the {@link LeaderState} starts serving
 * with its clock anchored at log time. A serving leader proposes the write-behind outbox's log id
 * if it has none, resolves transactions left prepared ({@link OverdueTransactions}) and sweeps
 * expired leases. Each duty has at most one proposal in flight per leadership.
 */
final class LeaderDuties implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);

    private final ReplicaConfig config;
    private final RAFT raft;
    private final PartitionStateMachine stateMachine;
    private final LeaderOutbox outbox;
    private final OverdueTransactions overdue;
    private final Supplier<LeaderState> leader;
    private final Supplier<LeaderState> serving;
    private final BooleanSupplier closed;
    private final Function<Command, CompletableFuture<?>> propose;

    /**
     * @param outbox the leader's side of the outbox, or null without write-behind
     * @param leader this replica's leadership, or null
     * @param serving its leadership if it serves, else null
     * @param propose proposes a command through group commit
     */
    LeaderDuties(ReplicaConfig config, RAFT raft, PartitionStateMachine stateMachine, LeaderOutbox outbox, OverdueTransactions overdue,
                 Supplier<LeaderState> leader, Supplier<LeaderState> serving, BooleanSupplier closed,
                 Function<Command, CompletableFuture<?>> propose) {
        this.config = config;
        this.raft = raft;
        this.stateMachine = stateMachine;
        this.outbox = outbox;
        this.overdue = overdue;
        this.leader = leader;
        this.serving = serving;
        this.closed = closed;
        this.propose = propose;
    }

    /** Starts serving as a new leader, or does a serving leader's duties. */
    @Override
    public void run() {
        try {
            if (closed.getAsBoolean()) {
                return;
            }
            LeaderState s = serving.get();
            if (s == null) {
                LeaderState elected = leader.get();
                if (elected != null && raft.isLeader()) {
                    proposeBarrier(elected);
                }
            } else {
                startOutboxIfNeeded(s);
                overdue.resolve(s.clock().now(), s.resolving());
                sweepIfDue(s);
            }
        } catch (RuntimeException e) {
            LOG.warn("space '{}' partition {}: maintenance failed", config.spaceName(), config.partitionId(), e);
        }
    }

    /** The no-op of leadership {@code s} (one in flight at a time, retried until it commits). */
    private void proposeBarrier(LeaderState s) {
        long term = raft.currentTerm();
        if (!s.barrierInFlight().compareAndSet(false, true)) {
            return;
        }
        byte[] entry = CommandCodec.encode(new Command.Barrier(), Long.MIN_VALUE);
        CompletableFuture<byte[]> f;
        try {
            f = raft.setAsync(entry, 0, entry.length, null);
        } catch (RuntimeException e) {
            s.barrierInFlight().set(false);
            return; // no longer the leader
        }
        f.orTimeout(config.operationTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((rsp, ex) -> {
            try {
                if (ex == null && !closed.getAsBoolean() && leader.get() == s && raft.isLeader() && raft.currentTerm() == term
                        && s.startServing(term)) {
                    stateMachine.ticker().readClock(s.clock()::now);
                    LOG.info("space '{}' partition {}: replica {} is the leader (term {}, {} commands applied)", config.spaceName(),
                            config.partitionId(), config.raftId(), term, stateMachine.appliedCommands());
                } else if (ex != null) {
                    LOG.debug("space '{}' partition {}: barrier of term {} failed ({})", config.spaceName(), config.partitionId(),
                            term, ex.toString());
                }
            } finally {
                s.barrierInFlight().set(false);
            }
        });
    }

    /** With write-behind, while the outbox has no log id yet: proposes one. */
    private void startOutboxIfNeeded(LeaderState s) {
        if (outbox == null || outbox.outbox().logId() != null || !s.outboxStartInFlight().compareAndSet(false, true)) {
            return;
        }
        propose.apply(new Command.OutboxStart(UUID.randomUUID().toString()))
                .whenComplete((r, ex) -> s.outboxStartInFlight().set(false));
    }

    /** Proposes a sweep when a lease has run out (one sweep in flight at a time). */
    private void sweepIfDue(LeaderState s) {
        try {
            if (s.sweepInFlight().get() || stateMachine.engine().nextExpiry() > s.clock().now()) {
                return;
            }
            if (s.sweepInFlight().compareAndSet(false, true)) {
                propose.apply(new Command.ExpireSweep()).whenComplete((r, ex) -> s.sweepInFlight().set(false));
            }
        } catch (RuntimeException e) {
            s.sweepInFlight().set(false);
            LOG.warn("space '{}' partition {}: lease sweep failed", config.spaceName(), config.partitionId(), e);
        }
    }
}

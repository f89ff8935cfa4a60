package io.khora.cluster.replica;

import io.khora.cluster.CallId;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.ReplicatedOutbox;
import io.khora.cluster.raft.StoredEntry;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The routing of a caller's mutation into the log at the serving leader. Each call is checked
 * before anything is proposed (this replica serves, the command is of the kind the entry point
 * takes, its query compiles against the replicas' view of the type), its types are declared first
 * if the group lacks them, a call id wraps it ({@link Command.Call}) so the state machine applies it
 * at most once, and it goes through group commit ({@link Proposer}) — after waiting for room in a
 * full write-behind outbox ({@link LeaderOutbox}) and, for entry mutations, retried while a prepared
 * transaction locks an entry it touches ({@link LockedRetry}). A failure before proposing is a
 * failed future, never a thrown exception.
 */
final class LeaderProposals {
    private final String spaceName;
    private final Supplier<LeaderState> serving;
    private final ReplicaFailures failures;
    private final TypeDeclarations types;
    private final Proposer proposer;
    private final LeaderOutbox outbox;
    private final LockedRetry lockedRetry;
    private final long operationTimeoutNanos;

    /**
     * @param serving the leadership that serves now, or null
     * @param outbox the leader's side of the write-behind outbox, or null without write-behind
     */
    LeaderProposals(String spaceName, Supplier<LeaderState> serving, ReplicaFailures failures, TypeDeclarations types, Proposer proposer,
                    LeaderOutbox outbox, LockedRetry lockedRetry, long operationTimeoutNanos) {
        this.spaceName = spaceName;
        this.serving = serving;
        this.failures = failures;
        this.types = types;
        this.proposer = proposer;
        this.outbox = outbox;
        this.lockedRetry = lockedRetry;
        this.operationTimeoutNanos = operationTimeoutNanos;
    }

    /**
     * Proposes {@code c} through group commit: stamped with the leader's time, alone or batched with
     * concurrent proposals; the future completes with its decoded result. No checks.
     */
    <T> CompletableFuture<T> propose(Command c) {
        return proposer.submit(c);
    }

    /** Declares {@code type} if needed, checks {@code c}'s query, proposes {@code c} (as a call if {@code call} is given). */
    <T> CompletableFuture<T> propose(TypeDescriptor type, Command c, CallId call) {
        LeaderState s = serving.get();
        if (s == null) {
            return CompletableFuture.failedFuture(failures.notServing());
        }
        try {
            ensureDeclared(s, type);
            if (c instanceof Command.TakeQuery t) {
                t.query().compile(types.replicaView(type));
            } else if (c instanceof Command.Change ch) {
                ch.query().compile(types.replicaView(type));
            } else if (c instanceof Command.Clear cl) {
                cl.query().compile(types.replicaView(type));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Command proposed = call == null ? c : new Command.Call(call, c);
        Supplier<CompletableFuture<T>> attempt = outbox == null ? () -> propose(proposed) : () -> outbox.whenRoom(() -> propose(proposed));
        return lockedRetry.run(attempt, operationTimeoutNanos);
    }

    /** See {@link ReplicatedPartition#returnTaken}. */
    CompletableFuture<Integer> returnTaken(CallId call, List<StoredEntry> entries) {
        if (serving.get() == null) {
            return CompletableFuture.failedFuture(failures.notServing());
        }
        return propose(new Command.ReturnTaken(call, entries));
    }

    /** See {@link ReplicatedPartition#transact}. */
    CompletableFuture<Object> transact(List<TypeDescriptor> txTypes, Command c, CallId call) {
        if (!(c instanceof Command.TxPrepare || c instanceof Command.TxCommit || c instanceof Command.TxAbort)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a transaction command: " + c));
        }
        LeaderState s = serving.get();
        if (s == null) {
            return CompletableFuture.failedFuture(failures.notServing());
        }
        try {
            for (TypeDescriptor t : txTypes) {
                ensureDeclared(s, t);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Command proposed = call == null ? c : new Command.Call(call, c);
        return outbox == null || !(c instanceof Command.TxPrepare) ? propose(proposed) : outbox.whenRoom(() -> propose(proposed));
    }

    /** See {@link ReplicatedPartition#outboxPull}. */
    CompletableFuture<ReplicatedOutbox.Slice> outboxPull(long after, int max, long waitMillis, long epoch) {
        if (outbox == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("space '" + spaceName
                    + "' has no write-behind (its partitions keep no outbox)"));
        }
        if (serving.get() == null) {
            return CompletableFuture.failedFuture(failures.notServing());
        }
        return outbox.pull(after, max, waitMillis, epoch);
    }

    /** See {@link ReplicatedPartition#mirrorCommand}. */
    <T> CompletableFuture<T> mirrorCommand(Command c, CallId call) {
        if (!(c instanceof Command.OutboxAck || c instanceof Command.MirrorLease)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a mirror command: " + c));
        }
        if (outbox == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("space '" + spaceName
                    + "' has no write-behind (its partitions keep no outbox and no mirror lease)"));
        }
        if (serving.get() == null) {
            return CompletableFuture.failedFuture(failures.notServing());
        }
        return propose(call == null ? c : new Command.Call(call, c));
    }

    /** Proposes the declaration of {@code type} and its supertypes unless the group has them or leadership {@code s} proposed them. */
    private void ensureDeclared(LeaderState s, TypeDescriptor type) {
        types.ensureDeclared(type, s.declaredTypes(), this::propose);
    }
}

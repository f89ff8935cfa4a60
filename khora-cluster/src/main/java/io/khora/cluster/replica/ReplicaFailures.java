package io.khora.cluster.replica;

import io.khora.SpaceClosedException;
import io.khora.SpaceException;
import io.khora.NoLeaderException;
import io.khora.NotLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.raft.Command;

import org.jgroups.Address;
import org.jgroups.raft.util.Utils;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The honest failures of a replica's calls, each saying what the caller may do: before anything was
 * proposed, {@link NotLeaderException} (naming the leader this replica knows of), {@link NoLeaderException}
 * (none known, or this replica was just elected and is still applying its predecessor's log) or
 * {@link SpaceClosedException} — safe to retry anywhere; once a proposal was in flight,
 * {@link OutcomeUnknownException} (it may or may not be applied: retry under the same call id), unless
 * jgroups-raft refused it as overloaded before proposing it. Reads jgroups-raft's view of the
 * leader and the group through suppliers, so it holds no lock and needs no channel in tests.
 */
final class ReplicaFailures {
    private final String spaceName;
    private final int partitionId;
    private final String raftId;
    private final long operationTimeoutMillis;
    private final Supplier<Address> leader;
    private final Supplier<Address> self;
    private final Supplier<List<Address>> view;
    private final BooleanSupplier closed;

    /**
     * @param leader the leader this replica knows of (null if none)
     * @param self this replica's address
     * @param view the members of this replica's group view (null while not connected)
     * @param closed whether the replica is closed
     */
    ReplicaFailures(String spaceName, int partitionId, String raftId, long operationTimeoutMillis, Supplier<Address> leader,
                    Supplier<Address> self, Supplier<List<Address>> view, BooleanSupplier closed) {
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.raftId = raftId;
        this.operationTimeoutMillis = operationTimeoutMillis;
        this.leader = leader;
        this.self = self;
        this.view = view;
        this.closed = closed;
    }

    /** The failure of what outlived this replica's leadership: the leader it knows of, if any. */
    NotLeaderException notLeader() {
        Address a = leader.get();
        String leaderId = a == null || a.equals(self.get()) ? null : Utils.extractRaftId(a);
        return new NotLeaderException(spaceName, partitionId, raftId, leaderId);
    }

    /** The failure of a call this replica does not serve (closed, no leader, not serving yet, or another leads). */
    RuntimeException notServing() {
        if (closed.getAsBoolean()) {
            return new SpaceClosedException(spaceName);
        }
        Address a = leader.get();
        if (a == null) {
            return new NoLeaderException(spaceName, partitionId, "replica " + raftId + " sees no leader; view " + viewMembers());
        }
        if (a.equals(self.get())) {
            return new NoLeaderException(spaceName, partitionId,
                    "replica " + raftId + " was just elected and is applying its predecessor's log");
        }
        return new NotLeaderException(spaceName, partitionId, raftId, Utils.extractRaftId(a));
    }

    /** The failure of a proposal refused as the group-commit queue is full: nothing was proposed. */
    SpaceException overloaded() {
        return new SpaceException("partition " + partitionId + " of space '" + spaceName
                + "' is overloaded (too many proposals waiting for the log); nothing was proposed");
    }

    /** The failure of command {@code c} whose log entry failed with {@code ex} after it was handed to jgroups-raft. */
    RuntimeException inFlightFailure(Command c, Throwable ex) {
        Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        String what = c instanceof Command.Call call ? call.command().getClass().getSimpleName() + " (call " + call.call() + ")"
                : c.getClass().getSimpleName();
        if (cause instanceof TimeoutException) {
            return new OutcomeUnknownException(what + " on partition " + partitionId + " of space '" + spaceName
                    + "' did not commit within " + operationTimeoutMillis + " ms (no quorum reachable?); it may or may"
                    + " not be applied later", cause);
        }
        if (cause instanceof IllegalStateException && String.valueOf(cause.getMessage()).contains("processing queue is full")) {
            return new SpaceException("partition " + partitionId + " of space '" + spaceName
                    + "' is overloaded (Raft queue full); " + what + " was not proposed", cause);
        }
        return new OutcomeUnknownException(what + " on partition " + partitionId + " of space '" + spaceName
                + "': the leader lost its leadership while it was in flight; it may or may not be applied", cause);
    }

    private String viewMembers() {
        List<Address> members = view.get();
        return members == null ? "[]" : members.toString();
    }
}

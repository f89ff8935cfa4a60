package io.khora.cluster.replica;

import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.PartitionStateMachine;
import io.khora.cluster.raft.StoredEntry;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads at the serving leader, from its own engine, on the caller's thread, with no round trip:
 * they see every write the leader acknowledged (a leader serves only once it applied its term's
 * no-op). Each read first checks that this replica serves ({@code checkServing} throws the honest
 * failure otherwise); a linearizable read then waits for
 * {@link ReplicatedPartition#confirmLeadership()}. Entries are copied out of the engine, so callers
 * may keep them.
 */
final class LeaderReads {
    private final PartitionStateMachine stateMachine;
    private final Runnable checkServing;

    /** {@code checkServing} throws unless this replica is the serving leader. */
    LeaderReads(PartitionStateMachine stateMachine, Runnable checkServing) {
        this.stateMachine = stateMachine;
        this.checkServing = checkServing;
    }

    /** The live entry of {@code type} (or a subtype) with {@code id}, or null. */
    StoredEntry readById(TypeDescriptor type, Object id) {
        TypeDescriptor t = servingType(type);
        if (t == null) {
            return null;
        }
        SpaceEntry e = stateMachine.engine().readById(t, id);
        return e == null ? null : copy(e);
    }

    /** Up to {@code max} live matches (in ORDER BY order if any). */
    List<StoredEntry> read(TypeDescriptor type, Command.QuerySpec query, int max) {
        TypeDescriptor t = servingType(type);
        if (t == null) {
            return List.of();
        }
        CompiledQuery q = query.compile(t);
        List<SpaceEntry> found = new ArrayList<>();
        stateMachine.engine().readMultiple(q, max, found);
        List<StoredEntry> out = new ArrayList<>(found.size());
        for (SpaceEntry e : found) {
            out.add(copy(e));
        }
        return out;
    }

    /** The number of live matches. */
    int count(TypeDescriptor type, Command.QuerySpec query) {
        TypeDescriptor t = servingType(type);
        return t == null ? 0 : stateMachine.engine().count(query.compile(t));
    }

    /** Whether there is a live match. */
    boolean hasMatch(TypeDescriptor type, Command.QuerySpec query) {
        TypeDescriptor t = servingType(type);
        return t != null && stateMachine.engine().readFirst(query.compile(t)) != null;
    }

    /** The replica-side descriptor for a read at the leader; null if the group never declared the type. */
    private TypeDescriptor servingType(TypeDescriptor type) {
        checkServing.run();
        return stateMachine.type(type.name());
    }

    private static StoredEntry copy(SpaceEntry e) {
        return new StoredEntry(e.type().name(), e.values().clone(), e.version(), e.expiresAt());
    }
}

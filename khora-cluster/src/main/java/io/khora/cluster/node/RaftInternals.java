package io.khora.cluster.node;

import org.jgroups.protocols.raft.AppendEntriesResponse;
import org.jgroups.protocols.raft.AppendResult;
import org.jgroups.protocols.raft.InstallSnapshotRequest;
import org.jgroups.protocols.raft.election.VoteResponse;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;

/**
 * Reads of jgroups-raft 1.1.4 message fields that have no getter (they are package-private or
 * protected there): the result of an append response, the log position of a vote response, the
 * last index a snapshot holds. Each read answers a default when the field cannot be read (a later
 * jgroups-raft renamed it): the callers then fall back to jgroups-raft's own behaviour, and a
 * warning says so once.
 */
final class RaftInternals {
    private static final Field APPEND_RESULT = field(AppendEntriesResponse.class, "result");
    private static final Field VOTE_LAST_TERM = field(VoteResponse.class, "last_log_term");
    private static final Field VOTE_LAST_INDEX = field(VoteResponse.class, "last_log_index");
    private static final Field SNAPSHOT_LAST_INDEX = field(InstallSnapshotRequest.class, "last_included_index");
    private static final Field SNAPSHOT_LAST_TERM = field(InstallSnapshotRequest.class, "last_included_term");

    private RaftInternals() {
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(RaftInternals.class).warn("cannot read jgroups-raft's {}.{} ({}): Khora's fixes that need it are off",
                    type.getSimpleName(), name, e.toString());
            return null;
        }
    }

    /** The result an append response carries, or null if unreadable. */
    static AppendResult result(AppendEntriesResponse rsp) {
        try {
            return APPEND_RESULT == null ? null : (AppendResult) APPEND_RESULT.get(rsp);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /** The term and index of the last entry of the voter's log, or null if unreadable. */
    static long[] logPosition(VoteResponse rsp) {
        try {
            return VOTE_LAST_TERM == null || VOTE_LAST_INDEX == null ? null
                    : new long[] {VOTE_LAST_TERM.getLong(rsp), VOTE_LAST_INDEX.getLong(rsp)};
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /** The term of the last entry a snapshot holds, or -1 if unreadable. */
    static long lastIncludedTerm(InstallSnapshotRequest req) {
        try {
            return SNAPSHOT_LAST_TERM == null ? -1 : SNAPSHOT_LAST_TERM.getLong(req);
        } catch (IllegalAccessException e) {
            return -1;
        }
    }

    /** The index of the last entry a snapshot holds, or -1 if unreadable. */
    static long lastIncludedIndex(InstallSnapshotRequest req) {
        try {
            return SNAPSHOT_LAST_INDEX == null ? -1 : SNAPSHOT_LAST_INDEX.getLong(req);
        } catch (IllegalAccessException e) {
            return -1;
        }
    }
}

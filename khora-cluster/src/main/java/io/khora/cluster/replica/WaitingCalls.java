package io.khora.cluster.replica;

import io.khora.cluster.CallId;
import io.khora.NotLeaderException;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.StoredEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Waiting reads and takes at the serving leader: a call is checked (the replica serves, the query
 * compiles against the replicas' view of the type), answered at once when it does not wait, else
 * parked as a {@link LeaderWaits.Wait} of the serving {@link LeaderState} — registered under that
 * leadership's lock, so it fails with the leadership's end rather than outliving it. The waits of a
 * leadership use the replica through a {@link Host} bound to that leadership alone: once another
 * leadership serves (or none), they see a replica that does not lead.
 */
final class WaitingCalls {
    /** Proposes the take of up to {@code max} matches within {@code maxBytes}, as {@code call} (may be null). */
    @FunctionalInterface
    interface Takes {
        CompletableFuture<List<StoredEntry>> take(TypeDescriptor type, Command.QuerySpec query, int max, long maxBytes, CallId call);
    }

    private final Supplier<LeaderState> serving;
    private final ReplicaFailures failures;
    private final TypeDeclarations types;
    private final LeaderReads reads;
    private final Takes takes;

    /** {@code serving} gives the leadership that serves now, or null. */
    WaitingCalls(Supplier<LeaderState> serving, ReplicaFailures failures, TypeDeclarations types, LeaderReads reads, Takes takes) {
        this.serving = serving;
        this.failures = failures;
        this.types = types;
        this.reads = reads;
        this.takes = takes;
    }

    /**
     * Up to {@code max} live matches read (or, if {@code take}, taken through the log), waiting up to
     * {@code wait} for one (see {@link ReplicatedPartition#read(TypeDescriptor, Command.QuerySpec, int, Duration)}
     * and {@link ReplicatedPartition#take(TypeDescriptor, Command.QuerySpec, int, long, Duration, CallId)}).
     */
    CompletableFuture<List<StoredEntry>> await(TypeDescriptor type, Command.QuerySpec query, int max, long maxBytes, Duration wait,
                                               boolean take, CallId call) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(query, "query");
        long waitMillis = waitMillis(Objects.requireNonNull(wait, "wait"));
        CompiledQuery matcher;
        LeaderState s = serving.get();
        try {
            if (s == null) {
                throw failures.notServing();
            }
            matcher = query.compile(types.replicaView(type));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (max <= 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        if (waitMillis == 0) {
            if (take) {
                return takes.take(type, query, max, maxBytes, call);
            }
            try {
                return CompletableFuture.completedFuture(reads.read(type, query, max));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        LeaderWaits.Wait w = s.waits().create(type, query, matcher, max, maxBytes, waitMillis, take, call);
        if (!s.startWait(w)) {
            return CompletableFuture.failedFuture(failures.notServing());
        }
        w.tryNow();
        return w;
    }

    /** {@code wait} in milliseconds: 0 for none, at least 1 for a positive wait, {@link Long#MAX_VALUE} for "forever". */
    static long waitMillis(Duration wait) {
        if (wait.isNegative() || wait.isZero()) {
            return 0;
        }
        if (wait.compareTo(Duration.ofDays(365L * 1000)) > 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(1, wait.toMillis());
    }

    /** A host for the waits of one leadership; {@link Host#bind} it to that leadership before publishing it. */
    Host newHost() {
        return new Host();
    }

    /** What the parked waits of one leadership use of the replica. */
    final class Host implements LeaderWaits.Host {
        private volatile LeaderState leadership;

        /** Binds this host to {@code s} (once), and returns it. */
        LeaderState bind(LeaderState s) {
            leadership = s;
            return s;
        }

        @Override
        public boolean isLeader() {
            LeaderState s = serving.get();
            return s != null && s == leadership;
        }

        @Override
        public NotLeaderException notLeader() {
            return failures.notLeader();
        }

        @Override
        public List<StoredEntry> readLocal(TypeDescriptor type, Command.QuerySpec query, int max) {
            return reads.read(type, query, max);
        }

        @Override
        public boolean hasMatch(TypeDescriptor type, Command.QuerySpec query) {
            return reads.hasMatch(type, query);
        }

        @Override
        public CompletableFuture<List<StoredEntry>> proposeTake(TypeDescriptor type, Command.QuerySpec query, int max, long maxBytes,
                                                                CallId call) {
            return takes.take(type, query, max, maxBytes, call);
        }
    }
}

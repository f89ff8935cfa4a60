package io.khora.cluster.replica;

import io.khora.SpaceException;
import io.khora.cluster.CallId;
import io.khora.NoLeaderException;
import io.khora.NotLeaderException;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.StoredEntry;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The reads and takes parked at the leader, waiting for a match. Waiting is not replicated state:
 * it lives in the leader's memory, its time-outs run on the leader's scheduler, and losing the
 * leadership fails every wait with {@link NotLeaderException} (the client re-issues it at the new
 * leader with the time that remains).
 *
 * <p><b>Waking.</b> A wait registers here first, then looks for a match (so a write that lands in
 * between is seen either by the look or by the registry). The leader's engine publishes every
 * WRITE and UPDATE it applies ({@link LeaderEvents}); a wait whose query matches is signalled and
 * looks again on the scheduler's thread. Signals that arrive while it is busy are remembered, so it
 * looks again afterwards: no wake-up is lost.
 *
 * <p><b>Takes go through the log.</b> A waiting take never removes anything from the leader's
 * engine itself: when its look finds a match it proposes a TAKE_QUERY (with the caller's call id)
 * and takes what the log gives it — possibly nothing, when a concurrent taker's command came first;
 * it then waits on until its deadline. Its first try is always proposed, so a take re-issued after a
 * fail-over with the same call id gets what an earlier try took for it (the state machine remembers).
 *
 * <p><b>Cancel and time-out.</b> A parked wait is done at once. A take with a proposal in flight
 * cannot be withdrawn from the log: {@code cancel} then returns false, and the future completes
 * when the proposal does — with what it took (the caller owns it), or with an empty list.
 */
final class LeaderWaits {
    /** What the waits need from their replica. */
    interface Host {
        /** Whether the replica is the serving leader. */
        boolean isLeader();

        /** The failure for a wait that outlived the leadership. */
        NotLeaderException notLeader();

        /** Up to {@code max} live matches at the leader (copies); throws if not the leader. */
        List<StoredEntry> readLocal(TypeDescriptor type, Command.QuerySpec query, int max);

        /** Whether the leader holds a live match. */
        boolean hasMatch(TypeDescriptor type, Command.QuerySpec query);

        /** Proposes the take of up to {@code max} matches within {@code maxBytes}, tagged with {@code call} (may be null). */
        CompletableFuture<List<StoredEntry>> proposeTake(TypeDescriptor type, Command.QuerySpec query, int max, long maxBytes, CallId call);
    }

    private final Host host;
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();
    /** Parked waits by root type name, in arrival order. */
    private final Map<String, LinkedHashSet<Wait>> byRoot = new HashMap<>();
    private volatile int count;

    LeaderWaits(Host host, ScheduledExecutorService scheduler) {
        this.host = host;
        this.scheduler = scheduler;
    }

    /** Whether anything waits (checked for every published event). */
    boolean isActive() {
        return count > 0;
    }

    /** How many waits are registered. */
    int size() {
        return count;
    }

    /** How many registered waits are parked with nothing under way (tests). */
    int idle() {
        int n = 0;
        for (Wait w : all()) {
            if (w.isParked()) {
                n++;
            }
        }
        return n;
    }

    /** Called by the applying thread, under the engine's lock, for each WRITE and UPDATE: signals the waits it matches. */
    void onWrite(SpaceEntry e) {
        List<Wait> hits = null;
        synchronized (lock) {
            LinkedHashSet<Wait> set = byRoot.get(e.type().root().name());
            if (set == null) {
                return;
            }
            for (Wait w : set) {
                if (w.matches(e)) {
                    if (hits == null) {
                        hits = new ArrayList<>(2);
                    }
                    hits.add(w);
                }
            }
        }
        if (hits != null) {
            for (Wait w : hits) {
                w.signal(e);
            }
        }
    }

    /**
     * A new wait (not started). {@code matcher} is {@code query} compiled for the replicas' layout of
     * {@code type}.
     */
    Wait create(TypeDescriptor type, Command.QuerySpec query, CompiledQuery matcher, int max, long maxBytes, long waitMillis, boolean take,
                CallId call) {
        return new Wait(type, query, matcher, max, maxBytes, waitMillis, take, call);
    }

    /** Every registered wait (to fail them all when the leadership ends). */
    List<Wait> all() {
        List<Wait> all = new ArrayList<>();
        synchronized (lock) {
            for (LinkedHashSet<Wait> set : byRoot.values()) {
                all.addAll(set);
            }
        }
        return all;
    }

    private void register(Wait w) {
        synchronized (lock) {
            byRoot.computeIfAbsent(w.root, r -> new LinkedHashSet<>()).add(w);
            count++;
        }
    }

    private void deregister(Wait w) {
        synchronized (lock) {
            LinkedHashSet<Wait> set = byRoot.get(w.root);
            if (set != null && set.remove(w)) {
                count--;
                if (set.isEmpty()) {
                    byRoot.remove(w.root);
                }
            }
        }
    }

    private enum State { NEW, PARKED, LOOKING, PROPOSING, DONE }

    /**
     * One waiting read or take, and its future. Outsiders' {@code cancel}, {@code complete} and
     * {@code completeExceptionally} withdraw the wait first (and do nothing — returning false — while
     * a take's proposal is in flight).
     */
    final class Wait extends CompletableFuture<List<StoredEntry>> {
        private final TypeDescriptor type;
        private final Command.QuerySpec query;
        private final CompiledQuery matcher;
        private final String root;
        private final int max;
        /** A take's byte budget (see {@link Command.TakeQuery}). */
        private final long maxBytes;
        private final long waitMillis;
        private final boolean take;
        private final CallId call;
        // guarded by "this"
        private State state = State.NEW;
        private boolean signalled;
        private boolean stopRequested;
        private RuntimeException failOnReturn;
        private StoredEntry seen;
        private ScheduledFuture<?> timeout;
        private boolean tried;

        private Wait(TypeDescriptor type, Command.QuerySpec query, CompiledQuery matcher, int max, long maxBytes, long waitMillis,
                     boolean take, CallId call) {
            this.type = type;
            this.query = query;
            this.matcher = matcher;
            this.root = matcher.type().root().name();
            this.max = max;
            this.maxBytes = maxBytes;
            this.waitMillis = waitMillis;
            this.take = take;
            this.call = call;
        }

        /** Registers the wait and arms its time-out; then call {@link #tryNow()}. Call once. */
        void start() {
            register(this);
            synchronized (this) {
                state = State.LOOKING;
                signalled = false;
            }
            if (waitMillis != Long.MAX_VALUE) {
                try {
                    ScheduledFuture<?> t = scheduler.schedule(this::expire, waitMillis, TimeUnit.MILLISECONDS);
                    boolean over;
                    synchronized (this) {
                        timeout = t;
                        over = state == State.DONE;
                    }
                    if (over) {
                        t.cancel(false);
                    }
                } catch (RuntimeException rejected) {
                    abort(new io.khora.SpaceClosedException("replicated partition"));
                }
            }
        }

        /** The first try, on the caller's thread. */
        void tryNow() {
            look();
        }

        synchronized boolean isParked() {
            return state == State.PARKED;
        }

        boolean matches(SpaceEntry e) {
            return e.type().isSubtypeOf(matcher.type()) && matcher.matches(e.values());
        }

        /** A matching entry was applied at the leader. */
        void signal(SpaceEntry e) {
            boolean schedule;
            synchronized (this) {
                if (state == State.DONE) {
                    return;
                }
                signalled = true;
                if (!take && seen == null) {
                    seen = new StoredEntry(e.type().name(), e.values().clone(), e.version(), e.expiresAt());
                }
                schedule = state == State.PARKED;
                if (schedule) {
                    state = State.LOOKING;
                }
            }
            if (schedule) {
                schedule(this::look);
            }
        }

        private void schedule(Runnable r) {
            try {
                scheduler.execute(r);
            } catch (RuntimeException rejected) {
                abort(new io.khora.SpaceClosedException("replicated partition"));
            }
        }

        /** On the scheduler: looks for a match (and, for a take, proposes it). State is LOOKING. */
        private void look() {
            try {
                synchronized (this) {
                    if (state != State.LOOKING) {
                        return;
                    }
                    signalled = false;
                }
                if (!host.isLeader()) {
                    abort(host.notLeader());
                    return;
                }
                if (take) {
                    boolean first;
                    synchronized (this) {
                        first = !tried;
                    }
                    if (first || host.hasMatch(type, query)) {
                        propose();
                        return;
                    }
                } else {
                    List<StoredEntry> found = host.readLocal(type, query, max);
                    StoredEntry s;
                    synchronized (this) {
                        s = seen;
                    }
                    if (found.isEmpty() && s != null) {
                        found = List.of(s); // it existed after the wait began: a read may return it
                    }
                    if (!found.isEmpty()) {
                        finish(found, null);
                        return;
                    }
                }
                park();
            } catch (RuntimeException e) {
                abort(e instanceof NotLeaderException || e instanceof NoLeaderException ? host.notLeader() : e);
            }
        }

        /** Back to PARKED, unless a signal came meanwhile (then look again) or the wait ended. */
        private void park() {
            boolean again;
            synchronized (this) {
                if (state == State.DONE) {
                    return;
                }
                again = signalled;
                state = again ? State.LOOKING : State.PARKED;
            }
            if (again) {
                schedule(this::look);
            }
        }

        private void propose() {
            synchronized (this) {
                if (state != State.LOOKING) {
                    return;
                }
                state = State.PROPOSING;
                tried = true;
            }
            CompletableFuture<List<StoredEntry>> f;
            try {
                f = host.proposeTake(type, query, max, maxBytes, call);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete(this::proposed);
        }

        /** A take's proposal returned (on the Raft thread). */
        private void proposed(List<StoredEntry> taken, Throwable ex) {
            RuntimeException failure = null;
            List<StoredEntry> result = null;
            boolean again = false;
            ScheduledFuture<?> t = null;
            synchronized (this) {
                if (ex != null) {
                    Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                    failure = cause instanceof RuntimeException r ? r : new SpaceException("take failed", cause);
                } else if (!taken.isEmpty()) {
                    result = taken;
                } else if (failOnReturn != null) {
                    failure = failOnReturn;
                } else if (stopRequested) {
                    result = List.of();
                } else {
                    again = signalled;
                    state = again ? State.LOOKING : State.PARKED;
                }
                if (failure != null || result != null) {
                    state = State.DONE; // straight from PROPOSING: nobody else can end it in between
                    t = timeout;
                }
            }
            if (failure != null || result != null) {
                ended(t, result, failure);
            } else if (again) {
                schedule(this::look);
            }
        }

        /** The deadline passed. */
        private void expire() {
            synchronized (this) {
                if (state == State.PROPOSING) {
                    stopRequested = true;
                    return;
                }
            }
            finish(List.of(), null);
        }

        /**
         * Ends the wait with {@code reason} (the leadership ended, or closing), or — a take in flight —
         * when the take returns empty.
         */
        void abort(RuntimeException reason) {
            synchronized (this) {
                if (state == State.PROPOSING) {
                    failOnReturn = reason;
                    return;
                }
            }
            finish(null, reason);
        }

        /** Ends the wait (unless it ended, or a proposal is in flight): deregisters, then completes. */
        private void finish(List<StoredEntry> result, RuntimeException failure) {
            ScheduledFuture<?> t;
            synchronized (this) {
                if (state == State.DONE || state == State.PROPOSING) {
                    return;
                }
                state = State.DONE;
                t = timeout;
            }
            ended(t, result, failure);
        }

        /** After the state became DONE: deregisters, disarms, completes. */
        private void ended(ScheduledFuture<?> t, List<StoredEntry> result, RuntimeException failure) {
            synchronized (this) {
                seen = null;
            }
            deregister(this);
            if (t != null) {
                t.cancel(false);
            }
            if (failure != null) {
                super.completeExceptionally(failure);
            } else {
                super.complete(result);
            }
        }

        /** Withdraws the wait: true if it was parked (nothing was or will be taken for it). */
        private boolean withdraw() {
            ScheduledFuture<?> t;
            synchronized (this) {
                if (state == State.DONE) {
                    return false;
                }
                if (state == State.PROPOSING) {
                    stopRequested = true;
                    return false;
                }
                state = State.DONE;
                t = timeout;
            }
            deregister(this);
            if (t != null) {
                t.cancel(false);
            }
            return true;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return withdraw() && super.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean complete(List<StoredEntry> value) {
            return withdraw() && super.complete(value);
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            return withdraw() && super.completeExceptionally(ex);
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }

        @Override
        public String toString() {
            State s;
            synchronized (this) {
                s = state;
            }
            return (take ? "take" : "read") + "-wait[" + type.name() + " " + query + ", max " + max + ", " + s + "]" + super.toString();
        }
    }
}

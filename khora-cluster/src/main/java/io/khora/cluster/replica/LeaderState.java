package io.khora.cluster.replica;

import io.khora.SpaceEventType;
import io.khora.SpaceException;
import io.khora.Subscription;
import io.khora.cluster.raft.LeaderClock;
import io.khora.internal.query.CompiledQuery;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Everything a replica keeps only while it leads one term, in one object (as Kafka raft's
 * {@code LeaderState}): created when jgroups-raft makes this replica the leader, and closed and
 * dropped whole when it stops leading or a new leadership begins — so nothing of a leadership can
 * survive into the next one, or into a follower.
 *
 * <p>It holds the leader's clock ({@link LeaderClock}, anchored once the term's no-op is applied),
 * whether the leader serves and for which term, the parked waits ({@link LeaderWaits}) and the
 * event subscriptions (a {@link LeaderEvents.Term}), the types declared in this term, the
 * transactions being resolved, and the guards that keep one barrier, one lease sweep and one outbox
 * start in flight at a time.
 *
 * <p><b>Locking.</b> {@link #close} is called from jgroups-raft's role listener, which holds
 * jgroups-raft's state lock: nothing here calls into jgroups-raft. Waits and subscriptions register
 * under this object's lock only while it serves and is not closed, and {@link #close} ends them
 * under the same lock, so none slips past the end of the leadership. The waits' futures are failed
 * afterwards, on the given executor (never on the role listener's thread) unless closing.
 */
final class LeaderState {
    private final long electedTerm;
    private final LeaderClock clock;
    private final LeaderWaits waits;
    private final LeaderEvents events;
    private final LeaderEvents.Term eventTerm;
    private final Set<String> declaredTypes = ConcurrentHashMap.newKeySet();
    private final Set<String> resolving = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean barrierInFlight = new AtomicBoolean();
    private final AtomicBoolean sweepInFlight = new AtomicBoolean();
    private final AtomicBoolean outboxStartInFlight = new AtomicBoolean();
    private final Object lock = new Object();
    private volatile boolean serving;
    private volatile long servingTerm = -1;
    private boolean closed; // guarded by lock

    /**
     * A leadership of {@code electedTerm} (the term when jgroups-raft made this replica the leader),
     * not serving yet; {@code clock} must be new (not anchored). Published events go to its waits
     * and subscriptions from now on.
     */
    LeaderState(long electedTerm, LeaderClock clock, LeaderWaits waits, LeaderEvents events) {
        this.electedTerm = electedTerm;
        this.clock = clock;
        this.waits = waits;
        this.events = events;
        this.eventTerm = events.begin(waits);
    }

    /** The term in which this replica became the leader. */
    long electedTerm() {
        return electedTerm;
    }

    /** This leadership's clock: log time until it serves, then the leader's time anchored at log time. */
    LeaderClock clock() {
        return clock;
    }

    /** The parked reads and takes of this leadership. */
    LeaderWaits waits() {
        return waits;
    }

    /** The names of the types this leader proposed the declaration of in its term. */
    Set<String> declaredTypes() {
        return declaredTypes;
    }

    /** The ids of the overdue transactions this leader is resolving. */
    Set<String> resolving() {
        return resolving;
    }

    /** Set while this leadership's no-op (barrier) is in flight. */
    AtomicBoolean barrierInFlight() {
        return barrierInFlight;
    }

    /** Set while a lease sweep of this leadership is in flight. */
    AtomicBoolean sweepInFlight() {
        return sweepInFlight;
    }

    /** Set while this leadership's proposal of an outbox log id is in flight. */
    AtomicBoolean outboxStartInFlight() {
        return outboxStartInFlight;
    }

    /**
     * Whether this leadership serves while jgroups-raft says this replica leads ({@code raftLeader})
     * in {@code currentTerm}: its no-op of that very term was applied.
     */
    boolean serves(boolean raftLeader, long currentTerm) {
        return serving && raftLeader && currentTerm == servingTerm;
    }

    /** The term whose no-op this leadership applied (-1 before). */
    long servingTerm() {
        return servingTerm;
    }

    /**
     * Its no-op of {@code term} was applied: anchors the clock at log time and serves. False (doing
     * nothing) once closed.
     */
    boolean startServing(long term) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            clock.anchor();
            servingTerm = term;
            serving = true;
            return true;
        }
    }

    /** Registers and starts {@code w} (then call its {@code tryNow}); false, doing nothing, unless this leadership serves. */
    boolean startWait(LeaderWaits.Wait w) {
        synchronized (lock) {
            if (!serving || closed) {
                return false;
            }
            w.start();
            return true;
        }
    }

    /** Subscribes to this leadership's events; null, doing nothing, unless it serves. */
    Subscription subscribe(CompiledQuery query, Set<SpaceEventType> types, Consumer<ReplicatedEvent> listener,
                           Consumer<? super SpaceException> onTerminated) {
        synchronized (lock) {
            if (!serving || closed) {
                return null;
            }
            return events.subscribe(eventTerm, query, types, listener, onTerminated);
        }
    }

    /**
     * Ends this leadership (once; later calls do nothing): it stops serving, its clock forgets its
     * anchor, every subscription is terminated with {@code why} and every wait fails with it — on
     * {@code later}, or at once if {@code later} is null or refuses.
     */
    void close(SpaceException why, Executor later) {
        List<LeaderWaits.Wait> ended;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            serving = false;
            clock.reset();
            events.end(eventTerm, why); // listeners are told on the event executor
            ended = waits.all();
        }
        if (ended.isEmpty()) {
            return;
        }
        Runnable fail = () -> ended.forEach(w -> w.abort(why));
        if (later != null) {
            try {
                later.execute(fail);
                return;
            } catch (RuntimeException rejected) {
                // closing: fail them here
            }
        }
        fail.run();
    }

    @Override
    public String toString() {
        return "LeaderState[elected in term " + electedTerm + (serving ? ", serving term " + servingTerm : ", not serving") + "]";
    }
}

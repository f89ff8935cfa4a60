package io.khora.internal.local;

import io.khora.EventRegistration;
import io.khora.Lease;
import io.khora.Query;
import io.khora.SpaceEventType;
import io.khora.SpaceListener;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.events.TxListeners;

import io.khora.Space;
import io.khora.SpaceClosedException;
import io.khora.SpaceException;
import io.khora.TransactionException;
import io.khora.TransactionOptions;
import io.khora.TransactionTimedOutException;
import io.khora.internal.engine.EntryLockedException;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.engine.TxContext;
import io.khora.internal.engine.TxPart;
import io.khora.internal.engine.Waiter;
import io.khora.internal.persistence.TransactionSink;
import io.khora.internal.router.LocalRouter;
import io.khora.internal.router.TransactionRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A transaction of an embedded space, and its coordinator. Its state in each partition it touched
 * is a {@link TxPart} of that partition's engine (created on first touch); this object tracks the
 * parts, the timeout, the waiters running under it and whom it waits for (deadlock detection), and
 * drives the commit:
 *
 * <ul>
 *   <li>no partition changed: release every part;</li>
 *   <li>one partition changed: {@link PartitionEngine#commitOnePhase} — persisted and applied in one
 *       critical section of that partition — then release the rest;</li>
 *   <li>several: two phases. {@link PartitionEngine#prepare} each changed partition in ascending
 *       order (validated, frozen, locks kept; write-behind appends the part to the partition's
 *       outbox there), persist the whole (write-through: one {@code TransactionData}), decide, then
 *       {@link PartitionEngine#commit} each. Any failure before the decision aborts every part.</li>
 * </ul>
 *
 * A cluster (part two) keeps the engine side as it is — prepare/commit/abort of a part become log
 * commands — and replaces this coordinator.
 */
final class LocalTransaction extends TransactionRecord implements TxContext {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTransaction.class);

    private final LocalSpace space;
    private final LocalRouter router;
    private final boolean exclusiveReads;
    private final Duration timeout;
    private final long lockWaitNanos;
    private final long deadlineMillis;
    private final AtomicReferenceArray<TxPart> parts;
    private final AtomicLong order = new AtomicLong();
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final TxListeners listeners = new TxListeners();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final TxSpace view;
    /** The transaction this one waits for a lock of (deadlock detection), or null. */
    volatile LocalTransaction waitingFor;
    private volatile Future<?> timer;

    LocalTransaction(LocalSpace space, TransactionOptions options) {
        super(options);
        this.space = space;
        this.router = space.router();
        this.exclusiveReads = options().isolation() == TransactionOptions.Isolation.EXCLUSIVE_READ;
        this.timeout = options().timeout() != null ? options().timeout() : space.config().transactions().timeout();
        Duration lw = options().lockWait() != null ? options().lockWait() : space.config().transactions().lockWait();
        this.lockWaitNanos = saturatedNanos(lw);
        long now = space.config().ticker().millis();
        long t = timeout.toMillis();
        this.deadlineMillis = now > Long.MAX_VALUE - t ? Long.MAX_VALUE : now + t;
        this.parts = new AtomicReferenceArray<>(router.size());
        this.view = new TxSpace(space, this);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** Arms the timeout. */
    void start() {
        try {
            timer = space.config().scheduler().schedule(this::onTimeout, Math.max(1L, timeout.toMillis()));
        } catch (RejectedExecutionException closing) {
            throw new SpaceClosedException(space.name());
        }
    }

    private void onTimeout() {
        if (status() == Status.ACTIVE) {
            LOG.debug("space '{}': transaction {} timed out after {}; rolling it back", space.name(), id(), timeout);
            end(true);
        }
    }

    // ================================================================ Transaction

    @Override
    public Space space() {
        return view;
    }

    LocalSpace owner() {
        return space;
    }

    @Override
    public void commit() {
        synchronized (this) {
            if (status() == Status.COMMITTED) {
                return;
            }
            if (status() != Status.ACTIVE) {
                throw endedException();
            }
        }
        if (space.config().ticker().millis() >= deadlineMillis) {
            end(true);
            throw endedException();
        }
        space.lifeCycleAwaitReady();
        synchronized (this) {
            if (status() != Status.ACTIVE) {
                throw endedException();
            }
            status(Status.COMMITTING);
        }
        cancelTimer();
        listeners.closeAll(); // before the commit is applied: its changes reach them once, as they were made
        failWaiters(new TransactionException("transaction " + id() + " committed while this operation was waiting under it"));
        try {
            coordinate();
            status(Status.COMMITTED);
        } catch (RuntimeException e) {
            status(Status.ROLLED_BACK);
            abortAll();
            if (e instanceof TransactionException || e instanceof SpaceClosedException) {
                throw e;
            }
            throw new TransactionException("transaction " + id() + " was rolled back, nothing of it was applied: " + e.getMessage(), e);
        } finally {
            ended.complete(null);
        }
    }

    @Override
    public void rollback() {
        Status s = status();
        if (s == Status.COMMITTED || s == Status.COMMITTING) {
            throw new TransactionException("transaction " + id() + " is " + s.name().toLowerCase() + "; it cannot be rolled back");
        }
        end(false);
    }

    @Override
    public void close() {
        Status s = status();
        if (s == Status.ACTIVE) {
            end(false);
        }
    }

    @Override
    public String toString() {
        return "Transaction[" + id() + " " + status() + (isTimedOut() ? " (timed out)" : "") + "]";
    }

    // ================================================================ TxContext

    @Override
    public TxPart partIn(int partitionId) {
        return parts.get(partitionId);
    }

    @Override
    public boolean exclusiveReads() {
        return exclusiveReads;
    }

    @Override
    public long nextOrder() {
        return order.incrementAndGet();
    }

    // ================================================================ for the view

    /** The part in {@code p}, created on first use. */
    TxPart part(PartitionEngine p) {
        int i = p.partitionId();
        TxPart t = parts.get(i);
        if (t != null) {
            return t;
        }
        synchronized (this) {
            ensureActive();
            t = parts.get(i);
            if (t == null) {
                t = p.beginPart(id(), this);
                t.endCause(this::endedException);
                parts.set(i, t);
            }
            return t;
        }
    }

    /** The part in {@code p}, or null if the transaction has not touched it. */
    TxPart existing(PartitionEngine p) {
        return parts.get(p.partitionId());
    }

    /** Completed when the transaction has ended (committed or rolled back). */
    CompletableFuture<Void> ended() {
        return ended;
    }

    /** Before every operation: the space is READY, the transaction is active and within its timeout. */
    void begin() {
        space.lifeCycleAwaitReady();
        ensureActive();
    }

    /** Throws unless the transaction may run operations (rolling it back if its timeout elapsed). */
    void ensureActive() {
        if (status() == Status.ACTIVE) {
            if (space.config().ticker().millis() >= deadlineMillis) {
                end(true);
                throw endedException();
            }
            return;
        }
        throw endedException();
    }

    /** What an operation on the ended transaction throws. */
    RuntimeException endedException() {
        if (isTimedOut()) {
            return new TransactionTimedOutException("transaction " + id() + " timed out after " + timeout
                    + " and was rolled back");
        }
        Status s = status();
        return new TransactionException("transaction " + id() + " is " + (s == Status.COMMITTING ? "committing"
                : s.name().toLowerCase().replace('_', ' ')) + "; no more operations can run under it");
    }

    /** Waits for the holder of an entry this transaction needs; see {@link LockWaits}. */
    long awaitLock(EntryLockedException locked, long deadline) {
        if (locked.holderPart().owner() == this) {
            throw new IllegalStateException("transaction " + id() + " conflicts with itself: " + locked.getMessage());
        }
        return LockWaits.await(locked, deadline, lockWaitNanos, this);
    }

    long lockWaitNanos() {
        return lockWaitNanos;
    }

    /** A waiter of this transaction is about to be registered. */
    void register(Waiter w) {
        waiters.add(w);
        w.future().whenComplete((r, t) -> waiters.remove(w));
    }

    /** Subscribes under this transaction: committed changes of everyone, and this transaction's own as it makes them. */
    <T> EventRegistration subscribe(Query<T> query, Set<SpaceEventType> events, SpaceListener<T> listener, Lease lease) {
        ensureActive();
        EventRegistration r = space.subscribe(query, events, listener, lease);
        listeners.add(r);
        if (status() != Status.ACTIVE) {
            listeners.closeAll(); // ended meanwhile
        }
        return r;
    }

    @Override
    public void changed(SpaceEventType type, SpaceEntry entry) {
        listeners.changed(type, entry);
    }

    // ================================================================ internals

    /** Rolls back (once): fails the waiters, aborts every part. */
    private void end(boolean timeout) {
        synchronized (this) {
            if (status() != Status.ACTIVE) {
                return;
            }
            timedOut(timeout);
            status(Status.ROLLED_BACK);
        }
        cancelTimer();
        listeners.closeAll();
        failWaiters(endedException());
        abortAll();
        ended.complete(null);
    }

    private void cancelTimer() {
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void failWaiters(RuntimeException why) {
        for (Waiter w : waiters) {
            if (w.tryClaim()) {
                w.fail(why);
            }
        }
    }

    private List<TxPart> touched() {
        List<TxPart> out = new ArrayList<>();
        for (int i = 0; i < parts.length(); i++) {
            TxPart t = parts.get(i);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    private PartitionEngine engine(TxPart t) {
        return router.partition(t.partitionId());
    }

    private void abortAll() {
        for (TxPart t : touched()) {
            try {
                engine(t).abort(t, null);
            } catch (RuntimeException e) {
                LOG.warn("space '{}': aborting {} failed", space.name(), t, e);
            }
        }
    }

    /** The commit protocol (see the class comment). */
    private void coordinate() {
        List<TxPart> writing = new ArrayList<>();
        List<TxPart> readOnly = new ArrayList<>();
        for (TxPart t : touched()) {
            (t.hasChanges() ? writing : readOnly).add(t);
        }
        if (writing.isEmpty()) {
            for (TxPart t : readOnly) {
                engine(t).commit(t);
            }
            return;
        }
        int[] partitions = writing.stream().mapToInt(TxPart::partitionId).toArray();
        TransactionSink.Commit persistence = space.transactionSink().begin(id(), partitions);
        if (writing.size() == 1) {
            TxPart w = writing.get(0);
            engine(w).commitOnePhase(w, (changes, order) -> persistence.persistPart(w.partitionId(), changes, order));
            releaseAll(readOnly);
            persistence.afterCommit();
            return;
        }
        List<TxPart> attempted = new ArrayList<>(writing.size());
        boolean decided = false;
        try {
            for (TxPart w : writing) {
                engine(w).prepare(w, (changes, order) -> {
                    attempted.add(w);
                    persistence.persistPart(w.partitionId(), changes, order);
                });
            }
            persistence.persistAll();
            persistence.decided(true);
            decided = true;
        } catch (RuntimeException | Error e) {
            if (!decided) {
                try {
                    persistence.decided(false);
                } catch (RuntimeException x) {
                    e.addSuppressed(x);
                }
            }
            for (TxPart w : writing) {
                try {
                    engine(w).abort(w, attempted.contains(w) ? () -> persistence.abortPart(w.partitionId()) : null);
                } catch (RuntimeException x) {
                    e.addSuppressed(x);
                }
            }
            throw e;
        }
        for (TxPart w : writing) {
            engine(w).commit(w);
        }
        releaseAll(readOnly);
        persistence.afterCommit();
    }

    private void releaseAll(List<TxPart> readOnly) {
        for (TxPart t : readOnly) {
            try {
                engine(t).commit(t);
            } catch (SpaceException e) {
                LOG.warn("space '{}': releasing {} failed", space.name(), t, e);
            }
        }
    }
}

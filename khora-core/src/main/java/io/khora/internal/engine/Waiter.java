package io.khora.internal.engine;

import io.khora.internal.query.CompiledQuery;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A read or take waiting for a match. It may be registered in several partitions (a query without
 * routing); the first partition to {@link #tryClaim() claim} it serves it, so a take removes exactly
 * one entry for it. Waiters are served in arrival order ({@link #seq()}).
 */
public final class Waiter {
    private static final AtomicLong SEQ = new AtomicLong();

    private final CompiledQuery query;
    private final Object id;
    private final boolean take;
    private final long seq = SEQ.incrementAndGet();
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final WaiterFuture<Object> future;
    private final Function<SpaceEntry, Object> mapper;
    private final TxContext tx;
    private volatile Runnable cleanup = () -> { };

    /**
     * @param query what to match (for an id wait, the type's query; {@code id} narrows it)
     * @param id the id waited for, or null for a query wait
     * @param take whether a match is removed
     * @param mapper turns the matched entry into the value the future completes with
     */
    public <T> Waiter(CompiledQuery query, Object id, boolean take, Function<SpaceEntry, T> mapper, WaiterFuture<T> future) {
        this(query, id, take, mapper, future, null);
    }

    /**
     * A waiter running under a transaction: it sees the transaction's own changes, takes (and, with
     * exclusive reads, reads) by locking the entry for the transaction, and skips entries other
     * transactions hold.
     *
     * @param tx the transaction, or null
     */
    @SuppressWarnings("unchecked")
    public <T> Waiter(CompiledQuery query, Object id, boolean take, Function<SpaceEntry, T> mapper, WaiterFuture<T> future,
                      TxContext tx) {
        this.tx = tx;
        this.query = query;
        this.id = id;
        this.take = take;
        this.mapper = (Function<SpaceEntry, Object>) mapper;
        this.future = (WaiterFuture<Object>) future;
        future.bind(this);
    }

    /** The query. */
    public CompiledQuery query() {
        return query;
    }

    /** The id waited for, or null. */
    public Object id() {
        return id;
    }

    /** Whether this is a take. */
    public boolean isTake() {
        return take;
    }

    /** The transaction it runs under, or null. */
    public TxContext tx() {
        return tx;
    }

    /** Whether serving it locks the entry for its transaction (a take, or an exclusive read). */
    boolean locks() {
        return tx != null && (take || tx.exclusiveReads());
    }

    /** Arrival order. */
    public long seq() {
        return seq;
    }

    /** The future. */
    public WaiterFuture<?> future() {
        return future;
    }

    /** Claims the waiter; true for exactly one caller. */
    public boolean tryClaim() {
        return !claimed.get() && claimed.compareAndSet(false, true);
    }

    /** Whether someone claimed it. */
    public boolean isClaimed() {
        return claimed.get();
    }

    boolean matches(SpaceEntry e) {
        return (id == null || id.equals(e.id())) && e.type().isSubtypeOf(query.type()) && query.matches(e.values());
    }

    /**
     * What to do before the future completes, however it completes: forget the waiter in every
     * partition it was registered in — so no one who sees the future done can still find it.
     */
    public void onDone(Runnable action) {
        this.cleanup = action;
    }

    void cleanUp() {
        cleanup.run();
    }

    /** Completes a claimed waiter with {@code e} (null = nothing came). Call without locks held. */
    public void deliver(SpaceEntry e) {
        cleanUp();
        Object value;
        try {
            value = e == null ? null : mapper.apply(e);
        } catch (RuntimeException ex) {
            future.internalFail(ex);
            return;
        }
        future.internalComplete(value);
    }

    /** Fails a claimed waiter. Call without locks held. */
    public void fail(Throwable t) {
        cleanUp();
        future.internalFail(t);
    }

    @Override
    public String toString() {
        return (take ? "take" : "read") + "-waiter#" + seq + (id != null ? "[id=" + id + "]" : "[" + query.text() + "]");
    }
}

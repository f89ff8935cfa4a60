package io.khora;

import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A space: a store of entries (POJOs, records or {@link SpaceDocument}s) that can be written,
 * read and taken by id or by {@link Query}, where reads and takes may wait a {@link Period} for a
 * match and every entry has a {@link Lease}. The same interface serves an embedded space and a
 * cluster; obtain one from {@link Spaces}.
 *
 * <p>Entries are stored by value: reads return fresh copies. Operations run only while the space is
 * {@link SpaceState#READY}; otherwise they wait up to the configured space wait and then fail with
 * {@link SpaceNotReadyException}. All methods are thread-safe. Every method has an asynchronous
 * twin on {@link #async()}. Several operations can be made one atomic unit with a
 * {@link Transaction} ({@link #beginTransaction()}).
 *
 * <p>Errors: a null entry, query or argument fails with {@link NullPointerException} or
 * {@link IllegalArgumentException} naming it; an unusable entry type with {@link SpaceTypeException};
 * a bad query with {@link QueryException}; a closed space with {@link SpaceClosedException}.
 */
public interface Space extends AutoCloseable {

    /** The space's name. */
    String name();

    // ---------------------------------------------------------------- write

    /** Writes {@code entry} with {@link Lease#FOREVER} and {@link WriteMode#UPDATE_OR_WRITE}. */
    default <T> LeaseHandle<T> write(T entry) {
        return write(entry, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);
    }

    /** Writes {@code entry} with {@code lease} and {@link WriteMode#UPDATE_OR_WRITE}. */
    default <T> LeaseHandle<T> write(T entry, Lease lease) {
        return write(entry, lease, WriteMode.UPDATE_OR_WRITE);
    }

    /**
     * Writes {@code entry}. A waiting {@code read} that it matches is woken; a waiting {@code take}
     * that it matches takes it (the first such waiter, in arrival order).
     *
     * @throws EntryAlreadyExistsException {@link WriteMode#WRITE_ONLY} and the id exists
     * @throws EntryNotFoundException {@link WriteMode#UPDATE_ONLY} and the id is missing
     * @throws EntryVersionConflictException the type has a {@code @SpaceVersion} and the entry's version is stale
     */
    <T> LeaseHandle<T> write(T entry, Lease lease, WriteMode mode);

    /** Writes every entry with {@link Lease#FOREVER} and {@link WriteMode#UPDATE_OR_WRITE}. */
    default <T> List<LeaseHandle<T>> writeMultiple(Collection<? extends T> entries) {
        return writeMultiple(entries, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);
    }

    /**
     * Writes every entry. All entries are validated before any is written. Each entry is written
     * atomically; if some fail (mode or version conflicts), the others are still written and a
     * {@link WriteMultipleException} reports which failed and why.
     */
    <T> List<LeaseHandle<T>> writeMultiple(Collection<? extends T> entries, Lease lease, WriteMode mode);

    // ---------------------------------------------------------------- read

    /** A matching entry, or null; does not wait. */
    default <T> T read(Query<T> query) {
        return read(query, Period.NONE);
    }

    /** A matching entry, waiting up to {@code period} for one to be written; null if none came. */
    <T> T read(Query<T> query, Period period);

    /**
     * A matching entry, or null at once if none exists. Unlike {@link #read(Query, Period)} it waits
     * only while a matching entry exists but is locked by a transaction (with no transactions in
     * play it never waits). A {@code READ_COMMITTED} read sees the committed state of a locked entry,
     * so only an {@link TransactionOptions.Isolation#EXCLUSIVE_READ} read inside a transaction ever
     * waits here.
     */
    <T> T readIfExists(Query<T> query, Period period);

    /** {@link #readIfExists(Query, Period)} with {@link Period#NONE}. */
    default <T> T readIfExists(Query<T> query) {
        return readIfExists(query, Period.NONE);
    }

    /** The entry of {@code type} (or a subtype) with {@code id}, or null. */
    default <T> T readById(Class<T> type, Object id) {
        return readById(type, id, null);
    }

    /** Like {@link #readById(Class, Object)}, routed by {@code routing} when the routing property is not the id. */
    <T> T readById(Class<T> type, Object id, Object routing);

    /** The document of {@code typeName} with {@code id}, or null. */
    SpaceDocument readById(String typeName, Object id);

    /** The entries with {@code ids}, in the order of {@code ids}, with null where an id is absent. */
    <T> List<T> readByIds(Class<T> type, Collection<?> ids);

    /** Up to {@code max} matching entries (in ORDER BY order if the query has one). */
    <T> List<T> readMultiple(Query<T> query, int max);

    /** Every matching entry. */
    default <T> List<T> readMultiple(Query<T> query) {
        return readMultiple(query, Integer.MAX_VALUE);
    }

    // ---------------------------------------------------------------- take

    /** Removes and returns a matching entry, or null; does not wait. */
    default <T> T take(Query<T> query) {
        return take(query, Period.NONE);
    }

    /**
     * Removes and returns a matching entry, waiting up to {@code period} for one. Each entry is
     * handed to exactly one taker; waiting takers are served in arrival order.
     */
    <T> T take(Query<T> query, Period period);

    /**
     * Like {@link #readIfExists(Query, Period)}, but takes: null at once if no match exists; while
     * matches exist but are all locked by transactions, waits up to {@code period} for one of those
     * transactions to end (a rollback frees its entries), then tries again.
     */
    <T> T takeIfExists(Query<T> query, Period period);

    /** {@link #takeIfExists(Query, Period)} with {@link Period#NONE}. */
    default <T> T takeIfExists(Query<T> query) {
        return takeIfExists(query, Period.NONE);
    }

    /** Removes and returns the entry of {@code type} with {@code id}, or null. */
    default <T> T takeById(Class<T> type, Object id) {
        return takeById(type, id, null);
    }

    /** Like {@link #takeById(Class, Object)}, routed by {@code routing}. */
    <T> T takeById(Class<T> type, Object id, Object routing);

    /** Removes and returns the document of {@code typeName} with {@code id}, or null. */
    SpaceDocument takeById(String typeName, Object id);

    /** Removes the entries with {@code ids}; returned in the order of {@code ids}, null where absent. */
    <T> List<T> takeByIds(Class<T> type, Collection<?> ids);

    /** Removes and returns up to {@code max} matching entries. */
    <T> List<T> takeMultiple(Query<T> query, int max);

    // ---------------------------------------------------------------- other

    /** The number of matching entries. */
    <T> int count(Query<T> query);

    /** Removes every matching entry (publishing TAKE events) and returns how many. */
    <T> int clear(Query<T> query);

    /**
     * Applies {@code changes} to every matching entry, atomically per entry, and returns how many
     * changed.
     */
    <T> int change(Query<T> query, ChangeSet changes);

    /**
     * Runs {@code processor} atomically on the entry of {@code type} with {@code id} (which may not
     * exist yet): what it reads is what it changes, with nothing in between. Its changes are
     * persisted and published like a write, an update or a take. When the type's routing property
     * is not its id and the entry does not exist yet, the processor is first run once on the absent
     * entry to learn the routing value of what it creates, then run again in that partition: keep
     * processors free of side effects outside the entry.
     *
     * @return what the processor returned
     */
    <T, R> R invoke(Class<T> type, Object id, EntryProcessor<T, R> processor);

    /**
     * Delivers the {@code events} of entries matching {@code query} to {@code listener}, off the
     * writer's thread, in order per entry. A slow listener never blocks writers: past the
     * configured queue capacity its subscription is terminated and told so.
     */
    <T> Subscription subscribe(Query<T> query, Set<SpaceEventType> events, SpaceListener<T> listener);

    /**
     * Subscribes like {@link #subscribe(Query, Set, SpaceListener)} under a lease (JavaSpaces'
     * {@code notify}): the registration ends when {@code lease} expires on the space's
     * {@link Ticker} unless renewed through the returned handle, and the listener is then told
     * through {@link SpaceListener#onTerminated}. {@link #subscribe(Query, Set, SpaceListener)} is
     * this with {@link Lease#FOREVER}.
     *
     * <p>Under a transaction (on {@link Transaction#space()}) the listener also sees the writes,
     * updates and takes the transaction itself makes, as it makes them; the registration ends when
     * the transaction commits or rolls back.
     */
    <T> EventRegistration subscribe(Query<T> query, Set<SpaceEventType> events, SpaceListener<T> listener, Lease lease);

    /** Declares a document type; required before writing documents of it. Idempotent for an equal declaration. */
    void registerType(SpaceDocumentType type);

    /** The asynchronous view of this space. */
    AsyncSpace async();

    // ---------------------------------------------------------------- transactions

    /** Begins a {@link Transaction} with {@link TransactionOptions#defaults()}. */
    default Transaction beginTransaction() {
        return beginTransaction(TransactionOptions.defaults());
    }

    /**
     * Begins a {@link Transaction}: run operations through {@link Transaction#space()} (or
     * {@link #with(Transaction)}), then {@link Transaction#commit()}; use try-with-resources so an
     * uncommitted transaction is rolled back.
     *
     * @throws UnsupportedOperationException if this space does not support transactions (yet)
     */
    default Transaction beginTransaction(TransactionOptions options) {
        throw new UnsupportedOperationException("space '" + name() + "' does not support transactions");
    }

    /**
     * The view of this space under {@code tx} (the same as {@code tx.space()}).
     *
     * @throws IllegalArgumentException if {@code tx} belongs to another space
     */
    default Space with(Transaction tx) {
        throw new UnsupportedOperationException("space '" + name() + "' does not support transactions");
    }

    // ---------------------------------------------------------------- life cycle

    /** The current state (for a partitioned space, the worst state of its partitions); a closed space is INVALID. */
    SpaceState state();

    /** Whether the state is {@link SpaceState#READY}. */
    boolean isReady();

    /**
     * Waits until the space is READY.
     *
     * @return true if READY, false if {@code timeout} elapsed first
     */
    boolean waitForReady(Duration timeout);

    /**
     * Blocks until the space is READY (seed 004's {@code waitForReady()} without a timeout).
     *
     * @throws SpaceClosedException if the space is or becomes closed while waiting
     * @throws SpaceNotReadyException if the space is or becomes INVALID while waiting
     * @throws SpaceInterruptedException if the waiting thread is interrupted
     */
    void waitForReady();

    /** Calls {@code listener} with each new state, on a state-change thread. */
    Subscription addStateListener(Consumer<SpaceState> listener);

    /** The partition layout. */
    ClusterInfo clusterInfo();

    /** How far the initial load from the data source has got; readable while the space is LOADING. */
    InitialLoadProgress initialLoadProgress();

    /** Operator controls: suspend and resume the space. */
    SpaceAdmin admin();

    /**
     * Closes the space: every waiting operation fails with {@link SpaceClosedException}, later calls
     * too, and the state becomes INVALID. Idempotent.
     */
    @Override
    void close();
}

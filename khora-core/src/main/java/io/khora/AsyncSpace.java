package io.khora;

import io.khora.document.SpaceDocument;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The asynchronous view of a {@link Space}: the same operations, answering
 * {@link CompletableFuture}s. Operations that need not wait complete on the caller's thread before
 * returning; a waiting read or take completes on the thread of the write that matched it, or on the
 * scheduler's thread when its period elapses (use the {@code …Async} stages to move work
 * elsewhere). Cancelling the future of a waiting read or take removes its waiter. Errors are
 * delivered through the future.
 */
public interface AsyncSpace {
    /** See {@link Space#write(Object, Lease, WriteMode)}. */
    <T> CompletableFuture<LeaseHandle<T>> write(T entry, Lease lease, WriteMode mode);

    /** See {@link Space#write(Object)}. */
    <T> CompletableFuture<LeaseHandle<T>> write(T entry);

    /** See {@link Space#writeMultiple(Collection, Lease, WriteMode)}. */
    <T> CompletableFuture<List<LeaseHandle<T>>> writeMultiple(Collection<? extends T> entries, Lease lease, WriteMode mode);

    /** See {@link Space#read(Query, Period)}. */
    <T> CompletableFuture<T> read(Query<T> query, Period period);

    /** See {@link Space#readIfExists(Query, Period)}. */
    <T> CompletableFuture<T> readIfExists(Query<T> query, Period period);

    /** See {@link Space#readById(Class, Object)}. */
    <T> CompletableFuture<T> readById(Class<T> type, Object id);

    /** See {@link Space#readById(String, Object)}. */
    CompletableFuture<SpaceDocument> readById(String typeName, Object id);

    /** The entry with {@code id}, waiting up to {@code period} for it to be written; null if it did not come. */
    <T> CompletableFuture<T> readById(Class<T> type, Object id, Period period);

    /** The document with {@code id}, waiting up to {@code period} for it to be written; null if it did not come. */
    CompletableFuture<SpaceDocument> readById(String typeName, Object id, Period period);

    /** See {@link Space#readByIds(Class, Collection)}. */
    <T> CompletableFuture<List<T>> readByIds(Class<T> type, Collection<?> ids);

    /** See {@link Space#readMultiple(Query, int)}. */
    <T> CompletableFuture<List<T>> readMultiple(Query<T> query, int max);

    /** See {@link Space#take(Query, Period)}. */
    <T> CompletableFuture<T> take(Query<T> query, Period period);

    /** See {@link Space#takeIfExists(Query, Period)}. */
    <T> CompletableFuture<T> takeIfExists(Query<T> query, Period period);

    /** See {@link Space#takeById(Class, Object)}. */
    <T> CompletableFuture<T> takeById(Class<T> type, Object id);

    /** See {@link Space#takeById(String, Object)}. */
    CompletableFuture<SpaceDocument> takeById(String typeName, Object id);

    /** Takes the entry with {@code id}, waiting up to {@code period} for it to be written; null if it did not come. */
    <T> CompletableFuture<T> takeById(Class<T> type, Object id, Period period);

    /** Takes the document with {@code id}, waiting up to {@code period} for it to be written; null if it did not come. */
    CompletableFuture<SpaceDocument> takeById(String typeName, Object id, Period period);

    /** See {@link Space#takeByIds(Class, Collection)}. */
    <T> CompletableFuture<List<T>> takeByIds(Class<T> type, Collection<?> ids);

    /** See {@link Space#takeMultiple(Query, int)}. */
    <T> CompletableFuture<List<T>> takeMultiple(Query<T> query, int max);

    /** See {@link Space#invoke(Class, Object, EntryProcessor)}. */
    <T, R> CompletableFuture<R> invoke(Class<T> type, Object id, EntryProcessor<T, R> processor);

    /** See {@link Space#count(Query)}. */
    <T> CompletableFuture<Integer> count(Query<T> query);

    /** See {@link Space#clear(Query)}. */
    <T> CompletableFuture<Integer> clear(Query<T> query);

    /** See {@link Space#change(Query, ChangeSet)}. */
    <T> CompletableFuture<Integer> change(Query<T> query, ChangeSet changes);
}

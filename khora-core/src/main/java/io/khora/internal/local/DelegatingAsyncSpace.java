package io.khora.internal.local;

import io.khora.AsyncSpace;
import io.khora.ChangeSet;
import io.khora.EntryProcessor;
import io.khora.Lease;
import io.khora.LeaseHandle;
import io.khora.Period;
import io.khora.Query;
import io.khora.Space;
import io.khora.WriteMode;
import io.khora.document.SpaceDocument;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An {@link AsyncSpace} over a synchronous {@link Space} (the space itself, or a transaction's
 * view): operations that need not wait run on the caller's thread and answer a completed future;
 * the waiting ones ({@code read}/{@code take} with a period, by query or by id) are left to the
 * subclass, which registers a waiter instead of blocking.
 */
abstract class DelegatingAsyncSpace implements AsyncSpace {
    private final Space space;

    DelegatingAsyncSpace(Space space) {
        this.space = space;
    }

    /** A read or take by query that may wait for {@code period}. */
    protected abstract <T> CompletableFuture<T> waitFor(Query<T> query, Period period, boolean take);

    /** A read or take by id that may wait for {@code period}; {@code typeName} is set for documents. */
    protected abstract <T> CompletableFuture<T> waitForId(Class<T> type, String typeName, Object id, Period period, boolean take);

    /** Runs {@code op} now and answers its outcome as a completed future. */
    static <R> CompletableFuture<R> run(Supplier<R> op) {
        try {
            return CompletableFuture.completedFuture(op.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public <T> CompletableFuture<LeaseHandle<T>> write(T entry, Lease lease, WriteMode mode) {
        return run(() -> space.write(entry, lease, mode));
    }

    @Override
    public <T> CompletableFuture<LeaseHandle<T>> write(T entry) {
        return run(() -> space.write(entry));
    }

    @Override
    public <T> CompletableFuture<List<LeaseHandle<T>>> writeMultiple(Collection<? extends T> entries, Lease lease, WriteMode mode) {
        return run(() -> space.writeMultiple(entries, lease, mode));
    }

    @Override
    public <T> CompletableFuture<T> read(Query<T> query, Period period) {
        return waitFor(query, period, false);
    }

    @Override
    public <T> CompletableFuture<T> readIfExists(Query<T> query, Period period) {
        return run(() -> space.readIfExists(query, period));
    }

    @Override
    public <T> CompletableFuture<T> readById(Class<T> type, Object id) {
        return run(() -> space.readById(type, id));
    }

    @Override
    public CompletableFuture<SpaceDocument> readById(String typeName, Object id) {
        return run(() -> space.readById(typeName, id));
    }

    @Override
    public <T> CompletableFuture<T> readById(Class<T> type, Object id, Period period) {
        return waitForId(type, null, id, period, false);
    }

    @Override
    public CompletableFuture<SpaceDocument> readById(String typeName, Object id, Period period) {
        return waitForId(SpaceDocument.class, typeName, id, period, false);
    }

    @Override
    public <T> CompletableFuture<List<T>> readByIds(Class<T> type, Collection<?> ids) {
        return run(() -> space.readByIds(type, ids));
    }

    @Override
    public <T> CompletableFuture<List<T>> readMultiple(Query<T> query, int max) {
        return run(() -> space.readMultiple(query, max));
    }

    @Override
    public <T> CompletableFuture<T> take(Query<T> query, Period period) {
        return waitFor(query, period, true);
    }

    @Override
    public <T> CompletableFuture<T> takeIfExists(Query<T> query, Period period) {
        return run(() -> space.takeIfExists(query, period));
    }

    @Override
    public <T> CompletableFuture<T> takeById(Class<T> type, Object id) {
        return run(() -> space.takeById(type, id));
    }

    @Override
    public CompletableFuture<SpaceDocument> takeById(String typeName, Object id) {
        return run(() -> space.takeById(typeName, id));
    }

    @Override
    public <T> CompletableFuture<T> takeById(Class<T> type, Object id, Period period) {
        return waitForId(type, null, id, period, true);
    }

    @Override
    public CompletableFuture<SpaceDocument> takeById(String typeName, Object id, Period period) {
        return waitForId(SpaceDocument.class, typeName, id, period, true);
    }

    @Override
    public <T> CompletableFuture<List<T>> takeByIds(Class<T> type, Collection<?> ids) {
        return run(() -> space.takeByIds(type, ids));
    }

    @Override
    public <T> CompletableFuture<List<T>> takeMultiple(Query<T> query, int max) {
        return run(() -> space.takeMultiple(query, max));
    }

    @Override
    public <T, R> CompletableFuture<R> invoke(Class<T> type, Object id, EntryProcessor<T, R> processor) {
        return run(() -> space.invoke(type, id, processor));
    }

    @Override
    public <T> CompletableFuture<Integer> count(Query<T> query) {
        return run(() -> space.count(query));
    }

    @Override
    public <T> CompletableFuture<Integer> clear(Query<T> query) {
        return run(() -> space.clear(query));
    }

    @Override
    public <T> CompletableFuture<Integer> change(Query<T> query, ChangeSet changes) {
        return run(() -> space.change(query, changes));
    }
}

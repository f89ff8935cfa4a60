package io.khora.internal.engine;

import java.util.concurrent.CompletableFuture;

/**
 * The future of a waiting read or take. Completing or cancelling it from outside first claims its
 * waiter, so a user's {@code cancel} can never race with a take that already removed an entry for
 * it: if the take won, {@code cancel} returns false and the future completes with the entry.
 *
 * @param <T> the value type
 */
public final class WaiterFuture<T> extends CompletableFuture<T> {
    private Waiter waiter;

    void bind(Waiter w) {
        this.waiter = w;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!waiter.tryClaim()) {
            return false;
        }
        waiter.cleanUp();
        return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean complete(T value) {
        if (!waiter.tryClaim()) {
            return false;
        }
        waiter.cleanUp();
        return super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        if (!waiter.tryClaim()) {
            return false;
        }
        waiter.cleanUp();
        return super.completeExceptionally(ex);
    }

    boolean internalComplete(T value) {
        return super.complete(value);
    }

    boolean internalFail(Throwable ex) {
        return super.completeExceptionally(ex);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}

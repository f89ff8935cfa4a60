package io.khora.keyed;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A future mapped from a source future that passes {@code cancel} back to its source. A plain
 * {@code thenApply} would cancel only the derived future and leave a waiting take registered in the
 * space, so the next put of the key would be taken for nobody and lost. Here {@code cancel} first
 * cancels the source (which withdraws the waiter); if the source already won (the take removed an
 * item for it), {@code cancel} answers false and this future completes with the item.
 *
 * @param <S> the source's value type
 * @param <T> this future's value type
 */
final class MappedFuture<S, T> extends CompletableFuture<T> {
    private final CompletableFuture<S> source;

    private MappedFuture(CompletableFuture<S> source) {
        this.source = source;
    }

    /** A future of {@code map(source's value)} whose cancel withdraws {@code source}. */
    static <S, T> CompletableFuture<T> of(CompletableFuture<S> source, Function<? super S, ? extends T> map) {
        Objects.requireNonNull(map, "map must not be null");
        MappedFuture<S, T> f = new MappedFuture<>(Objects.requireNonNull(source, "source must not be null"));
        source.whenComplete((value, failure) -> {
            if (failure != null) {
                f.internalFail(failure);
                return;
            }
            try {
                f.internalComplete(map.apply(value));
            } catch (RuntimeException | Error e) {
                f.internalFail(e);
            }
        });
        return f;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!source.isCancelled() && !source.cancel(mayInterruptIfRunning)) {
            return false;
        }
        return super.cancel(mayInterruptIfRunning);
    }

    private void internalComplete(T value) {
        super.complete(value);
    }

    private void internalFail(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof java.util.concurrent.CancellationException) {
            super.cancel(false);
        } else {
            super.completeExceptionally(cause);
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}

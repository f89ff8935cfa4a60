package io.khora.cluster.client;

import io.khora.cluster.Futures;
import io.khora.OutcomeUnknownException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Keeps a resend's result in the operation's own terms: where an operation converts its call's
 * result (a write's outcome into a lease handle, a take's entries into the caller's objects), a
 * resendable {@link OutcomeUnknownException} on the way is replaced by one whose
 * {@link OutcomeUnknownException#resend()} applies the same conversion.
 */
final class Resends {
    private Resends() {
    }

    /** {@code raw.thenApply(f)}, and {@code f} also applied to the result of a resend of its unknown call. */
    static <A, R> CompletableFuture<R> thenApply(CompletableFuture<A> raw, Function<? super A, ? extends R> f) {
        return raw.handle((a, e) -> {
            if (e == null) {
                return f.apply(a);
            }
            throw converted(e, f);
        });
    }

    /** {@code raw.thenCompose(f)}, and {@code f} also applied to the result of a resend of its unknown call. */
    @SuppressWarnings("unchecked")
    static <A, R> CompletableFuture<R> thenCompose(CompletableFuture<A> raw, Function<? super A, ? extends CompletableFuture<R>> f) {
        return raw.handle((a, e) -> {
            if (e == null) {
                return f.apply(a);
            }
            Throwable c = Futures.cause(e);
            if (c instanceof OutcomeUnknownException u && u.isResendable() && u.partialResult().isEmpty()) {
                return CompletableFuture.<R>failedFuture(remapped(u,
                        again -> thenCompose((CompletableFuture<A>) (CompletableFuture<?>) again, f).thenApply(r -> (Object) r), null));
            }
            return CompletableFuture.<R>failedFuture(c);
        }).thenCompose(x -> x);
    }

    @SuppressWarnings("unchecked")
    private static <A, R> RuntimeException converted(Throwable e, Function<? super A, ? extends R> f) {
        Throwable c = Futures.cause(e);
        if (c instanceof OutcomeUnknownException u && (u.isResendable() || u.partialResult().isPresent())) {
            // the partial result is in the operation's result type too (a takeMultiple's entries as the caller's objects)
            return remapped(u, again -> thenApply((CompletableFuture<A>) (CompletableFuture<?>) again, f).thenApply(r -> (Object) r),
                    u.partialResult().map(p -> (Object) f.apply((A) p)).orElse(null));
        }
        return c instanceof RuntimeException r ? r : new CompletionException(c);
    }

    /**
     * {@code u} with its resend's result passed through {@code onResend} (resendable only if
     * {@code u} is) and {@code partial} as its partial result; message, cause and stack as {@code u}'s.
     */
    private static OutcomeUnknownException remapped(OutcomeUnknownException u,
                                                    Function<CompletableFuture<Object>, CompletableFuture<Object>> onResend, Object partial) {
        OutcomeUnknownException mapped = new OutcomeUnknownException(u.getMessage(), u.getCause(),
                u.isResendable() ? resend(() -> onResend.apply(u.resend()), u::abandon) : null, partial);
        mapped.setStackTrace(u.getStackTrace());
        return mapped;
    }

    /** A resend made of {@code resend} and {@code abandon}. */
    static OutcomeUnknownException.Resend resend(java.util.function.Supplier<CompletableFuture<Object>> resend, Runnable abandon) {
        return new OutcomeUnknownException.Resend() {
            @Override
            public CompletableFuture<Object> resend() {
                return resend.get();
            }

            @Override
            public void abandon() {
                abandon.run();
            }
        };
    }
}

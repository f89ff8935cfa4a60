package io.khora.cluster.client;

import io.khora.cluster.Futures;
import io.khora.OutcomeUnknownException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The honest outcome of one operation sent as several calls — one per partition for a
 * {@code writeMultiple}, a {@code clear} or a {@code change}; one after another, each bounded by an
 * answer frame, for a {@code takeMultiple}. Every call succeeds: the operation's result. Every call
 * is refused before it took effect: the first refusal ("not applied"). Anything else — some calls
 * applied and another refused, or some call's outcome unknown — is neither: the operation ends with
 * an {@link OutcomeUnknownException} whose {@link OutcomeUnknownException#partialResult()} holds what
 * the applied calls did and whose {@link OutcomeUnknownException#resend()} completes the operation
 * (the unknown calls resent with their call ids, the refused ones sent again, the applied ones
 * kept) and returns its whole result.
 */
final class Scatter {
    private Scatter() {
    }

    /**
     * One call of an operation sent in parallel.
     *
     * @param where  which call it is, for the message ("partition 2")
     * @param result the call's outcome
     * @param again  sends the call anew (after it was refused: it took no effect)
     */
    record Part<P>(String where, CompletableFuture<P> result, Supplier<CompletableFuture<P>> again) {
    }

    /**
     * Waits for every part; {@code combine} of their results in order if all succeeded, else the
     * failure described above ({@code combine} of the applied parts' results is the partial result).
     * A single part's failure is passed on as it is.
     *
     * @param what the operation, for the message ("space 's': clear")
     */
    static <P, R> CompletableFuture<R> gather(String what, List<Part<P>> parts, Function<List<P>, R> combine) {
        CompletableFuture<?>[] all = parts.stream().map(Part::result).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).handle((v, ignored) -> {
            List<P> applied = new ArrayList<>(parts.size());
            List<String> appliedAt = new ArrayList<>();
            List<String> unknownAt = new ArrayList<>();
            List<String> refusedAt = new ArrayList<>();
            Throwable first = null;
            Throwable firstUnknown = null;
            boolean resendable = true;
            for (Part<P> p : parts) {
                if (!p.result().isCompletedExceptionally()) {
                    applied.add(p.result().join());
                    appliedAt.add(p.where());
                    continue;
                }
                Throwable c = failure(p.result());
                first = first == null ? c : first;
                if (c instanceof OutcomeUnknownException u) {
                    unknownAt.add(p.where());
                    firstUnknown = firstUnknown == null ? c : firstUnknown;
                    resendable &= u.isResendable();
                } else {
                    refusedAt.add(p.where());
                }
            }
            if (first == null) {
                return combine.apply(applied);
            }
            if (parts.size() == 1 || (appliedAt.isEmpty() && unknownAt.isEmpty())) {
                throw rethrown(first);
            }
            String message = what + " is incomplete (" + parts.size() + " calls): " + (appliedAt.isEmpty() ? "none applied"
                    : "applied in " + String.join(", ", appliedAt)) + (unknownAt.isEmpty() ? "" : "; unknown in " + String.join(", ", unknownAt)
                    + " (" + firstUnknown.getMessage() + ")") + (refusedAt.isEmpty() ? "" : "; not applied in " + String.join(", ", refusedAt)
                    + (first == firstUnknown ? "" : " (" + first.getMessage() + ")"))
                    + (resendable ? "; resend() completes it" : "; it cannot be completed by a resend (an unknown call is no longer kept)");
            Object partial = appliedAt.isEmpty() ? null : combine.apply(applied);
            throw new OutcomeUnknownException(message, firstUnknown != null ? firstUnknown : first,
                    resendable ? resendAll(what, parts, combine) : null, partial);
        });
    }

    private static <P, R> OutcomeUnknownException.Resend resendAll(String what, List<Part<P>> parts, Function<List<P>, R> combine) {
        return new OutcomeUnknownException.Resend() {
            @Override
            @SuppressWarnings("unchecked")
            public CompletableFuture<Object> resend() {
                List<Part<P>> again = new ArrayList<>(parts.size());
                for (Part<P> p : parts) {
                    if (!p.result().isCompletedExceptionally()) {
                        again.add(p);
                    } else if (failure(p.result()) instanceof OutcomeUnknownException u) {
                        again.add(new Part<>(p.where(), (CompletableFuture<P>) (CompletableFuture<?>) u.resend(), p.again()));
                    } else {
                        again.add(new Part<>(p.where(), p.again().get(), p.again()));
                    }
                }
                return gather(what, again, combine).thenApply(r -> (Object) r);
            }

            @Override
            public void abandon() {
                for (Part<P> p : parts) {
                    if (p.result().isCompletedExceptionally() && failure(p.result()) instanceof OutcomeUnknownException u) {
                        u.abandon();
                    }
                }
            }
        };
    }

    /**
     * One step of an operation made of calls one after another that gather entries (a
     * {@code takeMultiple}'s takes): {@code before} is what the earlier steps got, {@code step} this
     * step's call, {@code next} what follows it with its result. If the step fails after earlier
     * steps got entries, the operation ends with an {@link OutcomeUnknownException} whose partial
     * result is those entries (and what an incomplete step itself certainly got), and whose resend
     * resends (or, if it was refused, sends anew with {@code again}) this step and goes on; if no
     * step got anything yet, the step's own failure is passed on, its resend also going on.
     */
    static <E, A> CompletableFuture<List<E>> step(String what, List<E> before, CompletableFuture<A> step, Supplier<CompletableFuture<A>> again,
                                                  Function<A, CompletableFuture<List<E>>> next) {
        return step.handle((a, e) -> {
            if (e == null) {
                return next.apply(a);
            }
            Throwable c = Futures.cause(e);
            List<E> partial = new ArrayList<>(before);
            if (c instanceof OutcomeUnknownException u) {
                u.partialResult().ifPresent(p -> partial.addAll(castList(p)));
                @SuppressWarnings("unchecked")
                OutcomeUnknownException.Resend resend = u.isResendable() ? Resends.resend(() -> step(what, before,
                        (CompletableFuture<A>) (CompletableFuture<?>) u.resend(), again, next).thenApply(r -> (Object) r), u::abandon) : null;
                String message = partial.isEmpty() ? u.getMessage()
                        : what + " is incomplete: " + partial.size() + " entries taken, then a call's outcome is unknown ("
                        + u.getMessage() + ")" + (resend != null ? "; resend() completes it" : "");
                OutcomeUnknownException out = new OutcomeUnknownException(message, u.getCause() != null && partial.isEmpty() ? u.getCause() : u,
                        resend, partial.isEmpty() ? null : List.copyOf(partial));
                out.setStackTrace(u.getStackTrace());
                return CompletableFuture.<List<E>>failedFuture(out);
            }
            if (before.isEmpty()) {
                return CompletableFuture.<List<E>>failedFuture(c);
            }
            return CompletableFuture.<List<E>>failedFuture(new OutcomeUnknownException(what + " is incomplete: " + before.size()
                    + " entries taken, then a call was not applied (" + c.getMessage() + "); resend() completes it", c,
                    Resends.resend(() -> step(what, before, again.get(), again, next).thenApply(r -> (Object) r),
                            () -> { }), // the refused call is not kept open: nothing to give up
                    List.copyOf(before)));
        }).thenCompose(f -> f);
    }

    /** {@code a} followed by {@code b}, as a new list. */
    static <E> List<E> concat(List<E> a, List<? extends E> b) {
        List<E> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <E> List<E> castList(Object o) {
        return (List<E>) o;
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.join();
            throw new IllegalStateException("not failed");
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return Futures.cause(e);
        }
    }

    private static RuntimeException rethrown(Throwable c) {
        return c instanceof RuntimeException r ? r : new CompletionException(c);
    }
}

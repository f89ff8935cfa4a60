package io.khora.server;

import io.khora.cluster.Futures;
import io.khora.OutcomeUnknownException;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A call whose outcome came back unknown, resent as the documentation says ("Outcomes": the same
 * call again, {@link OutcomeUnknownException#resend()}) until it has a definitive answer: the
 * caller then knows what was applied — for a take, it receives what the call took. Used by the
 * oversized schedule's clients, so their histories hold few unknowns and the checker's bounds stay
 * tight.
 */
final class UnknownOutcomes {
    /** The longest one resend may take (the client's own timeout ends it well before). */
    private static final long RESEND_LIMIT_SECONDS = 90;

    private UnknownOutcomes() {
    }

    /**
     * {@code call}'s result; if it fails with a resendable {@link OutcomeUnknownException}, the
     * result of resending it (up to {@code resends} times). Throws the definitive failure, or the
     * last unknown outcome.
     *
     * @param <T> what the call returns (its resend completes with the same, converted by the client)
     */
    @SuppressWarnings("unchecked")
    static <T> T resolve(Supplier<T> call, int resends) {
        OutcomeUnknownException unknown;
        try {
            return call.get();
        } catch (OutcomeUnknownException e) {
            unknown = e;
        }
        for (int i = 0; i < resends && unknown.isResendable(); i++) {
            try {
                return (T) unknown.resend().get(RESEND_LIMIT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                Throwable c = Futures.cause(e);
                if (c instanceof OutcomeUnknownException again) {
                    unknown = again;
                } else if (c instanceof RuntimeException r) {
                    throw r;
                } else {
                    throw new IllegalStateException(c);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unknown;
            } catch (TimeoutException e) {
                throw new IllegalStateException("a resend did not complete within " + RESEND_LIMIT_SECONDS + " s", unknown);
            }
        }
        throw unknown;
    }
}

package io.khora;


import java.util.concurrent.CompletableFuture;

/**
 * An operation may or may not have been applied: it was proposed to the log (or its request reached
 * a node) but no definitive answer came — it did not commit within the operation timeout, the
 * leader lost its leadership while it was in flight, or an attempt's answer was lost (the attempt
 * timed out, the connection dropped) and no later attempt learnt the outcome. It may still be
 * applied (if a majority had stored it, the next leader commits it) or never be.
 *
 * <p><b>Do not simply repeat the operation</b>: a repeated increment or transfer could be applied
 * twice. Retry it safely with {@link #resend()} where {@link #isResendable()}: the cluster client
 * sends the <em>same call</em> again (same client id, same call sequence — see {@code CallId}), so
 * the partition applies it at most once and answers with its real outcome, whether it was applied
 * before or only now. The client keeps such a call open (its response stays remembered by the
 * partition) until it is resent with a definitive answer or {@link #abandon() abandoned}.
 *
 * <p>Limits: a partition remembers a client's calls within a window of the client's last 1024 calls
 * and for 10 minutes of idle time ({@code PartitionOptions.callWindow()},
 * {@code PartitionOptions.clientIdleTimeout()}). A resend of a call that has fallen out of that
 * memory fails again with this exception, not resendable ("can no longer be told") — it is not
 * applied then; the client refuses a resend later than 9 minutes after the call began. Also thrown
 * (not resendable) for a call too old to be deduplicated any more, and by an embedded
 * cluster replica (whose callers retry with their own {@code CallId}).
 *
 * <p><b>Operations over several partitions</b> (a {@code writeMultiple}, a {@code clear} or
 * {@code change} by query, a {@code takeMultiple} or {@code takeByIds} without routing) send one call
 * per partition (a {@code takeMultiple}, one per answer frame's worth). When some of those calls are
 * applied and another fails — unknown, or refused (no leader) — the operation as a whole is neither
 * applied nor not applied: it ends with this exception, whose {@link #partialResult()} holds what the
 * applied calls certainly did (the entries taken, the handles of the writes applied, the number
 * cleared or changed) and whose {@link #resend()} completes the operation: it resends the unknown
 * calls with their call ids, sends the refused ones again, and returns the whole operation's result
 * (the partial result included). Entries a take took are in {@link #partialResult()} whether the
 * caller resends or not: they are never lost silently.
 */
public class OutcomeUnknownException extends SpaceException {
    /**
     * How an unknown call is sent again with its call id; implemented by the cluster client.
     */
    public interface Resend {
        /**
         * Sends the call again with the same call id: completes with the operation's result, or fails
         * with its definitive failure, or with a new {@link OutcomeUnknownException} if again no
         * answer came.
         */
        CompletableFuture<Object> resend();

        /** Gives the call up: it is no longer kept open, and can no longer be resent. */
        void abandon();
    }

    private final transient Resend resend;
    private final transient Object partialResult;

    /** With {@code message} and the underlying {@code cause}; not resendable. */
    public OutcomeUnknownException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** With {@code message}, the underlying {@code cause} and how to resend the call ({@code null}: not resendable). */
    public OutcomeUnknownException(String message, Throwable cause, Resend resend) {
        this(message, cause, resend, null);
    }

    /**
     * With {@code message}, the underlying {@code cause}, how to complete the operation ({@code null}:
     * not resendable) and what part of it is known to be applied ({@code null}: none).
     */
    public OutcomeUnknownException(String message, Throwable cause, Resend resend, Object partialResult) {
        super(message, cause);
        this.resend = resend;
        this.partialResult = partialResult;
    }

    /**
     * What an operation over several partitions certainly did before it failed, in its own result
     * type: the entries a {@code takeMultiple} or {@code takeByIds} took (a {@code List}), the lease
     * handles of the writes of a {@code writeMultiple} that were applied, in the order of the entries
     * given, the number of entries a {@code clear} or {@code change} affected where it was applied.
     * Empty when no part is known to be applied (a single call's unknown outcome).
     */
    public java.util.Optional<Object> partialResult() {
        return java.util.Optional.ofNullable(partialResult);
    }

    /** Whether {@link #resend()} can send the same call again. */
    public boolean isResendable() {
        return resend != null;
    }

    /**
     * Sends the same call again, with the same call id, so it is applied at most once. Completes with
     * what the operation that failed would have returned (the lease handle of a write, the entry a
     * take took or null, …; for an operation over several partitions, the whole operation's result:
     * its {@link #partialResult()} with what the calls sent again did), or fails with the operation's
     * definitive failure (then it was not applied), or with a new {@code OutcomeUnknownException} if
     * again no definitive answer came (resend that one).
     *
     * @throws IllegalStateException if this exception is not resendable ({@link #isResendable()})
     */
    public CompletableFuture<Object> resend() {
        if (resend == null) {
            throw new IllegalStateException("this outcome cannot be resolved by sending the call again: " + getMessage());
        }
        return resend.resend();
    }

    /** Gives the call up (no-op if not resendable): the client stops keeping it open for a resend. */
    public void abandon() {
        if (resend != null) {
            resend.abandon();
        }
    }
}

package io.khora.cluster;

import io.khora.SpaceException;

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
 * sends the <em>same call</em> again (same client id, same call sequence — see {@link CallId}), so
 * the partition applies it at most once and answers with its real outcome, whether it was applied
 * before or only now. The client keeps such a call open (its response stays remembered by the
 * partition) until it is resent with a definitive answer or {@link #abandon() abandoned}.
 *
 * <p>Limits: a partition remembers a client's calls within a window of the client's last 1024 calls
 * and for 10 minutes of idle time ({@link PartitionOptions#callWindow()},
 * {@link PartitionOptions#clientIdleTimeout()}). A resend of a call that has fallen out of that
 * memory fails again with this exception, not resendable ("can no longer be told") — it is not
 * applied then; the client refuses a resend later than 9 minutes after the call began. Also thrown
 * (not resendable) for a call too old to be deduplicated any more, and by an embedded
 * {@link ReplicatedPartition} (whose callers retry with their own {@link CallId}).
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

    /** With {@code message} and the underlying {@code cause}; not resendable. */
    public OutcomeUnknownException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** With {@code message}, the underlying {@code cause} and how to resend the call ({@code null}: not resendable). */
    public OutcomeUnknownException(String message, Throwable cause, Resend resend) {
        super(message, cause);
        this.resend = resend;
    }

    /** Whether {@link #resend()} can send the same call again. */
    public boolean isResendable() {
        return resend != null;
    }

    /**
     * Sends the same call again, with the same call id, so it is applied at most once. Completes with
     * what the operation that failed would have returned (the lease handle of a write, the entry a
     * take took or null, …; for an operation over several partitions — a clear, a change, a take of
     * several entries without routing — the result of the one partition's call that is unknown), or
     * fails with the operation's definitive failure (then it was not applied), or with a new
     * {@code OutcomeUnknownException} if again no definitive answer came (resend that one).
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

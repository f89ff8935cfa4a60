package io.khora.cluster.client;

import io.khora.SpaceException;
import io.khora.NoLeaderException;
import io.khora.OutcomeUnknownException;

/**
 * What the attempts of one call have learnt about its outcome, across all of them, so that the call
 * ends with an honest failure. An attempt either gets a definitive answer (OK, or the state
 * machine's failure), or is refused before its request could take effect (not sent, NOT_LEADER,
 * NO_LEADER, UNAVAILABLE), or leaves its request unanswered after writing it (the attempt timed
 * out, the connection dropped, OUTCOME_UNKNOWN) — then a mutation may have been applied, and stays
 * "maybe applied" whatever later attempts are refused with. A call that ends without a definitive
 * answer fails with {@link OutcomeUnknownException} if it is a mutation that may have been applied,
 * else with a failure that means "not applied" (a read has no effect: it fails with a retryable
 * error). Not thread-safe: a call's attempts run one after another.
 */
final class CallOutcome {
    private final boolean mutation;
    private Throwable maybeApplied;
    private Throwable last;

    /** @param mutation whether the call changes the space (a read has no effect whatever happened) */
    CallOutcome(boolean mutation) {
        this.mutation = mutation;
    }

    /** An attempt's request was written (or may have been) and got no definitive answer: {@code why}. */
    void unanswered(Throwable why) {
        last = why;
        if (maybeApplied == null) {
            maybeApplied = why;
        }
    }

    /** An attempt's request did not take effect (it was not sent, or the node refused it before acting): {@code why}. */
    void refused(Throwable why) {
        last = why;
    }

    /** Whether the call changes the space and some attempt may have applied it. */
    boolean mayHaveBeenApplied() {
        return mutation && maybeApplied != null;
    }

    /** The last attempt's reason, or null. */
    Throwable last() {
        return last;
    }

    /**
     * The failure an ERROR answer to a sent request ends the call with: a specific failure (the state
     * machine's: an entry that exists, a conflict, a full backlog, a call forgotten, …) is the call's
     * definitive outcome — a retry of an applied call is answered with its recorded result, never
     * with a failure of its own; a node's generic failure after an attempt that may have been applied
     * leaves the outcome unknown.
     */
    RuntimeException answered(RuntimeException error, OutcomeUnknownException.Resend resend) {
        return error.getClass() == SpaceException.class ? failed(error, resend) : error;
    }

    /** The failure an attempt's own failure before any answer (a type declaration refused, say) ends the call with. */
    RuntimeException failed(Throwable error, OutcomeUnknownException.Resend resend) {
        if (mayHaveBeenApplied()) {
            return unknown(error.getMessage(), error, resend);
        }
        return error instanceof RuntimeException r ? r : new SpaceException(String.valueOf(error.getMessage()), error);
    }

    /**
     * The failure when no definitive answer came before the budget ran out (or the client closed).
     *
     * @param what the call and why it ended ("space 's' partition 2: no answer within 30 s after 7 attempts")
     * @param resend how to send the call again, or null (a read, or a client that closed)
     */
    RuntimeException giveUp(String what, String space, int partition, OutcomeUnknownException.Resend resend) {
        if (mayHaveBeenApplied()) {
            return unknown(what, last, resend);
        }
        String applied = mutation ? "; not applied" : "";
        if (last instanceof NoLeaderException) {
            return new NoLeaderException(space, Math.max(partition, 0), what + applied + "; " + last.getMessage());
        }
        return new SpaceException(what + applied + (last == null ? "" : "; last: " + last.getMessage()), last);
    }

    private OutcomeUnknownException unknown(String what, Throwable cause, OutcomeUnknownException.Resend resend) {
        String lastReason = cause == null || cause == maybeApplied ? "" : "; later: " + cause.getMessage();
        return new OutcomeUnknownException(what + "; the outcome is unknown: an attempt may have been applied (" + maybeApplied.getMessage()
                + ")" + lastReason + (resend == null ? "" : "; resend() sends the same call again, applied at most once"), cause, resend);
    }
}

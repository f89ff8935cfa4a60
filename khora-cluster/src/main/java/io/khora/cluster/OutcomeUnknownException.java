package io.khora.cluster;

import io.khora.SpaceException;

/**
 * An operation was proposed to the log but its outcome is unknown: it did not commit within the
 * operation timeout, or the leader lost its leadership while it was in flight. It may still be
 * applied (if a majority had stored it, the next leader commits it) or never be. Retrying is safe
 * only for idempotent operations (a write of the same values) until operations carry a client id
 * and call id that the state machine deduplicates.
 */
public class OutcomeUnknownException extends SpaceException {
    /** With {@code message} and the underlying {@code cause}. */
    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}

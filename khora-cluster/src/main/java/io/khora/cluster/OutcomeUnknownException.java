package io.khora.cluster;

import io.khora.SpaceException;

/**
 * An operation was proposed to the log but its outcome is unknown: it did not commit within the
 * operation timeout, or the leader lost its leadership while it was in flight. It may still be
 * applied (if a majority had stored it, the next leader commits it) or never be. Retrying is safe
 * for an operation proposed with a {@link CallId}: retried with the same id (at any leader) it is
 * applied at most once and answers the first outcome. Without one, only idempotent operations (a
 * write of the same values) can be retried safely. Also thrown for a call too old to be
 * deduplicated any more (see {@link CallId}).
 */
public class OutcomeUnknownException extends SpaceException {
    /** With {@code message} and the underlying {@code cause}. */
    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.khora.cluster.protocol;

/** The outcome class of a response; the body's layout depends on it. */
public enum Status {
    /** The request succeeded; the body is its result. */
    OK,
    /** The operation failed; the body is an {@code ErrorCode} failure (rebuilt as the original exception). */
    ERROR,
    /**
     * This node does not lead the partition; the body is the leader's node id, or empty if unknown.
     * This attempt did nothing (an earlier attempt of the same call may have been applied); retry
     * elsewhere with the same call sequence.
     */
    NOT_LEADER,
    /**
     * The partition has no leader here right now (election, lost quorum): this attempt did nothing
     * (an earlier attempt of the same call may have been applied). Retry later with the same call
     * sequence.
     */
    NO_LEADER,
    /**
     * A mutation was proposed but its outcome is unknown (the leader was deposed or the proposal
     * timed out); retrying with the same call sequence is safe (the partition deduplicates).
     */
    OUTCOME_UNKNOWN,
    /**
     * The space is not serving here (INITIAL, unknown space, shutting down): this attempt did
     * nothing; the body is the reason. Also the answer to a type declaration refused for that reason.
     */
    UNAVAILABLE,
    /** One event of a subscription (the request id is the SUBSCRIBE's); the body is read with {@link Responses#readEvent}. */
    EVENT,
    /** A subscription ended at the node (the request id is the SUBSCRIBE's); the body is read with {@link Responses#readEnded}. */
    ENDED,
    /**
     * A part of an answer too large for one frame: its body is the next slice of the answer's body;
     * the frame that ends the answer carries its real status and the last slice (see
     * {@link ProtocolCodec#encodeFrames} and {@link AnswerParts}).
     */
    PART;

    private static final Status[] VALUES = values();

    /** The status with ordinal {@code code}. */
    public static Status of(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw new IllegalArgumentException("unknown response status " + code);
        }
        return VALUES[code];
    }
}

package io.khora.internal.wire;

import io.khora.SpaceException;

/**
 * A value cannot be encoded (its class is not supported), or bytes cannot be decoded (truncated,
 * corrupt, an unknown tag, a class or enum constant this JVM does not have). The message says
 * what was expected and, for decoding, at which offset from the start of the input.
 */
public final class WireFormatException extends SpaceException {
    private final int offset;

    /** An encoding error, or a decoding error without a position. */
    public WireFormatException(String message) {
        super(message);
        this.offset = -1;
    }

    /** An encoding error, or a decoding error without a position, with its cause. */
    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
        this.offset = -1;
    }

    /**
     * A decoding error at {@code offset} (from the start of the input); the message gets
     * {@code " at offset N"} appended.
     */
    public WireFormatException(String message, int offset, Throwable cause) {
        super(message + " at offset " + offset, cause);
        this.offset = offset;
    }

    /** The offset from the start of the input where decoding failed, or -1 when not known. */
    public int offset() {
        return offset;
    }
}

package io.khora;

/** The root of every exception a space throws. Unchecked. */
public class SpaceException extends RuntimeException {
    /** With a message. */
    public SpaceException(String message) {
        super(message);
    }

    /** With a message and a cause. */
    public SpaceException(String message, Throwable cause) {
        super(message, cause);
    }
}

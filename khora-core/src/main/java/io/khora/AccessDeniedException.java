package io.khora;


/**
 * An authenticated client asked for something its roles on the space do not allow (a read-only
 * user writing, say); the message names the principal, the space and the role needed. The
 * operation was <b>not applied</b>.
 */
public class AccessDeniedException extends SpaceException {
    /** With {@code message}. */
    public AccessDeniedException(String message) {
        super(message);
    }
}

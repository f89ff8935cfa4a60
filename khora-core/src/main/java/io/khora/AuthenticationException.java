package io.khora;


/**
 * A node refused this client's authentication, or a request came before it: the credentials are
 * wrong, unknown or missing, or the client's address made too many failed attempts. The message
 * says which, and never names a space, a type or a layout. The operation was <b>not applied</b>.
 */
public class AuthenticationException extends SpaceException {
    /** With {@code message}. */
    public AuthenticationException(String message) {
        super(message);
    }
}

package io.khora.persistence;

import io.khora.SpaceException;

/**
 * A write-through operation failed because the synchronization endpoint refused it; the space was
 * left unchanged. The endpoint's exception is the cause.
 */
public class SpacePersistenceException extends SpaceException {
    /** With a message naming the operation and the endpoint's exception. */
    public SpacePersistenceException(String message, Throwable cause) {
        super(message, cause);
    }
}

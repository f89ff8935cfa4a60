package io.khora.hibernate;

import io.khora.SpaceException;

/**
 * The Hibernate endpoint could not persist a batch or a transaction. The database transaction was
 * rolled back, so none of its operations were applied; the message names the failing operation
 * (position, type, entity and id) when it is known, and the database's exception is the cause.
 */
public class HibernateSynchronizationException extends SpaceException {
    /** With a message and the database's exception. */
    public HibernateSynchronizationException(String message, Throwable cause) {
        super(message, cause);
    }
}

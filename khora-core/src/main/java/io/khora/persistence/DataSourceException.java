package io.khora.persistence;

import io.khora.SpaceException;

/** A data source failed: an initial load, a read-through, or an iterator of a parallel load. */
public class DataSourceException extends SpaceException {
    /** With a message and the data source's exception. */
    public DataSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}

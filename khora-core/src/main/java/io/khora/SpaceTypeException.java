package io.khora;

/**
 * An entry, entry type or property is unusable: a class without an id property, an id of the
 * wrong type, a null entry, an unknown type name. The message names the type and property.
 */
public class SpaceTypeException extends SpaceException {
    /** With a message naming the type and property. */
    public SpaceTypeException(String message) {
        super(message);
    }

    /** With a message and a cause. */
    public SpaceTypeException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.khora;

/** The space was closed before or while the operation ran. */
public class SpaceClosedException extends SpaceException {
    /** For the named space. */
    public SpaceClosedException(String spaceName) {
        super("space '" + spaceName + "' is closed");
    }
}

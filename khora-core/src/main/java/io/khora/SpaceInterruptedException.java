package io.khora;

/** The calling thread was interrupted while it waited; its waiter was removed. The interrupt flag is set again. */
public class SpaceInterruptedException extends SpaceException {
    /** With the interrupted exception as cause. */
    public SpaceInterruptedException(String message, InterruptedException cause) {
        super(message, cause);
    }
}

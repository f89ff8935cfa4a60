package io.khora;

/** An operation waited the configured space wait and the space was still not {@link SpaceState#READY}. */
public class SpaceNotReadyException extends SpaceException {
    private final SpaceState state;

    /** For a space found in {@code state}. */
    public SpaceNotReadyException(String spaceName, SpaceState state, String detail) {
        super("space '" + spaceName + "' is " + state + ", not READY" + (detail == null ? "" : ": " + detail));
        this.state = state;
    }

    /** The state the space was in when the operation gave up. */
    public SpaceState state() {
        return state;
    }
}

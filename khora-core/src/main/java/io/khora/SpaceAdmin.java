package io.khora;

/** Operator controls of a space's life cycle. */
public interface SpaceAdmin {
    /** READY → SUSPENDED: operations wait (up to the space wait) until {@link #resume()}. */
    void suspend();

    /** SUSPENDED or RECOVER → READY. */
    void resume();
}

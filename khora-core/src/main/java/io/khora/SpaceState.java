package io.khora;

/**
 * The life-cycle state of a space (or of one partition). Operations run only in {@link #READY};
 * in any other state they wait up to the configured space wait, then fail with
 * {@link SpaceNotReadyException}. The codes are those of ActiveSpaces.
 */
public enum SpaceState {
    /** Defined, waiting for its seeders (cluster) or for {@code start()}. */
    INITIAL(0),
    /** The data source's initial load is running. */
    LOADING(1),
    /** Serving operations. */
    READY(2),
    /** Operations are held: suspended by an operator, or all persisters are lost. */
    SUSPENDED(3),
    /** Some data may be missing (a partition lost its quorum); waits for recovery. */
    RECOVER(4),
    /** Unusable: the initial load failed or an internal error occurred. */
    INVALID(100);

    private final int code;

    SpaceState(int code) {
        this.code = code;
    }

    /** The numeric state code (INITIAL=0 … RECOVER=4, INVALID=100). */
    public int code() {
        return code;
    }
}

package io.khora.cluster.client;

import io.khora.internal.lifecycle.Backoff;

/**
 * How long a call waits before its next attempt after a node answered "not the leader", "no leader"
 * or nothing: 5 ms doubling to 100 ms for the first {@link #EAGER_RETRIES} retries (about 0.65 s, the
 * span of an election after a leader left or crashed — so a client finds the new leader within 100 ms
 * of it serving), then 250 ms (a longer outage, a partition without a majority, costs the nodes four
 * attempts a second per waiting call, not ten). A few milliseconds of jitter are added by the caller.
 */
final class RetryBackoff {
    /** How many retries wait at most {@link #EAGER_CAP_MILLIS}. */
    static final int EAGER_RETRIES = 10;
    static final long EAGER_CAP_MILLIS = 100;
    static final long CAP_MILLIS = 250;

    private RetryBackoff() {
    }

    private static final Backoff EAGER = new Backoff(5, EAGER_CAP_MILLIS);
    private static final Backoff PATIENT = new Backoff(5, CAP_MILLIS);

    /** The delay before retry number {@code retry} (0 for the first): 5 ms doubling, capped by the stage. */
    static long delayMillis(int retry) {
        return (retry < EAGER_RETRIES ? EAGER : PATIENT).ceiling(retry);
    }
}

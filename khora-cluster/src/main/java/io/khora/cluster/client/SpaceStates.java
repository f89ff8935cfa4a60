package io.khora.cluster.client;

import io.khora.SpaceState;

/** How the nodes' answers about a space make its state (see {@link ClusterClient#state()}). */
final class SpaceStates {
    /** How long a partition may be between leaders and still count as led: a transfer or a quick election, not an outage. */
    static final long LEADERLESS_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final java.util.function.LongSupplier nanoTime;
    private final long[] lastLed;
    private final boolean[] everLed;

    /** Remembers, per partition of a space of {@code partitions}, when some node last named its leader. */
    SpaceStates(int partitions, java.util.function.LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastLed = new long[partitions];
        this.everLed = new boolean[partitions];
    }

    /**
     * {@link #merged}, where a partition no answering node names a leader for still counts as led if
     * one was named within {@link #LEADERLESS_GRACE_NANOS}: a leadership handed over (a graceful stop,
     * the leader balancer) or a quick election must not make a readiness probe flap. An outage longer
     * than that is RECOVER.
     */
    synchronized SpaceState observe(int started, int initial, boolean[] led) {
        long now = nanoTime.getAsLong();
        boolean[] counted = led.clone();
        for (int p = 0; p < led.length && p < lastLed.length; p++) {
            if (led[p]) {
                lastLed[p] = now;
                everLed[p] = true;
            } else if (everLed[p] && now - lastLed[p] < LEADERLESS_GRACE_NANOS) {
                counted[p] = true;
            }
        }
        return merged(started, initial, counted);
    }

    /**
     * @param started how many nodes answered with the space started (min-seeders reached there)
     * @param initial how many nodes answered that the space is INITIAL there
     * @param led per partition, whether some answering node names its leader
     * @return READY when every partition has a leader; INITIAL when no answering node has started the
     *         space; else RECOVER (also when no node answered)
     */
    static SpaceState merged(int started, int initial, boolean[] led) {
        if (started == 0) {
            return initial > 0 ? SpaceState.INITIAL : SpaceState.RECOVER;
        }
        for (boolean b : led) {
            if (!b) {
                return SpaceState.RECOVER;
            }
        }
        return SpaceState.READY;
    }
}

package io.khora.cluster.client;

import io.khora.SpaceState;

/** How the nodes' answers about a space make its state (see {@link ClusterClient#state()}). */
final class SpaceStates {
    private SpaceStates() {
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

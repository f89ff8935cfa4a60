package io.khora.bench.cluster;

import java.time.Duration;
import java.util.List;

/**
 * A contestant's client, as the load threads use it: the three operations on {@link Payload}
 * entries by id, each synchronous (the calling thread waits for the cluster's answer). One store
 * is shared by all load threads, as an application shares its client.
 */
interface RemoteStore extends AutoCloseable {

    /** Writes {@code p} (a new id); returns once the cluster acknowledged it. */
    void write(Payload p);

    /** Reads the entry of {@code id} with the client's default consistency (Khora's: linearizable); true if it was there. */
    boolean read(long id);

    /** Whether this client also has a leader-local read ({@link #readLeaderLocal}), one that skips the leader's confirmation. */
    default boolean hasLeaderLocalReads() {
        return false;
    }

    /**
     * Reads the entry of {@code id} from its partition leader's state without that leader confirming that it still leads (Khora's
     * {@code reads=leader-local}); true if it was there.
     *
     * @throws UnsupportedOperationException if {@link #hasLeaderLocalReads()} is false
     */
    default boolean readLeaderLocal(long id) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no leader-local read");
    }

    /** Removes the entry of {@code id} and returns whether it was there (the entry itself comes back to the client). */
    boolean take(long id);

    @Override
    void close();

    /**
     * The client of {@code contestant} ({@link ClusterFamily#KHORA_TLS}, {@link ClusterFamily#KHORA_PLAIN} or
     * {@link ClusterFamily#HAZELCAST}), connected and ready; {@code options} as {@link NodeCluster#clientOptions()} gives them.
     */
    static RemoteStore open(String contestant, List<String> addresses, String options, Duration timeout) {
        return switch (contestant) {
            case ClusterFamily.KHORA_TLS, ClusterFamily.KHORA_PLAIN -> KhoraRemoteStore.connect(addresses, options, timeout);
            case ClusterFamily.HAZELCAST -> HazelcastRemoteStore.connect(addresses, options);
            default -> throw new IllegalArgumentException("unknown contestant '" + contestant + "'");
        };
    }

    /**
     * As {@link #open}, a client whose {@link #read} goes through a near cache of at most {@code entries} entries (empty at first):
     * Khora's {@code near-cache=true}, Hazelcast's client near cache.
     */
    static RemoteStore openNearCached(String contestant, List<String> addresses, String options, Duration timeout, int entries) {
        return switch (contestant) {
            case ClusterFamily.KHORA_TLS, ClusterFamily.KHORA_PLAIN -> KhoraRemoteStore.connectNearCached(addresses, options, timeout, entries);
            case ClusterFamily.HAZELCAST -> HazelcastRemoteStore.connectNearCached(addresses, options, entries);
            default -> throw new IllegalArgumentException("unknown contestant '" + contestant + "'");
        };
    }
}

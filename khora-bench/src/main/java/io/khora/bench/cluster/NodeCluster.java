package io.khora.bench.cluster;

import java.util.List;

/** A contestant's three nodes, running as child JVMs, as the family and the client probe need them. */
interface NodeCluster extends AutoCloseable {

    /** The contestant ({@link ClusterFamily#KHORA_TLS}, {@link ClusterFamily#KHORA_PLAIN} or {@link ClusterFamily#HAZELCAST}). */
    String contestant();

    /** What a client needs besides the addresses: Hazelcast's cluster name; Khora's URI options (its security). */
    String clientOptions();

    /** The nodes' client addresses, host:port. */
    List<String> addresses();

    /** The nodes' process ids. */
    List<Long> pids();

    /** Fails with a node's output if one has died. */
    void checkAlive() throws java.io.IOException;

    /** Stops every node (SIGTERM, then SIGKILL). */
    @Override
    void close();
}

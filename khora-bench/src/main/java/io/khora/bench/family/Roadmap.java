package io.khora.bench.family;

import java.util.List;

/**
 * The families the issue asks for that cannot be measured yet, with the reason. The report lists
 * those whose id no loaded {@link BenchmarkFamily} has; when a family lands, its class takes the
 * id and the line disappears from the report by itself.
 */
public final class Roadmap {
    /**
     * A family on the roadmap.
     *
     * @param id the id its {@link BenchmarkFamily} will have
     * @param what what it will measure
     * @param why why it is not measured yet
     */
    public record Pending(String id, String what, String why) {
    }

    /** Every family of the issue beyond the local ones. */
    public static final List<Pending> PENDING = List.of(
            new Pending("persistence",
                    "Initial load of 1M rows from PostgreSQL into 1 and 4 partitions vs a plain JDBC streaming SELECT (the limit) and "
                            + "Hazelcast MapLoader EAGER; write-behind rows/s vs a plain JDBC batch insert",
                    "the persistence SPI (SpaceDataSource, SpaceSynchronizationEndpoint) and khora-hibernate are still being built "
                            + "under the open persistence and write-behind issues (3 and 4); this family (an embedded PostgreSQL, the JDBC "
                            + "limits and Hazelcast's MapLoader beside Khora's initial load and write-behind) is added as its own "
                            + "BenchmarkFamily when those land"),
            new Pending("cluster",
                    "3 nodes on loopback: remote write / readById / take throughput and p99 vs a 3-member Hazelcast cluster with "
                            + "backup-count 1",
                    "khora-cluster so far replicates a partition with jgroups-raft inside one process; there are no server nodes "
                            + "and no remote client (Spaces.connect) yet (open issue 7), so there is no remote operation to measure"));

    private Roadmap() {
    }
}

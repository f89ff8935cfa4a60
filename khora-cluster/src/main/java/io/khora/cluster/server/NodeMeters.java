package io.khora.cluster.server;

import io.khora.cluster.replica.ReplicatedPartition;
import io.khora.cluster.raft.ReplicatedOutbox;
import io.khora.metrics.MeterRegistrar;
import io.khora.metrics.MeterSource;

import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A node's meters, per replica it hosts (tags {@code node}, {@code space}, {@code partition}); each
 * reads NaN while its replica is not started:
 * <ul>
 * <li>{@code khora.raft.term}, {@code khora.raft.commit.index}, {@code khora.raft.last.appended};</li>
 * <li>{@code khora.raft.leader} — 1 while this replica leads its partition, else 0;</li>
 * <li>{@code khora.replica.lag} — at the leader, how many log entries its furthest-behind follower
 * lacks (0 at a follower);</li>
 * <li>{@code khora.partition.state} — the replica's {@link io.khora.SpaceState} code (2 is READY, 4 RECOVER);</li>
 * <li>{@code khora.waiters} — reads and takes parked at this replica;</li>
 * <li>{@code khora.outbox.backlog} and {@code khora.outbox.capacity} — write-behind records not yet
 * acknowledged by the mirror, and the most the outbox holds (write-behind spaces only);</li>
 * <li>{@code khora.leases.expired} and {@code khora.lru.evicted} — counters of entries removed by
 * lease expiry and by the LRU bound.</li>
 * </ul>
 * And {@code khora.node.members}: the nodes in this node's membership view.
 */
final class NodeMeters implements MeterSource {
    private final String nodeId;
    private final Collection<HostedSpace> spaces;
    private final Supplier<Integer> members;

    NodeMeters(String nodeId, Collection<HostedSpace> spaces, Supplier<Integer> members) {
        this.nodeId = nodeId;
        this.spaces = spaces;
        this.members = members;
    }

    @Override
    public void declareTo(MeterRegistrar r) {
        r.gauge("khora.node.members", "nodes in this node's membership view", Map.of("node", nodeId), () -> members.get());
        for (HostedSpace s : spaces) {
            for (int p = 0; p < s.spec().partitions(); p++) {
                if (s.hosts(p)) {
                    declare(r, s, p);
                }
            }
        }
    }

    private void declare(MeterRegistrar r, HostedSpace s, int p) {
        Map<String, String> tags = Map.of("node", nodeId, "space", s.spec().name(), "partition", Integer.toString(p));
        r.gauge("khora.raft.term", "the replica's Raft term", tags, read(s, p, ReplicatedPartition::term));
        r.gauge("khora.raft.commit.index", "the replica's Raft commit index", tags, read(s, p, ReplicatedPartition::commitIndex));
        r.gauge("khora.raft.last.appended", "the index of the last entry in the replica's log", tags,
                read(s, p, ReplicatedPartition::lastAppended));
        r.gauge("khora.raft.leader", "1 while this replica leads its partition", tags, read(s, p, x -> x.isLeader() ? 1 : 0));
        r.gauge("khora.replica.lag", "at the leader, the log entries its furthest-behind follower lacks", tags,
                read(s, p, NodeMeters::lag));
        r.gauge("khora.partition.state", "the replica's state code: 0 INITIAL, 1 LOADING, 2 READY, 3 SUSPENDED, 4 RECOVER, 100 INVALID",
                tags, read(s, p, x -> x.state().code()));
        r.gauge("khora.waiters", "reads and takes parked at this replica", tags, read(s, p, ReplicatedPartition::parkedWaits));
        if (s.spec().writeBehind() != null) {
            r.gauge("khora.outbox.backlog", "write-behind records the mirror has not acknowledged", tags,
                    read(s, p, x -> outbox(x, ReplicatedOutbox::size)));
            r.gauge("khora.outbox.capacity", "the most write-behind records the outbox holds", tags,
                    read(s, p, x -> outbox(x, ReplicatedOutbox::capacity)));
        }
        r.counter("khora.leases.expired", "entries removed because their lease expired", tags,
                read(s, p, x -> x.stateMachine().engine().expiredCount()));
        r.counter("khora.lru.evicted", "entries evicted to keep within the most entries (LRU)", tags,
                read(s, p, x -> x.stateMachine().engine().evictedCount()));
    }

    private static java.util.function.DoubleSupplier read(HostedSpace s, int p, ToDoubleFunction<ReplicatedPartition> f) {
        return () -> {
            ReplicatedPartition r = s.replica(p);
            return r == null ? Double.NaN : f.applyAsDouble(r);
        };
    }

    /** How many entries the furthest-behind follower lacks, at the leader; 0 elsewhere. */
    static double lag(ReplicatedPartition r) {
        Map<String, Long> followers = r.followerMatchIndexes();
        long last = r.lastAppended();
        long worst = 0;
        for (long match : followers.values()) {
            worst = Math.max(worst, last - match);
        }
        return worst;
    }

    private static double outbox(ReplicatedPartition r, ToDoubleFunction<ReplicatedOutbox> f) {
        ReplicatedOutbox o = r.outbox();
        return o == null ? Double.NaN : f.applyAsDouble(o);
    }
}

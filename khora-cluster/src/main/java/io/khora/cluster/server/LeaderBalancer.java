package io.khora.cluster.server;

import io.khora.cluster.replica.ReplicatedPartition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Moves leaderships back to their preferred nodes, one at a time: after a node restarts, the
 * partitions it led are led elsewhere (all four once sat on one node), and nothing in jgroups-raft
 * moves them back.
 *
 * <p>Each {@link #run} (on the node's timer) looks at the partitions this node leads whose preferred
 * leader — the first replica of the placement, which spreads leaders over the nodes — is another
 * node that is up (in the membership view) and whose replica has every committed entry (its match
 * index reaches the commit index). It hands the first such partition to that node
 * ({@link ReplicatedPartition#transferLeadership}); at most one per run, and a partition is tried
 * again only after {@link #RETRY_NANOS}, so a transfer that elected someone else (the preferred
 * replica fell behind during the vote) is not retried in a tight loop. Clients see the partition's
 * leader change as after any election: mutations in flight end with an unknown outcome and are
 * retried under their call ids.
 */
final class LeaderBalancer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderBalancer.class);
    /** How long a partition is left alone after a transfer was asked for. */
    static final long RETRY_NANOS = 30_000_000_000L;

    private final String nodeId;
    private final Map<String, HostedSpace> spaces;
    private final Placement placement;
    private final Supplier<List<String>> membersUp;
    private final LongSupplier nanoTime;
    private final Map<String, Long> lastAttempt = new HashMap<>();

    LeaderBalancer(String nodeId, Map<String, HostedSpace> spaces, Placement placement, Supplier<List<String>> membersUp,
                   LongSupplier nanoTime) {
        this.nodeId = nodeId;
        this.spaces = spaces;
        this.placement = placement;
        this.membersUp = membersUp;
        this.nanoTime = nanoTime;
    }

    @Override
    public void run() {
        try {
            balanceOnce();
        } catch (RuntimeException e) {
            LOG.warn("node {}: leader balancing failed", nodeId, e);
        }
    }

    /** Hands at most one partition to its preferred leader; returns whether it asked for a transfer. */
    boolean balanceOnce() {
        List<String> up = membersUp.get();
        long now = nanoTime.getAsLong();
        for (HostedSpace s : spaces.values()) {
            String space = s.spec().name();
            for (int p = 0; p < s.spec().partitions(); p++) {
                ReplicatedPartition r = s.replica(p);
                if (r == null || !r.isLeader()) {
                    continue;
                }
                String preferred = placement.replicas(space, p).get(0);
                if (preferred.equals(nodeId) || !up.contains(preferred)) {
                    continue;
                }
                Long match = r.followerMatchIndexes().get(preferred);
                if (match == null || match < r.commitIndex()) {
                    continue;
                }
                String key = space + "/" + p;
                Long last = lastAttempt.get(key);
                if (last != null && now - last < RETRY_NANOS) {
                    continue;
                }
                lastAttempt.put(key, now);
                if (r.transferLeadership(preferred)) {
                    LOG.info("node {}: space '{}' partition {} handed to its preferred leader {}", nodeId, space, p, preferred);
                    return true;
                }
            }
        }
        return false;
    }
}

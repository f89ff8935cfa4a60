package io.khora.server;

import io.khora.SpaceState;
import io.khora.cluster.protocol.NodeStatus;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the other nodes see of a stopping node's partitions while it stops (SIGTERM): polled from
 * their status, per partition the node led, the last time one of them still named it leader and
 * the first time a majority of the replicas named one of themselves — a hand-off. Between the two
 * the partition had no leader as far as anyone could tell: {@link Partition#leaderlessAtMostMillis}
 * is that span, an upper bound (the poll's own time included). Thread-safe: one thread observes
 * ({@link #run}), any reads.
 */
final class HandOffWatch implements Runnable {
    /** A poll of the others every this many ms. */
    static final long POLL_MILLIS = 25;

    /**
     * One partition the stopping node led.
     *
     * @param partition the partition
     * @param lastNamedVictimNanos when the last poll that found the stopping node named leader began
     * @param ledAgainNanos when the first poll that found another leader ended; -1 not (yet)
     * @param newLeader that leader, or null
     */
    record Partition(int partition, long lastNamedVictimNanos, long ledAgainNanos, String newLeader) {
        boolean ledAgain() {
            return ledAgainNanos >= 0;
        }

        /** How long, at most, no leader was named: from the last poll that named the stopping node to the first that named another. */
        long leaderlessAtMostMillis() {
            return ledAgain() ? TimeUnit.NANOSECONDS.toMillis(ledAgainNanos - lastNamedVictimNanos) : -1;
        }
    }

    private final String space;
    private final String victim;
    private final int majority;
    private final Supplier<List<NodeStatus>> others;
    private final Map<Integer, Partition> partitions = new TreeMap<>();
    private volatile boolean stop;
    private int polls;

    /**
     * @param space the space
     * @param victim the stopping node
     * @param led the partitions it led when it was told to stop
     * @param replicas replicas per partition (a leader must be named by a majority of them)
     * @param startNanos when it was told to stop (it led them then)
     * @param others the status of every other node that answers (asked anew at each call)
     */
    HandOffWatch(String space, String victim, Set<Integer> led, int replicas, long startNanos, Supplier<List<NodeStatus>> others) {
        this.space = space;
        this.victim = victim;
        this.majority = replicas / 2 + 1;
        this.others = others;
        for (int p : led) {
            partitions.put(p, new Partition(p, startNanos, -1, null));
        }
    }

    /** Polls every {@link #POLL_MILLIS} until every partition is led again or {@link #stop} is called. */
    @Override
    public void run() {
        while (!stop && !allLedAgain()) {
            long asked = System.nanoTime();
            List<NodeStatus> answers = others.get();
            observe(asked, System.nanoTime(), answers);
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void stop() {
        stop = true;
    }

    /** One poll, begun at {@code askedNanos} and answered at {@code answeredNanos}: what the other nodes say. */
    synchronized void observe(long askedNanos, long answeredNanos, List<NodeStatus> answers) {
        polls++;
        for (Partition p : List.copyOf(partitions.values())) {
            if (p.ledAgain()) {
                continue;
            }
            Map<String, Integer> named = new TreeMap<>();
            Map<String, Boolean> claims = new TreeMap<>();
            for (NodeStatus s : answers) {
                for (NodeStatus.ReplicaStatus r : s.replicas()) {
                    if (r.space().equals(space) && r.partition() == p.partition() && r.leader() != null) {
                        named.merge(r.leader(), 1, Integer::sum);
                        if (r.leader().equals(s.nodeId()) && r.state() == SpaceState.READY) {
                            claims.put(s.nodeId(), true);
                        }
                    }
                }
            }
            String leader = claims.keySet().stream().filter(c -> !c.equals(victim) && named.getOrDefault(c, 0) >= majority).findFirst()
                    .orElse(null);
            if (leader != null) {
                partitions.put(p.partition(), new Partition(p.partition(), p.lastNamedVictimNanos(), answeredNanos, leader));
            } else if (named.containsKey(victim)) {
                partitions.put(p.partition(), new Partition(p.partition(), askedNanos, -1, null));
            }
        }
    }

    synchronized boolean allLedAgain() {
        return partitions.values().stream().allMatch(Partition::ledAgain);
    }

    synchronized List<Partition> partitions() {
        return List.copyOf(partitions.values());
    }

    synchronized int polls() {
        return polls;
    }
}

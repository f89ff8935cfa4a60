package io.khora.cluster.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Heals a Raft group whose view stays split although its nodes can talk: the replica on the smaller
 * side leaves its group and joins it again.
 *
 * <p>JGroups' MERGE3 merges split views of a group once its members can reach each other, and nearly
 * always does. Under TLS it sometimes did not: after repeated pauses, a replica stayed alone in a view
 * of its own (no leader, a higher term) for minutes while its node was in the membership channel's
 * view with the other replicas' nodes the whole time (ChaosIT, 2 of 35 secured runs). A restart of the
 * node healed it. This watchdog does that restart for one replica only, and only where it is safe and
 * needed: each {@link #run} (on the node's timer) looks at every replica here, and one
 *
 * <ul>
 * <li>whose group view lacks a replica whose node is in the membership view,
 * <li>that knows no leader (a replica that follows or leads is left alone), and
 * <li>that is on the smaller side of the split ({@link #smallerSide}),
 * </ul>
 *
 * <p>for longer than the grace period (two MERGE3 intervals by default, so MERGE3 had its chances
 * first) is re-joined: closed and started again from its log, exactly as a restarted node would start
 * it — so Raft's safety is the one it has across crashes. A replica that keeps meeting the condition
 * (say its peers' replicas cannot start) is re-joined again after twice the grace, then four times, up
 * to eight times; the count starts over once its view is whole.
 */
final class SplitViewWatchdog implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SplitViewWatchdog.class);
    /** The longest wait between two re-joins of one replica, in graces. */
    static final int MAX_BACKOFF = 8;

    /** One replica as the watchdog sees it. */
    interface Watched {
        /** Identifies the replica across runs (space and partition). */
        String key();

        /** The node ids of the partition's replicas (its placement). */
        List<String> replicaNodes();

        /** The node ids in the replica's current group view. */
        List<String> groupView();

        /** Whether the replica knows a leader (itself or another). */
        boolean knowsLeader();

        /** Closes the replica and starts it again from its log. */
        void rejoin();
    }

    private final String nodeId;
    private final Supplier<List<String>> membersUp;
    private final Supplier<? extends Collection<? extends Watched>> replicas;
    private final long graceNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Long> splitSince = new HashMap<>();
    private final Map<String, Integer> backoff = new HashMap<>();

    SplitViewWatchdog(String nodeId, Supplier<List<String>> membersUp, Supplier<? extends Collection<? extends Watched>> replicas,
                      Duration grace, LongSupplier nanoTime) {
        if (grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("split-view grace must be positive: " + grace);
        }
        this.nodeId = nodeId;
        this.membersUp = membersUp;
        this.replicas = replicas;
        this.graceNanos = grace.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public void run() {
        try {
            checkOnce();
        } catch (RuntimeException e) {
            LOG.warn("node {}: the split-view check failed", nodeId, e);
        }
    }

    /** Looks at every replica once; returns the keys of those it re-joined. */
    synchronized List<String> checkOnce() {
        List<String> up = membersUp.get();
        long now = nanoTime.getAsLong();
        List<String> rejoined = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Watched w : replicas.get()) {
            String key = w.key();
            seen.add(key);
            List<String> view = w.groupView();
            if (view.isEmpty()) { // not connected (starting or closing)
                continue;
            }
            List<String> missing = missing(w.replicaNodes(), up, view);
            if (missing.isEmpty()) {
                splitSince.remove(key);
                backoff.remove(key);
                continue;
            }
            if (w.knowsLeader() || !smallerSide(view, missing)) {
                splitSince.remove(key);
                continue;
            }
            Long since = splitSince.putIfAbsent(key, now);
            int times = backoff.getOrDefault(key, 1);
            if (since == null || now - since < graceNanos * times) {
                continue;
            }
            LOG.warn("node {}: {}: the group view {} has lacked {} (up in the membership view) with no leader for {} ms;"
                            + " re-joining the group (the replica restarts from its log)", nodeId, key, view, missing,
                    (now - since) / 1_000_000);
            splitSince.remove(key);
            backoff.put(key, Math.min(MAX_BACKOFF, times * 2));
            w.rejoin();
            rejoined.add(key);
        }
        splitSince.keySet().retainAll(seen);
        backoff.keySet().retainAll(seen);
        return rejoined;
    }

    /** The replicas' nodes that are up (in the membership view) yet not in the group view. */
    static List<String> missing(List<String> replicaNodes, List<String> up, List<String> view) {
        List<String> out = new ArrayList<>();
        for (String n : replicaNodes) {
            if (up.contains(n) && !view.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Whether the side of a split whose view is {@code view} should re-join, the others being
     * {@code missing}: the smaller side does; of two sides of one size, the side without the lowest
     * node id. (The others may themselves sit in several views; each side that counts itself smaller
     * re-joins, and joining is what merges them.)
     */
    static boolean smallerSide(List<String> view, List<String> missing) {
        if (view.size() != missing.size()) {
            return view.size() < missing.size();
        }
        TreeSet<String> all = new TreeSet<>(view);
        all.addAll(missing);
        return !view.contains(all.first());
    }
}

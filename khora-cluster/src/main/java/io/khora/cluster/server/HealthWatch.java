package io.khora.cluster.server;

import io.khora.SpaceState;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Watches a node's replicas and logs, at WARN, when one of them starts to be in trouble, and at INFO
 * when it is out of it again (one line per change, not one per check):
 * <ul>
 * <li>{@link Trouble#NO_LEADER} — the replica knows no serving leader: its partition lost its quorum
 * (or is electing), writes and linearizable reads fail;</li>
 * <li>{@link Trouble#UNDER_REPLICATED} — at the leader, fewer replicas than the space's replicas are
 * in the partition's group: one more failure may lose the quorum;</li>
 * <li>{@link Trouble#BACKLOG} — at the leader, the write-behind outbox is {@value #BACKLOG_WARN_PERCENT}%
 * full or more: the mirror is not keeping up (or not running), and writes block once it is full.</li>
 * </ul>
 * Run by the node's timer every {@link KhoraNode#HEALTH_CHECK_INTERVAL_MILLIS} ms.
 */
final class HealthWatch implements Runnable {
    /** The outbox fill, in percent of its capacity, at which {@link Trouble#BACKLOG} begins. */
    static final int BACKLOG_WARN_PERCENT = 80;

    /** What can be wrong with a replica. */
    enum Trouble { NO_LEADER, UNDER_REPLICATED, BACKLOG }

    /**
     * One replica as the check sees it.
     *
     * @param state its state (RECOVER: no serving leader known)
     * @param leader whether it leads
     * @param inView replicas of the partition in its group's view
     * @param replicas the space's replicas per partition
     * @param backlog write-behind records not yet acknowledged (0 without write-behind)
     * @param capacity the outbox's capacity (0 without write-behind)
     */
    record Sample(String space, int partition, SpaceState state, boolean leader, int inView, int replicas, long backlog, long capacity) {
        Set<Trouble> troubles() {
            Set<Trouble> t = EnumSet.noneOf(Trouble.class);
            if (state == SpaceState.RECOVER) {
                t.add(Trouble.NO_LEADER);
            }
            if (leader && inView < replicas) {
                t.add(Trouble.UNDER_REPLICATED);
            }
            if (leader && capacity > 0 && backlog * 100 >= capacity * BACKLOG_WARN_PERCENT) {
                t.add(Trouble.BACKLOG);
            }
            return t;
        }
    }

    private final String nodeId;
    private final Supplier<List<Sample>> samples;
    private final Consumer<String> warn;
    private final Consumer<String> info;
    private final Map<String, Set<Trouble>> last = new HashMap<>();

    HealthWatch(String nodeId, Supplier<List<Sample>> samples, Consumer<String> warn, Consumer<String> info) {
        this.nodeId = nodeId;
        this.samples = samples;
        this.warn = warn;
        this.info = info;
    }

    @Override
    public synchronized void run() {
        for (Sample s : samples.get()) {
            String where = "node " + nodeId + ": space '" + s.space() + "' partition " + s.partition();
            Set<Trouble> now = s.troubles();
            Set<Trouble> before = last.getOrDefault(s.space() + "/" + s.partition(), EnumSet.noneOf(Trouble.class));
            for (Trouble t : now) {
                if (!before.contains(t)) {
                    warn.accept(where + ": " + describe(t, s));
                }
            }
            for (Trouble t : before) {
                if (!now.contains(t)) {
                    info.accept(where + ": " + recovered(t, s));
                }
            }
            last.put(s.space() + "/" + s.partition(), now);
        }
    }

    private static String describe(Trouble t, Sample s) {
        return switch (t) {
            case NO_LEADER -> "no serving leader known here (RECOVER): the partition lost its quorum or is electing; writes and"
                    + " linearizable reads fail until a majority of its " + s.replicas() + " replicas elect one";
            case UNDER_REPLICATED -> "under-replicated: " + s.inView() + " of " + s.replicas() + " replicas in its group; one more"
                    + " failure may lose its quorum";
            case BACKLOG -> "the write-behind outbox holds " + s.backlog() + " of at most " + s.capacity() + " records ("
                    + BACKLOG_WARN_PERCENT + "% or more): is the mirror running and keeping up? Writes wait once it is full";
        };
    }

    private static String recovered(Trouble t, Sample s) {
        return switch (t) {
            case NO_LEADER -> "a serving leader is known again";
            case UNDER_REPLICATED -> s.inView() + " of " + s.replicas() + " replicas in its group again";
            case BACKLOG -> "the write-behind outbox is below " + BACKLOG_WARN_PERCENT + "% again (" + s.backlog() + " records)";
        };
    }
}

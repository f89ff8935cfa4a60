package io.khora.cluster.raft;

import io.khora.Ticker;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The time a leader writes into the commands it proposes: the log's time, carried forward by the
 * leader's <em>monotonic</em> clock. When a replica becomes leader it anchors at the log time of
 * the last command it applied and from then on adds the monotonic time elapsed; whenever log time
 * is ahead (commands applied since) it re-anchors there. So time in the log never runs backwards,
 * never jumps with a new leader's wall clock (a skewed clock on one replica cannot expire every
 * lease at fail-over or freeze them), and lease lengths are measured by one clock at a time. The
 * interval between a leader's last command and its successor's first is not counted: leases are
 * extended by the fail-over, never shortened.
 *
 * <p>The wall clock is read only once, when the group's log is empty, so that log time is roughly
 * epoch milliseconds (useful in status displays and logs).
 */
public final class LeaderClock {
    private final LogTicker log;
    private final Ticker monotonic;
    private final LongSupplier wallClock;
    /** null while not anchored; replaced (never mutated), so {@link #now()} needs no lock. */
    private final AtomicReference<Anchor> anchor = new AtomicReference<>();

    private record Anchor(long base, long baseMono) {
    }

    /**
     * @param log the partition's log time
     * @param monotonic this replica's monotonic clock
     * @param wallClock this replica's wall clock in epoch millis (read for an empty log only)
     */
    public LeaderClock(LogTicker log, Ticker monotonic, LongSupplier wallClock) {
        this.log = log;
        this.monotonic = monotonic;
        this.wallClock = wallClock;
    }

    /** Anchors at the current log time; called once this replica, as leader, has applied every earlier command. */
    public void anchor() {
        long lt = log.logTime();
        anchor.set(new Anchor(lt == 0 ? wallClock.getAsLong() : lt, monotonic.millis()));
    }

    /** Forgets the anchor (leadership lost). */
    public void reset() {
        anchor.set(null);
    }

    /** The time to stamp a command with now (log time if not anchored). Lock-free: reads at the leader call it. */
    public long now() {
        long floor = log.logTime();
        Anchor a = anchor.get();
        if (a == null) {
            return floor;
        }
        long mono = monotonic.millis();
        long t = a.base + (mono - a.baseMono);
        if (t < floor) {
            anchor.compareAndSet(a, new Anchor(floor, mono));
            return floor;
        }
        return t;
    }
}

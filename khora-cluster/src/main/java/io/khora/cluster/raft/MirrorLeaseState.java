package io.khora.cluster.raft;

import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;
import io.khora.persistence.MirrorFencedException;

import java.time.Instant;

/**
 * The lease of a partition's write-behind mirror: at most one mirror at a time reads and
 * acknowledges the partition's replicated outbox. Replicated state (part of the
 * {@link ReplicatedOutbox}), changed only by {@link Command.MirrorLease} entries and judged with the
 * entry's log time, so every replica reaches the same decision.
 *
 * <ul>
 *   <li><b>Acquire</b> is granted when no lease holds (never granted, released, or lapsed: its expiry
 *       is not after the entry's time) or the same holder asks again; each grant has a new epoch,
 *       one more than the last, and lasts the asked duration from the entry's time. Otherwise it is
 *       refused with {@link MirrorFencedException} naming the holder and when its lease lapses.</li>
 *   <li><b>Renew</b> extends the lease of the current epoch (even once it lapsed: while no one else
 *       took it, the epoch still fences everyone else); a renewal of another epoch is refused.</li>
 *   <li><b>Release</b> ends the lease of the current epoch at once (a later acquire needs no wait);
 *       of another epoch it changes nothing.</li>
 *   <li>Pulls and acknowledgements must carry the current epoch ({@link #check}). An acknowledgement
 *       of epoch 0 (in a log written by a version without leases) is applied only while no lease was
 *       ever granted.</li>
 * </ul>
 * The epoch is the fencing token a mirror hands its data store with every batch, so a store that
 * keeps it refuses a late batch of a mirror whose lease was taken over.
 *
 * <p>Not thread-safe: the owning outbox guards it with its monitor.
 */
public final class MirrorLeaseState {
    /** The longest lease a mirror may ask for. */
    public static final long MAX_DURATION_MILLIS = 600_000L;

    /** What a lease command answers: the lease's epoch and when it lapses (log time; 0 if released). */
    public record Grant(long epoch, long expiresAt) {
    }

    private final String spaceName;
    private final int partitionId;
    /** The current holder, or null (never granted or released). */
    private String holder;
    /** The last epoch granted (0: never). */
    private long epoch;
    /** When the current lease lapses, in log time. */
    private long expiresAt;

    MirrorLeaseState(String spaceName, int partitionId) {
        this.spaceName = spaceName;
        this.partitionId = partitionId;
    }

    /** Applies {@code c} at log time {@code now}. */
    Grant apply(Command.MirrorLease c, long now) {
        return switch (c.kind()) {
            case ACQUIRE -> acquire(c.holder(), c.durationMillis(), now);
            case RENEW -> renew(c.holder(), c.epoch(), c.durationMillis(), now);
            case RELEASE -> release(c.epoch(), now);
        };
    }

    private Grant acquire(String who, long durationMillis, long now) {
        if (holder != null && expiresAt > now && !holder.equals(who)) {
            throw new MirrorFencedException(where() + ": a second mirror is refused: the mirror lease is held by " + holder
                    + " (epoch " + epoch + ") until " + Instant.ofEpochMilli(expiresAt) + " (log time, " + (expiresAt - now)
                    + " ms from now) unless it renews it; stop that mirror (it releases the lease) or wait until its lease lapses",
                    holder, epoch, expiresAt);
        }
        holder = who;
        epoch++;
        expiresAt = now + durationMillis;
        return new Grant(epoch, expiresAt);
    }

    private Grant renew(String who, long leaseEpoch, long durationMillis, long now) {
        if (holder == null || leaseEpoch != epoch || !holder.equals(who)) {
            throw fenced(leaseEpoch, "renew its lease", now);
        }
        expiresAt = Math.max(expiresAt, now + durationMillis);
        return new Grant(epoch, expiresAt);
    }

    private Grant release(long leaseEpoch, long now) {
        if (holder != null && leaseEpoch == epoch) {
            holder = null;
            expiresAt = 0;
        }
        return new Grant(epoch, expiresAt);
    }

    /**
     * Refuses, with {@link MirrorFencedException}, a mirror of epoch {@code leaseEpoch} that wants to
     * {@code action} unless it holds the current lease; epoch 0 ({@code legacy}: an acknowledgement of
     * a version without leases) passes only while no lease was ever granted.
     */
    void check(long leaseEpoch, String action, long now, boolean legacy) {
        boolean ok = leaseEpoch == 0 ? legacy && epoch == 0 : holder != null && leaseEpoch == epoch;
        if (!ok) {
            throw fenced(leaseEpoch, action, now);
        }
    }

    private MirrorFencedException fenced(long leaseEpoch, String action, long now) {
        String mine = leaseEpoch == 0 ? "a mirror without a lease" : "the mirror of lease epoch " + leaseEpoch;
        String why;
        if (holder == null) {
            why = epoch == 0 ? "no mirror lease was granted yet" : "no mirror holds the lease (the last one, epoch " + epoch
                    + ", was released)";
        } else if (leaseEpoch == epoch) {
            why = "the lease is held by " + holder;
        } else {
            why = "the lease was taken over by " + holder + " (epoch " + epoch + ") until " + Instant.ofEpochMilli(expiresAt)
                    + " (log time, " + (expiresAt - now) + " ms from now)";
        }
        String next = holder != null && leaseEpoch != 0 && leaseEpoch != epoch ? "; this mirror must stop"
                : "; acquire the lease first";
        return new MirrorFencedException(where() + ": " + mine + " may not " + action + ": " + why + next,
                holder, holder == null ? 0 : epoch, holder == null ? 0 : expiresAt);
    }

    private String where() {
        return "space '" + spaceName + "' partition " + (partitionId + 1);
    }

    /** The holder, or null. */
    String holder() {
        return holder;
    }

    /** The last epoch granted (0: never). */
    long epoch() {
        return epoch;
    }

    /** When the current lease lapses (log time). */
    long expiresAt() {
        return expiresAt;
    }

    void writeTo(WireOutput w) {
        w.writeValue(holder);
        w.writeVarLong(epoch);
        w.writeSignedVarLong(expiresAt);
    }

    void readFrom(WireInput r) {
        holder = (String) r.readValue();
        epoch = r.readVarLong();
        expiresAt = r.readSignedVarLong();
    }

    void clear() {
        holder = null;
        epoch = 0;
        expiresAt = 0;
    }
}

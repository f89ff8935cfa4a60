package io.khora.persistence;

import io.khora.SpaceException;

/**
 * A write-behind mirror may not deliver or read a partition's outbox: another mirror holds the
 * partition's mirror lease (a second mirror of a space is refused), or this mirror's lease was taken
 * over (a lease that lapsed while the mirror was paused or cut off), or a data store has already
 * applied a batch of a newer mirror (the batch is a late one of a mirror that lost its lease).
 * Nothing was delivered or acknowledged by the refused call; it is never a dead letter.
 */
public class MirrorFencedException extends SpaceException {
    private final String holder;
    private final long holderEpoch;
    private final long lapsesAt;

    /**
     * @param message what was refused and why, naming the holder and when its lease lapses
     * @param holder the mirror that holds the lease, or null if none (or not known)
     * @param holderEpoch the epoch of the lease that holds (0 if none or not known)
     * @param lapsesAt when that lease lapses, in the partition's log time (epoch milliseconds), or 0
     */
    public MirrorFencedException(String message, String holder, long holderEpoch, long lapsesAt) {
        super(message);
        this.holder = holder;
        this.holderEpoch = holderEpoch;
        this.lapsesAt = lapsesAt;
    }

    /** The mirror that holds the lease, or null if none or not known. */
    public String holder() {
        return holder;
    }

    /** The epoch of the lease that holds: the fencing token, increasing with each mirror that takes over (0 if not known). */
    public long holderEpoch() {
        return holderEpoch;
    }

    /** When the holder's lease lapses unless renewed, in the partition's log time (epoch milliseconds); 0 if not known. */
    public long lapsesAt() {
        return lapsesAt;
    }
}

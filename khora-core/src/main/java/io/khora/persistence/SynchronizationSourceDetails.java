package io.khora.persistence;

/**
 * Where a batch of changes comes from.
 *
 * @param spaceName the space
 * @param partitionId 0-based partition
 * @param durableSequences whether the operations' sequence numbers come from a durable log (the
 *     write-behind outbox) and so keep increasing across restarts; only then may an endpoint use
 *     them to skip what it already applied. Write-through sequences restart with the space.
 * @param logId the identity of the numbering the sequences belong to (the write-behind outbox's log
 *     id, a random UUID of at most 64 characters), or null when the sequences are not durable or the
 *     source has none. Sequences are comparable only within one log id: a partition's outbox that is
 *     created afresh (a new machine, a deleted data directory) numbers from 1 again under a new log
 *     id, so an endpoint that remembers the last sequence it applied must remember it together with
 *     the log id and start over when the log id changes — else it would skip the new outbox's changes
 *     as already applied.
 * @param mirrorEpoch the epoch of the write-behind mirror's lease on the partition (a cluster mirror's
 *     fencing token: it increases with each mirror that takes the partition over), or 0 if the source
 *     has none. An endpoint that keeps it with its checkpoint refuses, with
 *     {@link MirrorFencedException}, a batch of a lower epoch than one it has applied — a late batch
 *     of a mirror that lost its lease — so a replaced mirror cannot overwrite its successor's work.
 */
public record SynchronizationSourceDetails(String spaceName, int partitionId, boolean durableSequences, String logId,
                                           long mirrorEpoch) {
    /** Source details without a mirror epoch ({@link #mirrorEpoch()} 0). */
    public SynchronizationSourceDetails(String spaceName, int partitionId, boolean durableSequences, String logId) {
        this(spaceName, partitionId, durableSequences, logId, 0L);
    }

    /** Source details without a log id ({@link #logId()} null). */
    public SynchronizationSourceDetails(String spaceName, int partitionId, boolean durableSequences) {
        this(spaceName, partitionId, durableSequences, null);
    }

    /** GigaSpaces-style accessor: {@code space.partition} with a 1-based partition. */
    public String getName() {
        return spaceName + "." + (partitionId + 1);
    }
}

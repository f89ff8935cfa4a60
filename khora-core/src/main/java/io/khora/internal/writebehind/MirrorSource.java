package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import io.khora.internal.outbox.RecordReader;
import io.khora.internal.wire.JavaDeserialization;

import java.util.List;

/**
 * What a partition's mirror ({@link MirrorDispatcher}) reads from and acknowledges to: the
 * partition's outbox. Locally that is the on-disk {@link Outbox}; in a cluster it is the outbox kept
 * in the partition's replicated state, which the separate mirror process reads from the partition's
 * leader and acknowledges through the Raft log.
 *
 * <p>Records are in {@link OutboxCodec}'s format, numbered by the source; numbers increase by one.
 */
public interface MirrorSource {
    /** The 0-based partition. */
    int partitionId();

    /**
     * The identity of this outbox's numbering, or null if it has none. Sequences are comparable only
     * within one log id: an endpoint's checkpoint recorded for another log id means nothing here
     * (the outbox was created afresh while the database kept its checkpoint).
     */
    String logId();

    /** The last sequence delivered (or set aside): the mirror reads from the one after it. */
    long delivered();

    /**
     * A sequence at or above every sequence a previous run of the mirror may have sent to the
     * endpoint (so a write followed by a take within it is delivered as a REMOVE, not dropped).
     */
    long lastSequence();

    /**
     * A sequence at or above every sequence a previous run of the mirror handed to the endpoint:
     * pending changes above it can never have reached the store, so a write and a take of one id
     * among them still cancel out after a restart. By default {@link #lastSequence()} (everything
     * in the log counts as possibly sent); a source that records {@link #noteSending} answers less.
     */
    default long possiblySentUpTo() {
        return lastSequence();
    }

    /**
     * Called before the mirror hands changes up to {@code sequence} to the endpoint; a source that
     * answers {@link #possiblySentUpTo()} below its last sequence records it durably first.
     */
    default void noteSending(long sequence) {
    }

    /** Changes not yet delivered, for log messages. */
    long undelivered();

    /** Makes appended records visible to readers now (a local outbox with per-batch durability syncs). */
    void sync();

    /**
     * What the records' Java-serialized values get: a local outbox holds this process's own data
     * ({@link JavaDeserialization#TRUSTED}); a cluster mirror reads what the nodes answer, as their
     * client, and decides like one.
     */
    JavaDeserialization javaDeserialization();

    /** Reads records from sequence {@code from} on. */
    RecordReader read(long from);

    /**
     * Everything up to {@code sequence} is delivered (or set aside); {@code done} are the changes
     * delivered. Without {@code durable} the acknowledgement may be recorded lazily (at the next
     * {@link #flushMarker()}): a lost one only means a replay, which the endpoint's checkpoint absorbs.
     */
    void acknowledge(long sequence, List<Change> done, boolean durable);

    /** Records a lazily recorded acknowledgement now. */
    void flushMarker();

    /**
     * Whether a multi-partition transaction's part appears in this outbox only once the transaction
     * committed (a cluster partition appends it when the commit is applied). If false (an embedded
     * space), the outcome is told to the mirrors by the committing space.
     */
    default boolean partsAreCommitted() {
        return false;
    }

    /**
     * Whether the mirror may deliver to the endpoint now. A cluster mirror holds a lease on the
     * partition; once it cannot be sure the lease still holds (it could not renew it in time), it
     * stops delivering until it renews it, so that it never delivers while another mirror may have
     * taken over. A local outbox always may.
     */
    default boolean mayDeliver() {
        return true;
    }

    /**
     * The epoch of the mirror's lease on the partition, handed to the endpoint with each batch
     * ({@link io.khora.persistence.SynchronizationSourceDetails#mirrorEpoch()}); 0 if there is none.
     */
    default long mirrorEpoch() {
        return 0L;
    }
}

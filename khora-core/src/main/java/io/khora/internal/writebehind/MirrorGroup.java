package io.khora.internal.writebehind;

import io.khora.internal.persistence.EntryCopier;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;

import java.nio.file.Path;
import java.util.List;

/**
 * The mirror of a space whose outboxes live elsewhere (a cluster's partitions): one
 * {@link MirrorDispatcher} per {@link MirrorSource}, sharing a dead-letter store and the
 * consolidation of multi-partition transactions. Delivery is exactly the embedded space's: batches
 * by size and interval, consolidation per entry, sequence order, poison isolation, backoff.
 */
public final class MirrorGroup implements AutoCloseable {
    private final MirrorDispatcher[] dispatchers;
    private final DeadLetterStore deadLetters;

    /**
     * @param spaceName the space
     * @param sources one per partition, indexed by partition id
     * @param endpoint where changes are delivered
     * @param copier makes user objects of entries
     * @param types resolves the types of records
     * @param deadLetterDir where refused changes are kept
     * @param settings batch size and interval, retry backoff (the outbox settings are the source's)
     */
    public MirrorGroup(String spaceName, List<? extends MirrorSource> sources, SpaceSynchronizationEndpoint endpoint, EntryCopier copier,
                       TypeResolver types, Path deadLetterDir, WriteBehindSettings settings) {
        this.deadLetters = new DeadLetterStore(deadLetterDir);
        TxConsolidation consolidation = new TxConsolidation(p -> sources.get(p).sync());
        this.dispatchers = new MirrorDispatcher[sources.size()];
        for (int p = 0; p < sources.size(); p++) {
            dispatchers[p] = new MirrorDispatcher(spaceName, sources.get(p), endpoint, copier, types, deadLetters, settings, consolidation);
        }
    }

    /** Starts every partition's dispatcher. */
    public void start() {
        for (MirrorDispatcher d : dispatchers) {
            d.start();
        }
    }

    /** How many changes the endpoint refused as bad data, so far (earlier runs included). */
    public long deadLetterCount() {
        return deadLetters.count();
    }

    /** The changes the endpoint refused as bad data, oldest first. */
    public List<DeadLetter> deadLetters() {
        return deadLetters.list();
    }

    /** Stops the dispatchers (waiting up to {@code millis} for each) and closes the dead-letter store. */
    public void stop(long millis) throws InterruptedException {
        for (MirrorDispatcher d : dispatchers) {
            d.stop();
        }
        for (MirrorDispatcher d : dispatchers) {
            d.join(millis);
        }
    }

    @Override
    public void close() {
        try {
            stop(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deadLetters.close();
        }
    }
}

package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.internal.persistence.EntryCopier;
import io.khora.internal.persistence.OperationsBatch;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.SpaceSynchronizationEndpoint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Hands dead letters to the endpoint again (after the cause was fixed): each one alone, as a batch
 * of one operation with the data recorded when it was refused; those the endpoint now accepts are
 * removed from the store, the others kept with the new error. The batches do not claim durable
 * sequences: an endpoint's idempotence checkpoint (e.g. the Hibernate endpoint's) is already past the
 * letter's sequence and would skip it as delivered. The data is that of the refused
 * change: if the entry changed later and that change was delivered, replaying writes the older
 * state over it — the operator decides, per sequence.
 */
public final class DeadLetterReplay {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeadLetterReplay.class);

    /** A dead letter the endpoint refused again (or that cannot be replayed), and why. */
    public record Failure(DeadLetter letter, String error) {
    }

    /** What a replay did. */
    public record Result(List<DeadLetter> replayed, List<Failure> failed) {
    }

    private DeadLetterReplay() {
    }

    /**
     * Replays the letters of {@code store} that {@code which} selects, oldest first.
     *
     * @param spaceName the space (the batches' source)
     * @param classes where the entry classes are found
     */
    public static Result replay(DeadLetterStore store, String spaceName, Predicate<DeadLetter> which, SpaceSynchronizationEndpoint endpoint,
                                ClassLoader classes) {
        // a replayed entry is decoded fresh for the endpoint alone: no defensive copy needed
        EntryCopier copier = e -> e.type().codec().fromValues(e.values());
        TypeResolver types = (typeName, className) -> {
            if (className == null) {
                throw new IllegalStateException("type '" + typeName + "' is a document type, whose declaration only the cluster knows;"
                        + " it cannot be replayed from the command line");
            }
            try {
                return TypeIntrospector.describe(Class.forName(className, false, classes));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("entry class " + className + " is not on the class path", e);
            }
        };
        List<DeadLetter> replayed = new ArrayList<>();
        List<Failure> failed = new ArrayList<>();
        for (Map.Entry<DeadLetter, byte[]> e : store.changes(which).entrySet()) {
            DeadLetter d = e.getKey();
            if (e.getValue().length == 0) {
                failed.add(new Failure(d, "kept without its data (set aside by an older Khora, or not encodable); discard it"));
                continue;
            }
            try {
                // this machine's own file, written from changes the mirror had already accepted
                Change c = OutboxCodec.decode(e.getValue(), d.sequence(), d.partitionId(), types, JavaDeserialization.TRUSTED);
                // not durable sequences: the endpoint's checkpoint is past this old sequence and would skip it as delivered
                OperationsBatch batch = new OperationsBatch(spaceName, List.of(c), copier, false);
                endpoint.onOperationsBatchSynchronization(batch);
                replayed.add(d);
                try {
                    endpoint.afterOperationsBatchSynchronization(batch);
                } catch (RuntimeException ex) {
                    LOG.warn("space '{}': afterOperationsBatchSynchronization failed after replaying sequence {}", spaceName, d.sequence(), ex);
                }
            } catch (RuntimeException ex) {
                failed.add(new Failure(d, MirrorDispatcher.rootMessage(ex)));
            }
        }
        Set<DeadLetter> done = new HashSet<>(replayed);
        store.removeIf(done::contains);
        return new Result(replayed, failed);
    }
}

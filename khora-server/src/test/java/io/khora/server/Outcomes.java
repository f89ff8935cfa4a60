package io.khora.server;

import io.khora.EntryAlreadyExistsException;
import io.khora.EntryNotFoundException;
import io.khora.EntryVersionConflictException;
import io.khora.SpaceNotReadyException;
import io.khora.cluster.NotLeaderException;
import io.khora.cluster.OutcomeUnknownException;
import io.khora.persistence.PersistenceBacklogFullException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What a failed client call's exception says about whether the call was applied — the one table
 * the multi-process tests' checkers use (update it here when the client's exception table changes).
 *
 * <table>
 * <caption>exception → meaning</caption>
 * <tr><td>{@code OutcomeUnknownException}</td><td>{@link Meaning#UNKNOWN}: it may or may not have been applied</td></tr>
 * <tr><td>{@code NoLeaderException}, {@code SpaceNotReadyException}</td><td>{@link Meaning#NOT_APPLIED}: refused, retry</td></tr>
 * <tr><td>{@code NotLeaderException}</td><td>{@link Meaning#NOT_APPLIED}: sent to the wrong replica</td></tr>
 * <tr><td>business refusals: {@code EntryAlreadyExistsException}, {@code EntryNotFoundException},
 *     {@code EntryVersionConflictException}, {@code PersistenceBacklogFullException}</td>
 *     <td>{@link Meaning#NOT_APPLIED}: the partition decided against it</td></tr>
 * <tr><td>anything else (time-outs, lost connections, a closed client)</td><td>{@link Meaning#UNKNOWN}</td></tr>
 * </table>
 *
 * <p>A call that failed {@code NOT_APPLIED} and shows its effect anyway (its fresh id is in the
 * space, its register value was read) is a <em>failed-but-applied</em> violation: a caller who
 * retried it as told would have applied it twice.
 */
final class Outcomes {
    enum Meaning { NOT_APPLIED, UNKNOWN }

    private Outcomes() {
    }

    /** The meaning of {@code failure} (unwrapped from completion and execution wrappers). */
    static Meaning of(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof OutcomeUnknownException) {
            return Meaning.UNKNOWN;
        }
        if (e instanceof SpaceNotReadyException || e instanceof NotLeaderException // NoLeaderException is a SpaceNotReadyException
                || e instanceof EntryAlreadyExistsException || e instanceof EntryNotFoundException
                || e instanceof EntryVersionConflictException || e instanceof PersistenceBacklogFullException) {
            return Meaning.NOT_APPLIED;
        }
        return Meaning.UNKNOWN;
    }
}

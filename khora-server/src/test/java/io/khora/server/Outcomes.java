package io.khora.server;

import io.khora.EntryAlreadyExistsException;
import io.khora.EntryNotFoundException;
import io.khora.EntryVersionConflictException;
import io.khora.QueryException;
import io.khora.SpaceClosedException;
import io.khora.SpaceException;
import io.khora.SpaceTypeException;
import io.khora.TransactionException;
import io.khora.NoLeaderException;
import io.khora.NotLeaderException;
import io.khora.OutcomeUnknownException;
import io.khora.SizeLimitExceededException;
import io.khora.persistence.PersistenceBacklogFullException;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a failed client call's exception says about whether the call was applied — the one table
 * the multi-process tests' checkers use, row for row the table "Outcomes: applied, not applied,
 * unknown" of docs/architecture.md ({@link #TABLE}; change both together).
 *
 * <p>An exception no row names is {@link Meaning#UNKNOWN} (the checker assumes nothing about it) and
 * {@link #isListed} says so, so a run can report failures the documentation does not explain.
 *
 * <p>A call that failed {@code NOT_APPLIED} and shows its effect anyway (its fresh id is in the
 * space, its register value was read) is a <em>failed-but-applied</em> violation: a caller who
 * retried it as told would have applied it twice. A call that failed {@code APPLIED} must show its
 * effect like an acknowledged one.
 */
final class Outcomes {
    enum Meaning { APPLIED, NOT_APPLIED, UNKNOWN }

    /** One row of the table: which failures it covers ({@code matches}), what they mean, and the row as the docs name it. */
    record Row(String documented, Meaning meaning, Predicate<Throwable> matches) {
    }

    /** {@code CallOutcome.giveUp} of a call no attempt may have applied: "… no answer within … attempts; not applied", "… the client is closed; not applied". */
    private static final Pattern GAVE_UP_NOT_APPLIED = Pattern.compile("(no answer within .* attempts|the client is closed); not applied");
    /** {@code NodeRequests.onAllReplicas} when {@code replication=all} ran out of time. */
    private static final Pattern COMMITTED_ON_MAJORITY = Pattern.compile("committed on a majority .* but not every replica confirmed",
            Pattern.DOTALL);

    /**
     * The rows, in the order they are tried (the first that matches decides). "Unknown" comes first: an
     * {@link OutcomeUnknownException} means unknown whatever it wraps.
     */
    static final List<Row> TABLE = List.of(
            new Row("OutcomeUnknownException (resendable or not; also from Transaction.commit())", Meaning.UNKNOWN,
                    e -> e instanceof OutcomeUnknownException),
            new Row("EntryAlreadyExistsException, EntryNotFoundException, EntryVersionConflictException, QueryException,"
                    + " SpaceTypeException, IllegalArgumentException, UnsupportedOperationException", Meaning.NOT_APPLIED,
                    e -> e instanceof EntryAlreadyExistsException || e instanceof EntryNotFoundException
                            || e instanceof EntryVersionConflictException || e instanceof QueryException || e instanceof SpaceTypeException
                            || e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException),
            new Row("PersistenceBacklogFullException", Meaning.NOT_APPLIED, e -> e instanceof PersistenceBacklogFullException),
            new Row("EntryLockedException (a TransactionConflictException); TransactionConflictException,"
                    + " TransactionTimedOutException, TransactionException from commit()", Meaning.NOT_APPLIED,
                    e -> e instanceof TransactionException),
            new Row("SizeLimitExceededException", Meaning.NOT_APPLIED, e -> e instanceof SizeLimitExceededException),
            new Row("NoLeaderException", Meaning.NOT_APPLIED, e -> e instanceof NoLeaderException),
            new Row("SpaceException \"no answer within … attempts; not applied\", \"the client is closed\"", Meaning.NOT_APPLIED,
                    e -> plain(e) && GAVE_UP_NOT_APPLIED.matcher(String.valueOf(e.getMessage())).find()),
            new Row("SpaceClosedException", Meaning.NOT_APPLIED, e -> e instanceof SpaceClosedException),
            new Row("SpaceException \"committed on a majority … but not every replica confirmed\" (replication=all)", Meaning.APPLIED,
                    e -> plain(e) && COMMITTED_ON_MAJORITY.matcher(String.valueOf(e.getMessage())).find()),
            new Row("NotLeaderException (embedded ReplicatedPartition only: this replica did not apply it)", Meaning.NOT_APPLIED,
                    e -> e instanceof NotLeaderException));

    private Outcomes() {
    }

    /** The meaning of {@code failure} (unwrapped from completion and execution wrappers). */
    static Meaning of(Throwable failure) {
        Row row = row(failure);
        return row == null ? Meaning.UNKNOWN : row.meaning();
    }

    /** Whether a row of the table names {@code failure}. */
    static boolean isListed(Throwable failure) {
        return row(failure) != null;
    }

    /** The row that names {@code failure}, or null. */
    static Row row(Throwable failure) {
        Throwable e = unwrap(failure);
        for (Row r : TABLE) {
            if (r.matches().test(e)) {
                return r;
            }
        }
        return null;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** A plain {@link SpaceException}, the class the client's own verdicts use (not a subclass with a meaning of its own). */
    private static boolean plain(Throwable e) {
        return e.getClass() == SpaceException.class;
    }
}

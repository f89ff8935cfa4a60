package io.khora.cluster.raft;

import io.khora.EntryAlreadyExistsException;
import io.khora.EntryNotFoundException;
import io.khora.EntryVersionConflictException;
import io.khora.QueryException;
import io.khora.SpaceException;
import io.khora.SpaceTypeException;
import io.khora.internal.wire.WireFormatException;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;

/**
 * How a command's failure travels from the state machine to the proposer: a code, the message and
 * the fields the exception is rebuilt from. Failures are outcomes, not crashes: every replica
 * reaches the same one, and memory is unchanged by a failed command (the engine checks before it
 * changes anything).
 */
public enum ErrorCode {
    /** {@link EntryAlreadyExistsException} (WRITE_ONLY on an existing id). */
    ENTRY_ALREADY_EXISTS(1),
    /** {@link EntryNotFoundException} (UPDATE_ONLY or renew of an absent id). */
    ENTRY_NOT_FOUND(2),
    /** {@link EntryVersionConflictException}. */
    VERSION_CONFLICT(3),
    /** {@link QueryException}. */
    QUERY(4),
    /** {@link SpaceTypeException}: an undeclared type, a conflicting declaration. */
    TYPE(5),
    /** {@link IllegalArgumentException}: e.g. a change that does not fit a property. */
    ILLEGAL_ARGUMENT(6),
    /**
     * A request or command that could not be decoded (malformed, a value of a class the replica lacks, a
     * Java-serialized value a node refuses): not applied.
     */
    WIRE(7),
    /** Anything else. */
    OTHER(8),
    /**
     * A call too old to be deduplicated ({@link ClientCalls.ForgottenCallException}); rebuilt as
     * {@link io.khora.OutcomeUnknownException}.
     */
    FORGOTTEN_CALL(9),
    /** {@link io.khora.persistence.PersistenceBacklogFullException}: the write-behind outbox had no room. */
    BACKLOG_FULL(10),
    /** {@link io.khora.TransactionConflictException}: a lock or a changed entry; the holder travels as the id. */
    TX_CONFLICT(11),
    /** {@link io.khora.TransactionException}. */
    TX(12),
    /** {@link EntryLockedException}: a plain mutation met a prepared transaction's lock. */
    LOCKED(13),
    /** {@link io.khora.SizeLimitExceededException}: the size travels as "given", the limit as "stored". */
    TOO_LARGE(14),
    /** {@link io.khora.persistence.MirrorFencedException}: the holder travels as the id, its epoch and lapse time as the numbers. */
    MIRROR_FENCED(15),
    /** {@link io.khora.AuthenticationException}: not authenticated, or authentication failed. */
    AUTHENTICATION(16),
    /** {@link io.khora.AccessDeniedException}: the principal's roles do not allow the request. */
    ACCESS_DENIED(17);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    static ErrorCode of(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return OTHER;
    }

    /** Writes the failure {@code e} (after the OK/ERROR status byte). */
    public static void write(WireOutput out, RuntimeException e) {
        ErrorCode code;
        Object id = null;
        long given = 0;
        long stored = 0;
        if (e instanceof EntryAlreadyExistsException x) {
            code = ENTRY_ALREADY_EXISTS;
            id = x.id();
        } else if (e instanceof EntryNotFoundException x) {
            code = ENTRY_NOT_FOUND;
            id = x.id();
        } else if (e instanceof EntryVersionConflictException x) {
            code = VERSION_CONFLICT;
            id = x.id();
            given = x.givenVersion();
            stored = x.storedVersion();
        } else if (e instanceof QueryException) {
            code = QUERY;
        } else if (e instanceof SpaceTypeException) {
            code = TYPE;
        } else if (e instanceof IllegalArgumentException) {
            code = ILLEGAL_ARGUMENT;
        } else if (e instanceof WireFormatException) {
            code = WIRE;
        } else if (e instanceof io.khora.persistence.PersistenceBacklogFullException x) {
            code = BACKLOG_FULL;
            given = x.partitionId();
            stored = x.pending();
        } else if (e instanceof io.khora.persistence.MirrorFencedException x) {
            code = MIRROR_FENCED;
            id = x.holder();
            given = x.holderEpoch();
            stored = x.lapsesAt();
        } else if (e instanceof EntryLockedException x) {
            code = LOCKED;
            id = x.holderId();
        } else if (e instanceof io.khora.TransactionConflictException x) {
            code = TX_CONFLICT;
            id = x.holderId();
        } else if (e instanceof io.khora.TransactionException) {
            code = TX;
        } else if (e instanceof ClientCalls.ForgottenCallException) {
            code = FORGOTTEN_CALL;
        } else if (e instanceof io.khora.SizeLimitExceededException x) {
            code = TOO_LARGE;
            given = x.size();
            stored = x.limit();
        } else if (e instanceof io.khora.AuthenticationException) {
            code = AUTHENTICATION;
        } else if (e instanceof io.khora.AccessDeniedException) {
            code = ACCESS_DENIED;
        } else {
            code = OTHER;
        }
        out.writeByte(code.code);
        out.writeString(String.valueOf(e.getMessage()));
        try {
            out.writeValue(id);
        } catch (WireFormatException notEncodable) {
            out.writeValue(null); // a failed writeValue leaves the output as it was
        }
        out.writeSignedVarLong(given);
        out.writeSignedVarLong(stored);
    }

    /** Reads a failure written by {@link #write} and rebuilds its exception. */
    public static RuntimeException read(WireInput in) {
        ErrorCode code = of(in.readByte());
        String message = in.readString();
        Object id = in.readValue();
        long given = in.readSignedVarLong();
        long stored = in.readSignedVarLong();
        return switch (code) {
            case ENTRY_ALREADY_EXISTS -> new RebuiltAlreadyExists(message, id);
            case ENTRY_NOT_FOUND -> new RebuiltEntryNotFound(message, id);
            case VERSION_CONFLICT -> new RebuiltVersionConflict(message, id, given, stored);
            case QUERY -> new QueryException(message, null, -1);
            case TYPE -> new SpaceTypeException(message);
            case ILLEGAL_ARGUMENT -> new IllegalArgumentException(message);
            case WIRE -> new SpaceException("not decoded, so not applied: " + message);
            case OTHER -> new SpaceException(message);
            case FORGOTTEN_CALL -> new io.khora.OutcomeUnknownException(message, null);
            case BACKLOG_FULL -> new RebuiltBacklogFull(message, (int) given, stored);
            case TX_CONFLICT -> new io.khora.TransactionConflictException(message, id == null ? null : String.valueOf(id));
            case TX -> new io.khora.TransactionException(message);
            case LOCKED -> new EntryLockedException(message, id == null ? null : String.valueOf(id));
            case TOO_LARGE -> new io.khora.SizeLimitExceededException(message, given, stored);
            case MIRROR_FENCED -> new io.khora.persistence.MirrorFencedException(message, id == null ? null : String.valueOf(id), given, stored);
            case AUTHENTICATION -> new io.khora.AuthenticationException(message);
            case ACCESS_DENIED -> new io.khora.AccessDeniedException(message);
        };
    }

    /** An {@link EntryAlreadyExistsException} with the original message. */
    private static final class RebuiltAlreadyExists extends EntryAlreadyExistsException {
        private final String message;

        RebuiltAlreadyExists(String message, Object id) {
            super("?", id);
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    /** An {@link EntryNotFoundException} with the original message. */
    private static final class RebuiltEntryNotFound extends EntryNotFoundException {
        private final String message;

        RebuiltEntryNotFound(String message, Object id) {
            super("?", id, "?");
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    /** An {@link EntryVersionConflictException} with the original message. */
    private static final class RebuiltVersionConflict extends EntryVersionConflictException {
        private final String message;

        RebuiltVersionConflict(String message, Object id, long given, long stored) {
            super("?", id, given, stored);
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    /** A {@link io.khora.persistence.PersistenceBacklogFullException} with the original message. */
    private static final class RebuiltBacklogFull extends io.khora.persistence.PersistenceBacklogFullException {
        private final String message;

        RebuiltBacklogFull(String message, int partitionId, long pending) {
            super("?", partitionId, pending, 0, java.time.Duration.ZERO);
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}

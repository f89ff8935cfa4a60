package io.khora.cluster.raft;

import io.khora.ChangeSet;
import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;

import java.util.Arrays;
import java.util.Objects;

/**
 * The mutations of a replicated partition: each is one log entry, applied in log order on every
 * replica with the leader's timestamp ({@link CommandCodec} has the byte layout). Immutable;
 * arrays handed in are owned by the command from then on.
 *
 * <p>Not a command (yet): entry processors ({@code compute}) — they run user code, which would have
 * to be shipped to every replica and be deterministic; the cluster will offer them once code
 * shipping exists. Until then the leader can read, decide, and propose a WRITE with the expected
 * version (optimistic locking), which is equivalent for deterministic processors.
 */
public sealed interface Command {

    /** The operation code written to the log. */
    int opcode();

    /** Registers an entry type with the group (once; idempotent for an equal declaration). */
    record DeclareType(TypeDeclaration declaration) implements Command {
        @Override
        public int opcode() {
            return CommandCodec.DECLARE_TYPE;
        }
    }

    /** Writes an entry: {@code values} in the declared type's layout, with its id set. */
    record Write(String typeName, Object[] values, Lease lease, WriteMode mode) implements Command {
        /** Checks the components. */
        public Write {
            Objects.requireNonNull(typeName, "typeName");
            Objects.requireNonNull(values, "values");
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(mode, "mode");
        }

        @Override
        public int opcode() {
            return CommandCodec.WRITE;
        }

        @Override
        public String toString() {
            return "Write[" + typeName + Arrays.deepToString(values) + ", " + lease + ", " + mode + "]";
        }
    }

    /** Takes the live entry with an id (of the type or a subtype), if any. */
    record TakeById(String typeName, Object id) implements Command {
        @Override
        public int opcode() {
            return CommandCodec.TAKE_BY_ID;
        }
    }

    /**
     * Takes up to {@code max} live matches of a query, in canonical order, while their encoded size
     * ({@link CommandCodec#writeEntry}) stays within {@code maxBytes}: the state machine stops before
     * the entry that would exceed it — but always takes at least one — so the answer fits the frame
     * its caller can receive, on every replica alike. The result is a {@link TakenEntries}, which says
     * whether the budget stopped it with matches left.
     *
     * @param maxBytes the byte budget of the entries taken; {@link #UNBOUNDED} for none
     */
    record TakeQuery(String typeName, QuerySpec query, int max, long maxBytes) implements Command {
        /** No byte budget (the take of a log entry written before budgets existed, or a caller that has no frame). */
        public static final long UNBOUNDED = Long.MAX_VALUE;

        /** Checks the components. */
        public TakeQuery {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("a take's byte budget must be positive, got " + maxBytes);
            }
        }

        /** Without a byte budget. */
        public TakeQuery(String typeName, QuerySpec query, int max) {
            this(typeName, query, max, UNBOUNDED);
        }

        /** This take with the budget lowered to {@code bytes} if that is smaller. */
        public TakeQuery withBudgetAtMost(long bytes) {
            return bytes < maxBytes ? new TakeQuery(typeName, query, max, bytes) : this;
        }

        @Override
        public int opcode() {
            return CommandCodec.TAKE_QUERY_BUDGET;
        }
    }

    /** Applies a change set to every live match of a query. */
    record Change(String typeName, QuerySpec query, ChangeSet changes) implements Command {
        @Override
        public int opcode() {
            return CommandCodec.CHANGE;
        }
    }

    /** Removes every live match of a query. */
    record Clear(String typeName, QuerySpec query) implements Command {
        @Override
        public int opcode() {
            return CommandCodec.CLEAR;
        }
    }

    /** Gives a live entry a new lease counted from the command's time. */
    record Renew(String typeName, Object id, Lease lease) implements Command {
        @Override
        public int opcode() {
            return CommandCodec.RENEW;
        }
    }

    /** Removes every entry whose lease ran out by the command's time (proposed by the leader's sweeper). */
    record ExpireSweep() implements Command {
        @Override
        public int opcode() {
            return CommandCodec.EXPIRE_SWEEP;
        }
    }

    /**
     * Changes nothing: a new leader proposes one and serves nobody until it is applied, so by then
     * it has applied every command committed before its term (Raft's no-op at the start of a term).
     */
    record Barrier() implements Command {
        @Override
        public int opcode() {
            return CommandCodec.BARRIER;
        }
    }

    /**
     * A client's call: {@code command} (a client mutation: write, take, change, clear, renew) tagged
     * with the caller's {@link CallId}, so that the state machine applies it at most once. A call
     * whose id was applied already is not applied again: it answers the response recorded the first
     * time (see {@link ClientCalls}).
     *
     * @param call the client and the call's sequence number
     * @param command the command; never a Call or a Batch
     */
    record Call(CallId call, Command command) implements Command {
        /** Checks the components. */
        public Call {
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(command, "command");
            if (command instanceof Call || command instanceof Batch) {
                throw new IllegalArgumentException("a call wraps one plain command, not " + command);
            }
        }

        @Override
        public int opcode() {
            return CommandCodec.CALL;
        }
    }

    /**
     * Gives the partition's write-behind outbox its log id, unless it has one (proposed once by the
     * first leader of a partition with write-behind; see {@link ReplicatedOutbox}).
     *
     * @param logId a random id
     */
    record OutboxStart(String logId) implements Command {
        /** Checks the components. */
        public OutboxStart {
            Objects.requireNonNull(logId, "logId");
        }

        @Override
        public int opcode() {
            return CommandCodec.OUTBOX_START;
        }
    }

    /**
     * The mirror of lease epoch {@code epoch} delivered the outbox's records up to {@code sequence}
     * (of the log {@code logId}): they are dropped. Ignored if the outbox's log id is another (the
     * mirror read an outbox that has since been replaced). Refused ({@link
     * io.khora.persistence.MirrorFencedException}) unless {@code epoch} is the current mirror lease's
     * ({@link MirrorLeaseState}): a fenced mirror cannot acknowledge. Answers how many records were
     * dropped.
     *
     * @param epoch the mirror's lease epoch; 0 only in entries written by a version without leases
     *     (opcode OUTBOX_ACK; with an epoch the opcode is OUTBOX_ACK_FENCED)
     */
    record OutboxAck(String logId, long sequence, long epoch) implements Command {
        /** Checks the components. */
        public OutboxAck {
            Objects.requireNonNull(logId, "logId");
            if (epoch < 0) {
                throw new IllegalArgumentException("a mirror lease epoch is positive, got " + epoch);
            }
        }

        @Override
        public int opcode() {
            return epoch == 0 ? CommandCodec.OUTBOX_ACK : CommandCodec.OUTBOX_ACK_FENCED;
        }
    }

    /**
     * Acquires, renews or releases the partition's write-behind mirror lease ({@link MirrorLeaseState}):
     * at most one mirror reads and acknowledges the outbox. Answers a {@link MirrorLeaseState.Grant}
     * (the epoch and when the lease lapses, in log time), or fails with
     * {@link io.khora.persistence.MirrorFencedException} naming the holder.
     *
     * @param kind what to do
     * @param holder the mirror (a unique id; shown in messages)
     * @param epoch the lease's epoch (RENEW, RELEASE); 0 for ACQUIRE
     * @param durationMillis how long the lease lasts from the entry's time (ACQUIRE, RENEW)
     */
    record MirrorLease(Kind kind, String holder, long epoch, long durationMillis) implements Command {
        /** What a lease command does. */
        public enum Kind { ACQUIRE, RENEW, RELEASE }

        /** The longest holder id. */
        public static final int MAX_HOLDER_LENGTH = 200;

        /** Checks the components. */
        public MirrorLease {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(holder, "holder");
            if (holder.isBlank() || holder.length() > MAX_HOLDER_LENGTH) {
                throw new IllegalArgumentException("a mirror's holder id has 1 to " + MAX_HOLDER_LENGTH + " characters, got "
                        + holder.length() + ": '" + holder + "'");
            }
            if (kind != Kind.RELEASE && (durationMillis < 1 || durationMillis > MirrorLeaseState.MAX_DURATION_MILLIS)) {
                throw new IllegalArgumentException("a mirror lease lasts 1 to " + MirrorLeaseState.MAX_DURATION_MILLIS
                        + " ms, got " + durationMillis + " ms");
            }
            if (kind == Kind.ACQUIRE ? epoch != 0 : epoch < 1) {
                throw new IllegalArgumentException(kind + " of a mirror lease with epoch " + epoch);
            }
        }

        @Override
        public int opcode() {
            return CommandCodec.MIRROR_LEASE;
        }
    }

    /**
     * Prepares a transaction's part in this partition (two-phase commit): checks every operation
     * against the committed state (a take's entry must still have the version the transaction read;
     * a write of an entry it read must find that version; nothing may be locked by another
     * transaction) and, if all pass, locks the entries and keeps the part until {@link TxCommit} or
     * {@link TxAbort}. With one participant the part is prepared and committed in this one entry.
     * A prepared part still undecided after {@code timeoutMillis} of log time is resolved by the
     * partition's leader with the transaction's home partition, which holds its decision.
     *
     * @param txId the transaction
     * @param participants the partitions it changes, ascending
     * @param home the participant whose log decides the outcome (the first)
     * @param timeoutMillis log time after which an undecided part is resolved
     * @param ops the operations: {@link Write} and {@link TakeById}, in the transaction's order
     * @param expectedVersions per operation, the version the transaction read (0: must be absent), or -1 for no check
     */
    record TxPrepare(String txId, int[] participants, int home, long timeoutMillis, java.util.List<Command> ops,
                     long[] expectedVersions) implements Command {
        /** Checks the components. */
        public TxPrepare {
            Objects.requireNonNull(txId, "txId");
            ops = java.util.List.copyOf(ops);
            if (expectedVersions.length != ops.size()) {
                throw new IllegalArgumentException("one expected version per operation");
            }
            for (Command c : ops) {
                if (!(c instanceof Write) && !(c instanceof TakeById)) {
                    throw new IllegalArgumentException("a transaction's part holds writes and takes by id, not " + c);
                }
            }
        }

        @Override
        public int opcode() {
            return CommandCodec.TX_PREPARE;
        }
    }

    /** Commits a prepared part (at the home partition: records the decision first). Answers 1 committed, 0 aborted. */
    record TxCommit(String txId) implements Command {
        @Override
        public int opcode() {
            return CommandCodec.TX_COMMIT;
        }
    }

    /**
     * Aborts a transaction's part unless the transaction committed (then nothing changes); records the
     * decision so a late prepare is refused. Answers 1 if the transaction committed, 0 if it is aborted.
     */
    record TxAbort(String txId) implements Command {
        @Override
        public int opcode() {
            return CommandCodec.TX_ABORT;
        }
    }

    /**
     * Several commands in one log entry (group commit): applied one after another, in order, at the
     * entry's time; each is atomic on its own and has its own result or failure — a failing command
     * does not stop the others.
     *
     * @param commands the commands, none of them a Batch
     */
    /**
     * Gives back entries a client's call took but never received (its connection closed before the
     * answer could be written): unless a retry of the call was already answered with them, the call
     * is forgotten (a later retry takes anew) and the entries are written back — atomically, so an
     * entry is never both returned to the space and handed to the retry. An entry whose id was
     * written again meanwhile, or whose lease ran out, is not written back.
     *
     * @param call the call that took them
     * @param entries what it took
     */
    record ReturnTaken(io.khora.cluster.CallId call, java.util.List<StoredEntry> entries) implements Command {
        /** Checks the components. */
        public ReturnTaken {
            Objects.requireNonNull(call, "call");
            entries = java.util.List.copyOf(entries);
        }

        @Override
        public int opcode() {
            return CommandCodec.RETURN_TAKEN;
        }
    }

    record Batch(java.util.List<Command> commands) implements Command {
        /** Checks the components. */
        public Batch {
            commands = java.util.List.copyOf(commands);
            for (Command c : commands) {
                if (c instanceof Batch) {
                    throw new IllegalArgumentException("batches do not nest");
                }
            }
        }

        @Override
        public int opcode() {
            return CommandCodec.BATCH;
        }
    }

    /**
     * A query as it travels: text with arguments, a template's values, or "everything".
     *
     * @param kind which
     * @param text the query text (TEXT), else empty
     * @param args the arguments (TEXT) or the template's values array (TEMPLATE), else empty
     */
    record QuerySpec(Kind kind, String text, Object[] args) {
        /** The forms a query can take. */
        public enum Kind { TEXT, TEMPLATE, ALL }

        private static final Object[] NONE = new Object[0];

        /** Checks the components. */
        public QuerySpec {
            Objects.requireNonNull(kind, "kind");
            text = text == null ? "" : text;
            args = args == null ? NONE : args;
        }

        /** A query text with its arguments. */
        public static QuerySpec text(String text, Object... args) {
            return new QuerySpec(Kind.TEXT, Objects.requireNonNull(text, "query text"), args);
        }

        /** A template (its values array: non-null properties must match). */
        public static QuerySpec template(Object[] templateValues) {
            return new QuerySpec(Kind.TEMPLATE, "", templateValues.clone());
        }

        /** Every entry of the type. */
        public static QuerySpec all() {
            return new QuerySpec(Kind.ALL, "", NONE);
        }

        /** Compiles the query for {@code type} (a replica-side descriptor). */
        public CompiledQuery compile(TypeDescriptor type) {
            return switch (kind) {
                case TEXT -> CompiledQuery.compile(text, args, type);
                case TEMPLATE -> CompiledQuery.template(args, type);
                case ALL -> CompiledQuery.all(type);
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof QuerySpec q && q.kind == kind && q.text.equals(text) && Arrays.deepEquals(q.args, args);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, text, Arrays.deepHashCode(args));
        }

        @Override
        public String toString() {
            return kind + "[" + text + (args.length == 0 ? "" : ", " + Arrays.deepToString(args)) + "]";
        }
    }
}

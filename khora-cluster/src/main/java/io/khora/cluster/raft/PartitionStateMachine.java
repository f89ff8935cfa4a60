package io.khora.cluster.raft;

import io.khora.SpaceTypeException;
import io.khora.internal.engine.Change;
import io.khora.internal.engine.EventSink;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;
import io.khora.persistence.DataSyncOperationType;

import org.jgroups.raft.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInput;
import java.io.DataOutput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state machine of one replicated partition: a {@link PartitionEngine} driven by the log.
 *
 * <p><b>Deterministic apply.</b> jgroups-raft applies committed entries one at a time on its single
 * processing thread (and, at start, while replaying its log). Each entry is decoded
 * ({@link CommandCodec}), the engine's {@link LogTicker} is set to the entry's leader timestamp, and
 * the command runs against the engine. Nothing else changes the engine, no replica reads its own
 * clock, and the outcome of a command depends only on the state and the command, so every replica
 * that applied the same prefix of the log holds the same entries, versions and expiries. Two places
 * where the local engine's choice depends on hash-table iteration order are made canonical: a take
 * of a query removes the first {@code max} matches in ORDER BY order, ties (and queries without
 * ORDER BY) broken by id, so every replica takes the same entries whatever the history of its hash
 * tables (a replica restored from a snapshot has other table sizes than one that applied the log).
 *
 * <p><b>Failures are outcomes.</b> A command that fails (WRITE_ONLY on an existing id, a version
 * conflict, an undeclared type…) fails identically on every replica and leaves the state unchanged;
 * the failure is encoded in the response ({@link ErrorCode}) and rebuilt for the proposer. apply
 * itself never throws for such failures — jgroups-raft would stop applying.
 *
 * <p><b>Batches and calls.</b> A {@link Command.Batch} (group commit) applies its commands one after
 * another at the entry's time, each atomically with its own response; a {@link Command.Call} is
 * deduplicated by its client's call id ({@link ClientCalls}): a repeated call answers the response
 * recorded the first time. The remembered calls are replicated state like the entries.
 *
 * <p><b>Snapshots</b> ({@link #writeContentTo}/{@link #readContentFrom}) hold the whole partition:
 * the Raft index and term of the last entry included, log time, the number of commands applied, the type declarations in declaration order, and every
 * stored entry (expired ones not yet swept included) with its concrete type, values, version and expiry, then the remembered client calls,
 * the write-behind outbox ({@link ReplicatedOutbox}, if the space has one) and the prepared transaction parts and decisions
 * ({@link ClusterTransactions}), then the write-behind mirror's lease ({@link MirrorLeaseState}; format 4), then the marks of calls
 * answered to a retry whose response is no longer remembered (format 5). A replica that was away installs
 * the leader's snapshot and applies the log after it; the log is truncated at each snapshot.
 *
 * <p><b>Reads</b> ({@link #engine()} read methods) run on the caller's thread against the engine
 * without locks, as in an embedded space; only the leader serves them (see ReplicatedPartition).
 */
public final class PartitionStateMachine implements StateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionStateMachine.class);
    /**
     * Snapshot format 5 adds, at the end, the marks of calls whose response a retry was given after
     * the response itself was dropped ({@link ClientCalls#writeDetachedMarksTo}); formats 1 to 4 are
     * still read.
     */
    private static final int SNAPSHOT_FORMAT = 5;
    /** Format 4: with the mirror lease. */
    private static final int SNAPSHOT_FORMAT_4 = 4;
    /** Format 3: with the write-behind outbox and transactions, without the mirror lease. */
    private static final int SNAPSHOT_FORMAT_3 = 3;
    private static final int SNAPSHOT_FORMAT_1 = 1;
    /** Format 2: with the remembered calls. */
    private static final int SNAPSHOT_FORMAT_2 = 2;
    /** Default of {@link PartitionStateMachine#PartitionStateMachine(String, int, EventSink, int, long)}'s call window. */
    public static final int DEFAULT_CALL_WINDOW = 1024;
    /** Default of its client idle time: 10 minutes of log time. */
    public static final long DEFAULT_CLIENT_IDLE_MILLIS = 600_000L;

    private final String spaceName;
    private final int partitionId;
    private final LogTicker ticker = new LogTicker();
    private final PartitionEngine engine;
    private final ConcurrentHashMap<String, TypeDescriptor> types = new ConcurrentHashMap<>();
    /** Declarations in declaration order (supertypes before subtypes); replaced, never mutated, so readers need no lock. */
    private volatile Map<String, TypeDeclaration> declarations = Map.of();
    private volatile long appliedCommands;
    private volatile LogPosition logPosition = LogPosition.NONE;
    private final ClientCalls calls;
    /** The write-behind outbox, or null if the space has no write-behind. */
    private final ReplicatedOutbox outbox;
    private final ClusterTransactions transactions;
    /** What Java-serialized values in log entries and snapshots get. */
    private final JavaDeserialization values;

    /**
     * Where the Raft log stands while a snapshot is written (on the Raft thread, when the state
     * machine has applied exactly the committed entries): the snapshot records the index and term of
     * the last entry it includes, so a restarted replica can tell which logged entries it holds
     * already (see SnapshotSafeFileLog).
     */
    public interface LogPosition {
        /** No log: index 0. */
        LogPosition NONE = new LogPosition() {
            @Override
            public long commitIndex() {
                return 0;
            }

            @Override
            public long termAt(long index) {
                return 0;
            }
        };

        /** The index of the last entry applied. */
        long commitIndex();

        /** The term of the entry at {@code index}. */
        long termAt(long index);
    }

    /**
     * @param spaceName for messages
     * @param partitionId the 0-based partition id
     * @param events where the engine publishes events (the leader's subscribers, later)
     */
    public PartitionStateMachine(String spaceName, int partitionId, EventSink events) {
        this(spaceName, partitionId, events, DEFAULT_CALL_WINDOW, DEFAULT_CLIENT_IDLE_MILLIS);
    }

    /**
     * @param spaceName for messages
     * @param partitionId the 0-based partition id
     * @param events where the engine publishes events (at the leader: its subscribers and waiters)
     * @param callWindow per client, how many of its most recent call sequence numbers are remembered
     *     ({@link ClientCalls}); the same on every replica of the group
     * @param clientIdleMillis log time after which a client without calls is forgotten; the same on
     *     every replica of the group
     */
    public PartitionStateMachine(String spaceName, int partitionId, EventSink events, int callWindow, long clientIdleMillis) {
        this(spaceName, partitionId, events, callWindow, clientIdleMillis, 0);
    }

    /**
     * @param spaceName for messages
     * @param partitionId the 0-based partition id
     * @param events where the engine publishes events
     * @param callWindow see {@link ClientCalls}; the same on every replica of the group
     * @param clientIdleMillis see {@link ClientCalls}; the same on every replica of the group
     * @param outboxCapacity the capacity of the write-behind outbox ({@link ReplicatedOutbox}), or 0
     *     for a space without write-behind; the same on every replica of the group
     */
    public PartitionStateMachine(String spaceName, int partitionId, EventSink events, int callWindow, long clientIdleMillis,
                                 int outboxCapacity) {
        this(spaceName, partitionId, events, callWindow, clientIdleMillis, outboxCapacity, JavaDeserialization.network(null));
    }

    /**
     * As {@link #PartitionStateMachine(String, int, EventSink, int, long, int)}, with {@code values} the
     * decision for Java-serialized values in log entries and snapshots (they come from peers):
     * {@link JavaDeserialization#network} refuses them unless its allow-list has their classes; the same
     * on every replica of the group (a replica that refuses what another applied would differ from it).
     */
    public PartitionStateMachine(String spaceName, int partitionId, EventSink events, int callWindow, long clientIdleMillis,
                                 int outboxCapacity, JavaDeserialization values) {
        this.values = values;
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.outbox = outboxCapacity == 0 ? null : new ReplicatedOutbox(spaceName, partitionId, outboxCapacity, t -> {
            TypeDeclaration d = declarations.get(t.name());
            return d == null ? null : d.className();
        });
        this.engine = outbox == null ? new PartitionEngine(spaceName, partitionId, ticker, events)
                : new PartitionEngine(spaceName, partitionId, ticker, events, outbox, 0);
        this.calls = new ClientCalls(callWindow, clientIdleMillis);
        this.transactions = new ClusterTransactions(spaceName, partitionId, types::get);
    }

    // ================================================================ StateMachine

    @Override
    public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) {
        CommandCodec.Decoded d;
        try {
            long number = appliedCommands + 1;
            d = CommandCodec.decode(data, offset, length, values.from(() -> "log entry #" + number + " of space '" + spaceName
                    + "' partition " + partitionId));
        } catch (RuntimeException e) {
            // the same bytes fail the same way everywhere, unless a replica lacks a class a value needs (or allows other
            // Java-serialized classes: the allow-list must be the same on every node)
            LOG.error("space '{}' partition {}: cannot decode log entry #{} ({} bytes); skipped: {}",
                    spaceName, partitionId, appliedCommands + 1, length, e.toString());
            appliedCommands++;
            return serializeResponse ? CommandCodec.encodeError(e) : null;
        }
        long time = ticker.beginApply(d.time());
        try {
            calls.evictIdle(time);
            byte[] response;
            if (d.command() instanceof Command.Batch b) {
                List<byte[]> responses = new ArrayList<>(b.commands().size());
                for (Command c : b.commands()) {
                    responses.add(applyOne(c, time, true));
                }
                response = serializeResponse ? CommandCodec.encodeBatchResponse(responses) : null;
            } else {
                response = applyOne(d.command(), time, serializeResponse);
            }
            appliedCommands++;
            return response;
        } finally {
            ticker.endApply();
        }
    }

    /**
     * Applies one command (of an entry or a batch) atomically; its response if {@code respond}. A
     * {@link Command.Call} whose id is remembered answers its recorded response without being applied.
     */
    private byte[] applyOne(Command c, long time, boolean respond) {
        if (c instanceof Command.Call call) {
            byte[] recorded;
            try {
                recorded = calls.lookup(call.call());
            } catch (ClientCalls.ForgottenCallException e) {
                return CommandCodec.encodeError(e);
            }
            if (recorded != null) {
                return recorded;
            }
            byte[] response;
            try {
                response = CommandCodec.encodeResult(call.command().opcode(), execute(call.command()));
            } catch (io.khora.persistence.PersistenceBacklogFullException | EntryLockedException retryable) {
                // not remembered: the call changed nothing, and its retry (with the same id) may find room or no lock
                return CommandCodec.encodeError(retryable);
            } catch (RuntimeException e) {
                if (LOG.isDebugEnabled()) {
                    LOG.debug("space '{}' partition {}: {} failed: {}", spaceName, partitionId, call, e.toString());
                }
                response = CommandCodec.encodeError(e);
            }
            calls.record(call.call(), response, time, !CommandCodec.tookNothing(call.command().opcode(), response));
            return response;
        }
        return executeAndEncode(c, respond);
    }

    private byte[] executeAndEncode(Command c, boolean respond) {
        try {
            Object result = execute(c);
            return respond ? CommandCodec.encodeResult(c.opcode(), result) : null;
        } catch (RuntimeException e) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("space '{}' partition {}: {} failed: {}", spaceName, partitionId, c, e.toString());
            }
            return respond ? CommandCodec.encodeError(e) : null;
        }
    }

    private Object execute(Command c) {
        if (c instanceof Command.Write w) {
            TypeDescriptor t = requireType(w.typeName());
            Object[] values = w.values();
            if (values.length != t.valuesLength()) {
                throw new IllegalArgumentException("type " + t.name() + " has " + t.valuesLength() + " values, the write carries "
                        + values.length);
            }
            if (values[t.idIndex()] == null) {
                throw new IllegalArgumentException("a write of " + t.name() + " carries no id (ids are generated before proposing)");
            }
            if (transactions.anyLocked()) {
                transactions.checkUnlocked(t, values[t.idIndex()]);
            }
            PartitionEngine.WriteResult r = engine.write(t, values, w.lease(), w.mode());
            return new WriteOutcome(r.entry().version(), r.created(), r.entry().expiresAt());
        } else if (c instanceof Command.TakeById t) {
            if (transactions.anyLocked()) {
                transactions.checkUnlocked(requireType(t.typeName()), t.id());
            }
            SpaceEntry e = engine.takeById(requireType(t.typeName()), t.id());
            return e == null ? null : image(e);
        } else if (c instanceof Command.TakeQuery t) {
            return take(t.query().compile(requireType(t.typeName())), t.max(), t.maxBytes());
        } else if (c instanceof Command.Change ch) {
            CompiledQuery q = ch.query().compile(requireType(ch.typeName()));
            checkNoneLocked(q);
            return engine.change(q, ch.changes());
        } else if (c instanceof Command.Clear cl) {
            CompiledQuery q = cl.query().compile(requireType(cl.typeName()));
            checkNoneLocked(q);
            return engine.clear(q);
        } else if (c instanceof Command.Renew r) {
            return engine.renew(requireType(r.typeName()), r.id(), r.lease());
        } else if (c instanceof Command.ExpireSweep) {
            return engine.sweep();
        } else if (c instanceof Command.DeclareType d) {
            declare(d.declaration());
            return null;
        } else if (c instanceof Command.Barrier) {
            return null;
        } else if (c instanceof Command.ReturnTaken rt) {
            if (outbox == null) {
                return returnTaken(rt);
            }
            int[] back = new int[1];
            outbox.unbounded(() -> back[0] = returnTaken(rt));
            return back[0];
        } else if (c instanceof Command.TxPrepare tp) {
            transactions.prepare(tp, ticker.millis(), engine, () -> applyTransaction(tp));
            return null;
        } else if (c instanceof Command.TxCommit tc) {
            return transactions.commit(tc.txId(), ticker.millis(), this::applyTransaction);
        } else if (c instanceof Command.TxAbort ta) {
            return transactions.abort(ta.txId(), ticker.millis());
        } else if (c instanceof Command.OutboxStart os) {
            if (outbox != null) {
                outbox.start(os.logId());
            }
            return null;
        } else if (c instanceof Command.OutboxAck oa) {
            if (outbox == null) {
                throw new IllegalStateException("space '" + spaceName + "' has no write-behind outbox");
            }
            return outbox.acknowledge(oa.logId(), oa.sequence(), oa.epoch(), ticker.millis());
        } else if (c instanceof Command.MirrorLease ml) {
            if (outbox == null) {
                throw new IllegalStateException("space '" + spaceName + "' has no write-behind outbox, so no mirror lease");
            }
            return outbox.lease(ml, ticker.millis());
        }
        throw new IllegalArgumentException("unknown command " + c);
    }

    /** Applies a transaction's part as one unit (one outbox record with write-behind). */
    private void applyTransaction(Command.TxPrepare p) {
        if (outbox == null) {
            ClusterTransactions.applyPart(p, engine, types::get);
        } else {
            outbox.appendTransaction(p.txId(), p.participants(), () -> ClusterTransactions.applyPart(p, engine, types::get));
        }
    }

    /** Refuses a change or clear that matches an entry a prepared transaction locks. */
    private void checkNoneLocked(CompiledQuery q) {
        if (!transactions.anyLocked()) {
            return;
        }
        List<SpaceEntry> found = new ArrayList<>();
        engine.readMultiple(q, Integer.MAX_VALUE, found);
        for (SpaceEntry e : found) {
            transactions.checkUnlocked(e.type(), e.id());
        }
    }

    /** See {@link Command.ReturnTaken}; answers how many entries were written back. */
    private int returnTaken(Command.ReturnTaken rt) {
        if (!calls.forgetUnlessRedelivered(rt.call())) {
            return 0;
        }
        long now = ticker.millis();
        int back = 0;
        for (StoredEntry e : rt.entries()) {
            TypeDescriptor t = requireType(e.typeName());
            io.khora.Lease lease;
            if (e.expiresAt() == Long.MAX_VALUE) {
                lease = io.khora.Lease.FOREVER;
            } else if (e.expiresAt() > now) {
                lease = io.khora.Lease.ofMillis(e.expiresAt() - now);
            } else {
                continue; // its lease ran out meanwhile
            }
            if (engine.readById(t, e.values()[t.idIndex()]) != null) {
                continue; // the id was written again meanwhile: that entry is newer
            }
            engine.write(t, e.values().clone(), lease, io.khora.WriteMode.WRITE_ONLY);
            back++;
        }
        return back;
    }

    /**
     * The first {@code max} live matches in canonical order (ORDER BY, then id), each taken exactly,
     * stopping before the entry whose encoding would take the taken entries past {@code maxBytes}
     * (but taking at least one): the sizes are those of the encoded values, the same on every
     * replica, so every replica takes the same entries.
     */
    private List<StoredEntry> take(CompiledQuery q, int max, long maxBytes) {
        if (max <= 0) {
            return new TakenEntries(List.of(), false);
        }
        List<SpaceEntry> found = new ArrayList<>();
        engine.readMultiple(q, Integer.MAX_VALUE, found);
        Comparator<SpaceEntry> byId = (a, b) -> Ids.compare(a.id(), b.id());
        Comparator<SpaceEntry> order = q.ordering() == null ? byId
                : ((Comparator<SpaceEntry>) (a, b) -> q.ordering().compare(a.values(), b.values())).thenComparing(byId);
        found.sort(order);
        List<StoredEntry> taken = new ArrayList<>(Math.min(max, found.size()));
        boolean locks = transactions.anyLocked();
        WireOutput sizer = maxBytes == Command.TakeQuery.UNBOUNDED ? null : new WireOutput(256);
        long bytes = 0;
        for (SpaceEntry e : found) {
            if (taken.size() == max) {
                break;
            }
            if (locks && transactions.holder(e.type(), e.id()) != null) {
                continue; // a prepared transaction holds it
            }
            StoredEntry image = image(e);
            int size = 0;
            if (sizer != null) {
                sizer.reset();
                CommandCodec.writeEntry(sizer, image);
                size = sizer.size();
                if (!taken.isEmpty() && bytes + size > maxBytes) {
                    return new TakenEntries(taken, true);
                }
            }
            if (engine.takeExact(e)) {
                taken.add(image);
                bytes += size;
            }
        }
        return new TakenEntries(taken, false);
    }

    private void declare(TypeDeclaration d) {
        TypeDeclaration existing = declarations.get(d.name());
        if (existing != null) {
            if (!existing.equals(d)) {
                throw new SpaceTypeException("type " + d.name() + " is already declared in space '" + spaceName
                        + "' with another layout (" + existing.properties() + "); changing a type's layout is not supported");
            }
            return;
        }
        TypeDescriptor superType = null;
        if (d.superName() != null) {
            superType = types.get(d.superName());
            if (superType == null) {
                throw new SpaceTypeException("type " + d.name() + " needs its supertype " + d.superName() + " declared first");
            }
        }
        TypeDescriptor t = d.toDescriptor(superType);
        Map<String, TypeDeclaration> next = new LinkedHashMap<>(declarations);
        next.put(d.name(), d);
        types.put(d.name(), t);
        declarations = next;
    }

    private TypeDescriptor requireType(String name) {
        TypeDescriptor t = types.get(name);
        if (t == null) {
            throw new SpaceTypeException("type " + name + " is not declared in partition " + partitionId + " of space '"
                    + spaceName + "'");
        }
        return t;
    }

    // ================================================================ snapshots

    /** Tells snapshots where the log stands (the replica's RAFT protocol). */
    public void attach(LogPosition position) {
        this.logPosition = position;
    }

    /**
     * The Raft index and term of the last entry a snapshot includes, read from the bytes
     * jgroups-raft stores (its membership state, then this state machine's content), or null if
     * they are not a snapshot of this format.
     */
    public static long[] snapshotPosition(java.nio.ByteBuffer snapshot) {
        try {
            java.nio.ByteBuffer b = snapshot.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes));
            new org.jgroups.protocols.raft.PersistentState().readFrom(in);
            byte[] content = new byte[in.readInt()];
            in.readFully(content);
            WireInput r = new WireInput(content, JavaDeserialization.refused("a snapshot's header")); // only its position is read
            int format = r.readVarInt();
            if (format < SNAPSHOT_FORMAT_1 || format > SNAPSHOT_FORMAT) {
                return null;
            }
            return new long[] {r.readVarLong(), r.readVarLong()};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void writeContentTo(DataOutput out) throws Exception {
        WireOutput w = new WireOutput(4096);
        w.writeVarInt(SNAPSHOT_FORMAT);
        LogPosition pos = logPosition;
        long index = pos.commitIndex();
        w.writeVarLong(index);
        w.writeVarLong(index == 0 ? 0 : pos.termAt(index));
        w.writeSignedVarLong(ticker.logTime());
        w.writeVarLong(appliedCommands);
        Map<String, TypeDeclaration> decls = declarations;
        w.writeVarInt(decls.size());
        for (TypeDeclaration d : decls.values()) {
            d.writeTo(w);
        }
        List<StoredEntry> entries = contents();
        w.writeVarInt(entries.size());
        for (StoredEntry e : entries) {
            CommandCodec.writeEntry(w, e);
        }
        calls.writeTo(w);
        w.writeBoolean(outbox != null);
        if (outbox != null) {
            outbox.writeTo(w);
        }
        transactions.writeTo(w);
        if (outbox != null) {
            outbox.writeLeaseTo(w); // format 4
        }
        calls.writeDetachedMarksTo(w); // format 5
        out.writeInt(w.size());
        out.write(w.toByteArray());
        LOG.debug("space '{}' partition {}: snapshot of {} entries, {} bytes", spaceName, partitionId, entries.size(), w.size());
    }

    @Override
    public void readContentFrom(DataInput in) throws Exception {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        WireInput r = new WireInput(bytes, values.from("a snapshot of space '" + spaceName + "' partition " + partitionId));
        int format = r.readVarInt();
        if (format < SNAPSHOT_FORMAT_1 || format > SNAPSHOT_FORMAT) {
            throw new IllegalStateException("snapshot format " + format + " is not supported (this version reads " + SNAPSHOT_FORMAT + ")");
        }
        r.readVarLong(); // Raft index of the last included entry (read by SnapshotSafeFileLog)
        r.readVarLong(); // and its term
        long logTime = r.readSignedVarLong();
        long applied = r.readVarLong();
        engine.reset();
        types.clear();
        declarations = Map.of();
        int nTypes = r.readVarInt();
        for (int i = 0; i < nTypes; i++) {
            declare(TypeDeclaration.readFrom(r));
        }
        if (outbox != null) {
            outbox.clear();
        }
        int n = r.readVarInt();
        for (int i = 0; i < n; i++) {
            StoredEntry e = CommandCodec.readEntry(r);
            SpaceEntry entry = new SpaceEntry(requireType(e.typeName()), e.values(), e.version(), e.expiresAt());
            engine.restore(new Change(DataSyncOperationType.WRITE, entry, List.of(), partitionId, 0L));
        }
        if (format == SNAPSHOT_FORMAT_1) {
            calls.clear();
        } else {
            calls.readFrom(r);
        }
        ReplicatedOutbox snapshotOutbox = null;
        if (format >= SNAPSHOT_FORMAT_3 && r.readBoolean()) {
            if (outbox != null) {
                snapshotOutbox = outbox;
            } else {
                LOG.warn("space '{}' partition {}: the snapshot holds a write-behind outbox but this node runs the space without"
                        + " write-behind; its undelivered changes are dropped here", spaceName, partitionId);
                snapshotOutbox = new ReplicatedOutbox(spaceName, partitionId, Integer.MAX_VALUE, t -> null);
            }
            snapshotOutbox.readFrom(r);
        }
        if (format >= SNAPSHOT_FORMAT_3) {
            transactions.readFrom(r);
        } else {
            transactions.clear();
        }
        if (format >= SNAPSHOT_FORMAT_4 && snapshotOutbox != null) {
            snapshotOutbox.readLeaseFrom(r); // before format 4 no lease was ever granted (cleared above)
        }
        if (format >= SNAPSHOT_FORMAT) {
            calls.readDetachedMarksFrom(r);
        }
        ticker.restore(logTime);
        appliedCommands = applied;
        LOG.debug("space '{}' partition {}: installed a snapshot of {} entries ({} commands applied)", spaceName, partitionId, n, applied);
    }

    // ================================================================ reads

    /** The engine, for reads (mutations go through the log only). */
    public PartitionEngine engine() {
        return engine;
    }

    /** Prepared transaction parts whose timeout ran out by {@code now} (log time): transaction id → home partition. */
    public Map<String, Integer> overdueTransactions(long now) {
        return transactions.overdue(now);
    }

    /** How many transaction parts are prepared here. */
    public int preparedTransactions() {
        return transactions.preparedCount();
    }

    /** How many entries prepared transactions lock here. */
    public int lockedEntries() {
        return transactions.lockCount();
    }

    /** The write-behind outbox, or null if the space has none. */
    public ReplicatedOutbox outbox() {
        return outbox;
    }

    /** The remembered client calls (for status and checks; changed only by applying the log). */
    public ClientCalls calls() {
        return calls;
    }

    /** The engine's ticker: log time. */
    public LogTicker ticker() {
        return ticker;
    }

    /** The replica-side descriptor of a declared type, or null. */
    public TypeDescriptor type(String name) {
        return types.get(name);
    }

    /** The declaration of a type, or null. */
    public TypeDeclaration declaration(String name) {
        return declarations.get(name);
    }

    /** How many log entries this replica has applied since the group began (a batch counts once; restored with snapshots). */
    public long appliedCommands() {
        return appliedCommands;
    }

    /**
     * Every stored entry — expired ones that no sweep or access has removed yet included — sorted by
     * type name then id: identical on replicas that applied the same commands. For snapshots (so a
     * replica restored from one holds exactly what the others hold, and later sweeps find the same
     * entries everywhere), checks and status displays; O(n log n).
     */
    public List<StoredEntry> contents() {
        // at the earliest time there is, nothing counts as expired: the engine's scan returns every entry
        return ticker.at(Long.MIN_VALUE, () -> {
            List<StoredEntry> all = new ArrayList<>();
            Map<String, TypeDeclaration> decls = declarations;
            for (TypeDeclaration d : decls.values()) {
                if (d.superName() == null) {
                    List<SpaceEntry> found = new ArrayList<>();
                    engine.readMultiple(CompiledQuery.all(types.get(d.name())), Integer.MAX_VALUE, found);
                    for (SpaceEntry e : found) {
                        all.add(image(e));
                    }
                }
            }
            all.sort(Comparator.comparing(StoredEntry::typeName)
                    .thenComparing((a, b) -> Ids.compare(a.values()[types.get(a.typeName()).idIndex()],
                            b.values()[types.get(b.typeName()).idIndex()])));
            return all;
        });
    }

    private static StoredEntry image(SpaceEntry e) {
        return new StoredEntry(e.type().name(), e.values(), e.version(), e.expiresAt());
    }

    /** A total order of ids that is the same in every JVM. */
    static final class Ids {
        private Ids() {
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        static int compare(Object a, Object b) {
            if (a == b) {
                return 0;
            }
            if (a == null || b == null) {
                return a == null ? -1 : 1;
            }
            if (a.getClass() == b.getClass() && a instanceof Comparable) {
                return ((Comparable) a).compareTo(b);
            }
            int byClass = a.getClass().getName().compareTo(b.getClass().getName());
            if (byClass != 0) {
                return byClass;
            }
            WireOutput wa = new WireOutput();
            WireOutput wb = new WireOutput();
            wa.writeValue(a);
            wb.writeValue(b);
            return java.util.Arrays.compare(wa.toByteArray(), wb.toByteArray());
        }
    }
}

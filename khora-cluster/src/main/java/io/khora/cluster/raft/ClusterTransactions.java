package io.khora.cluster.raft;

import io.khora.TransactionConflictException;
import io.khora.TransactionException;
import io.khora.WriteMode;
import io.khora.internal.engine.PartitionEngine;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A partition's side of cluster transactions, part of its replicated state: the prepared parts
 * with the entries they lock, and the decisions taken here. Every method runs on the apply thread
 * (or reads under this object's monitor), deterministically from the log.
 *
 * <p><b>Two-phase commit with the decision in a log.</b> The coordinator (the client) prepares the
 * transaction's part in every participant ({@link Command.TxPrepare}), then commits the
 * <em>home</em> participant first: the home's log entry that commits its part is the transaction's
 * decision, and it is replicated like any entry, so it survives the coordinator and any minority of
 * the home's replicas. Only then are the other parts committed. An abort at the home
 * ({@link Command.TxAbort}) is refused once the home committed, and a commit is refused once it
 * aborted — the home's log orders the two, so every participant learns one outcome.
 *
 * <p><b>Recovery.</b> A prepared part still undecided after its timeout (log time) is resolved by
 * its partition's leader: it asks the home for the outcome with a TxAbort (which aborts unless the
 * home committed) and applies that outcome here. So a coordinator that dies between prepare and
 * commit leaves no lock held for longer than the transaction's timeout, and the outcome is
 * all-or-nothing.
 *
 * <p><b>Isolation.</b> A prepared part is invisible: reads see the committed state until the
 * commit applies the part as one unit. Its entries are locked: another transaction's prepare of
 * them fails ({@link TransactionConflictException}), a plain write or take of them is refused with
 * {@link EntryLockedException} (the leader retries it until the lock is gone), a take by query skips
 * them, and a change or clear that matches one is refused like a write.
 */
final class ClusterTransactions {
    /** Decisions are remembered this long (log time), then forgotten. */
    static final long DECISION_MILLIS = 600_000L;

    /** A prepared part. @param deadline log time after which it is resolved with the home */
    record Prepared(Command.TxPrepare command, long deadline) {
    }

    /** A decision. @param committed the outcome @param at log time it was taken */
    record Decision(boolean committed, long at) {
    }

    private final String spaceName;
    private final int partitionId;
    private final Function<String, TypeDescriptor> types;
    private final Map<String, Prepared> prepared = new LinkedHashMap<>();
    private final Map<List<Object>, String> locks = new java.util.HashMap<>();
    private final LinkedHashMap<String, Decision> decisions = new LinkedHashMap<>();

    ClusterTransactions(String spaceName, int partitionId, Function<String, TypeDescriptor> types) {
        this.spaceName = spaceName;
        this.partitionId = partitionId;
        this.types = types;
    }

    static List<Object> key(TypeDescriptor t, Object id) {
        return List.of(t.root().name(), id);
    }

    private static Object idOf(Command op, TypeDescriptor t) {
        return op instanceof Command.Write w ? w.values()[t.idIndex()] : ((Command.TakeById) op).id();
    }

    private static String typeOf(Command op) {
        return op instanceof Command.Write w ? w.typeName() : ((Command.TakeById) op).typeName();
    }

    // ================================================================ commands

    /** Validates and locks {@code p}'s part (or, with one participant, applies it at once). */
    synchronized void prepare(Command.TxPrepare p, long now, PartitionEngine engine, Runnable applyOnePhase) {
        forgetOld(now);
        Decision d = decisions.get(p.txId());
        if (d != null) {
            throw new TransactionException("transaction " + p.txId() + " is already " + (d.committed() ? "committed" : "rolled back")
                    + " in partition " + partitionId);
        }
        if (prepared.containsKey(p.txId())) {
            return; // prepared already (a repeated prepare)
        }
        List<List<Object>> keys = new ArrayList<>(p.ops().size());
        for (int i = 0; i < p.ops().size(); i++) {
            Command op = p.ops().get(i);
            TypeDescriptor t = type(typeOf(op));
            Object id = idOf(op, t);
            List<Object> k = key(t, id);
            String holder = locks.get(k);
            if (holder != null && !holder.equals(p.txId())) {
                throw new TransactionConflictException("transaction " + p.txId() + ": entry of " + t.name() + " id=" + id + " in partition "
                        + partitionId + " is locked by transaction " + holder, holder);
            }
            SpaceEntry current = engine.readById(t, id);
            long expected = p.expectedVersions()[i];
            if (expected >= 0 && (current == null ? 0 : current.version()) != expected) {
                throw new TransactionConflictException("transaction " + p.txId() + ": entry of " + t.name() + " id=" + id
                        + " changed since the transaction read it (version " + expected + ", now "
                        + (current == null ? "absent" : current.version()) + ")", null);
            }
            if (op instanceof Command.TakeById && current == null) {
                throw new TransactionConflictException("transaction " + p.txId() + ": the entry of " + t.name() + " id=" + id
                        + " it took is gone", null);
            }
            if (op instanceof Command.Write w && w.mode() == WriteMode.WRITE_ONLY && current != null && expected < 0) {
                throw new io.khora.EntryAlreadyExistsException(t.name(), id);
            }
            if (op instanceof Command.Write w && w.mode() == WriteMode.UPDATE_ONLY && current == null) {
                throw new io.khora.EntryNotFoundException(t.name(), id, "the transaction's update");
            }
            keys.add(k);
        }
        if (p.participants().length == 1) {
            applyOnePhase.run();
            decisions.put(p.txId(), new Decision(true, now));
            return;
        }
        for (List<Object> k : keys) {
            locks.put(k, p.txId());
        }
        prepared.put(p.txId(), new Prepared(p, now + p.timeoutMillis()));
    }

    /**
     * Commits {@code txId}'s part: answers 1, or 0 if the transaction was aborted here. {@code apply}
     * applies the prepared part (under the locks, which are then released).
     */
    synchronized int commit(String txId, long now, java.util.function.Consumer<Command.TxPrepare> apply) {
        forgetOld(now);
        Decision d = decisions.get(txId);
        if (d != null) {
            return d.committed() ? 1 : 0;
        }
        Prepared p = prepared.remove(txId);
        if (p == null) {
            // never prepared here (its prepare failed, or came late): nothing to apply; the outcome is abort
            decisions.put(txId, new Decision(false, now));
            return 0;
        }
        unlock(p);
        apply.accept(p.command());
        decisions.put(txId, new Decision(true, now));
        return 1;
    }

    /** Aborts {@code txId}'s part unless it committed: answers 1 if committed, 0 if aborted. */
    synchronized int abort(String txId, long now) {
        forgetOld(now);
        Decision d = decisions.get(txId);
        if (d != null) {
            return d.committed() ? 1 : 0;
        }
        Prepared p = prepared.remove(txId);
        if (p != null) {
            unlock(p);
        }
        decisions.put(txId, new Decision(false, now));
        return 0;
    }

    private void unlock(Prepared p) {
        for (Command op : p.command().ops()) {
            TypeDescriptor t = type(typeOf(op));
            locks.remove(key(t, idOf(op, t)), p.command().txId());
        }
    }

    private void forgetOld(long now) {
        Iterator<Decision> it = decisions.values().iterator();
        while (it.hasNext() && now - it.next().at() > DECISION_MILLIS) {
            it.remove();
        }
    }

    private TypeDescriptor type(String name) {
        TypeDescriptor t = types.apply(name);
        if (t == null) {
            throw new io.khora.SpaceTypeException("type " + name + " is not declared in partition " + partitionId + " of space '"
                    + spaceName + "'");
        }
        return t;
    }

    // ================================================================ checks for plain mutations

    /** The transaction holding the entry, or null. */
    synchronized String holder(TypeDescriptor t, Object id) {
        return locks.isEmpty() ? null : locks.get(key(t, id));
    }

    /** Whether any entry is locked. */
    synchronized boolean anyLocked() {
        return !locks.isEmpty();
    }

    /** Refuses a plain mutation of a locked entry. */
    void checkUnlocked(TypeDescriptor t, Object id) {
        String h = holder(t, id);
        if (h != null) {
            throw new EntryLockedException("entry of " + t.name() + " id=" + id + " in partition " + partitionId
                    + " is locked by the prepared transaction " + h, h);
        }
    }

    /** The prepared parts whose timeout ran out by {@code now}: txId → home partition. */
    synchronized Map<String, Integer> overdue(long now) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Prepared p : prepared.values()) {
            if (p.deadline() <= now) {
                out.put(p.command().txId(), p.command().home());
            }
        }
        return out;
    }

    /** How many parts are prepared (status, tests). */
    synchronized int preparedCount() {
        return prepared.size();
    }

    /** The entries locked (status, tests). */
    synchronized int lockCount() {
        return locks.size();
    }

    // ================================================================ snapshots

    synchronized void writeTo(WireOutput w) {
        w.writeVarInt(prepared.size());
        for (Prepared p : prepared.values()) {
            w.writeBytes(CommandCodec.encode(p.command(), p.deadline()));
        }
        w.writeVarInt(decisions.size());
        for (Map.Entry<String, Decision> e : decisions.entrySet()) {
            w.writeString(e.getKey());
            w.writeBoolean(e.getValue().committed());
            w.writeSignedVarLong(e.getValue().at());
        }
    }

    synchronized void readFrom(WireInput r) {
        clear();
        int n = r.readVarInt();
        for (int i = 0; i < n; i++) {
            byte[] entry = r.readBytes();
            CommandCodec.Decoded d = CommandCodec.decode(entry, 0, entry.length, r.javaDeserialization());
            Command.TxPrepare p = (Command.TxPrepare) d.command();
            prepared.put(p.txId(), new Prepared(p, d.time()));
            for (Command op : p.ops()) {
                TypeDescriptor t = type(typeOf(op));
                locks.put(key(t, idOf(op, t)), p.txId());
            }
        }
        int m = r.readVarInt();
        for (int i = 0; i < m; i++) {
            decisions.put(r.readString(), new Decision(r.readBoolean(), r.readSignedVarLong()));
        }
    }

    synchronized void clear() {
        prepared.clear();
        locks.clear();
        decisions.clear();
    }

    /** The changes a part's operations make, applied to {@code engine} (commit time: no check can fail). */
    static void applyPart(Command.TxPrepare p, PartitionEngine engine, Function<String, TypeDescriptor> types) {
        for (Command op : p.ops()) {
            if (op instanceof Command.Write w) {
                TypeDescriptor t = types.apply(w.typeName());
                engine.write(t, w.values().clone(), w.lease(), WriteMode.UPDATE_OR_WRITE);
            } else {
                Command.TakeById tk = (Command.TakeById) op;
                engine.takeById(types.apply(tk.typeName()), tk.id());
            }
        }
    }
}

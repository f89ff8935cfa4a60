package io.khora.cluster.raft;

import io.khora.ChangeSet;
import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.wire.WireFormatException;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;

import java.util.ArrayList;
import java.util.List;

/**
 * The byte layout of log entries and of their responses, in Khora's wire encoding
 * ({@link WireOutput}: varints, tagged values).
 *
 * <pre>
 * log entry  = format:byte(1) opcode:byte leaderTime:signedVarLong body
 * DECLARE_TYPE  body = TypeDeclaration (see {@link TypeDeclaration#writeTo})
 * WRITE         body = typeName:string values:value(Object[]) lease mode:byte(1 UPDATE_OR_WRITE, 2 WRITE_ONLY, 3 UPDATE_ONLY)
 * TAKE_BY_ID    body = typeName:string id:value
 * TAKE_QUERY    body = typeName:string query max:varint   (read only: written before TAKE_QUERY_BUDGET; no budget)
 * TAKE_QUERY_BUDGET body = typeName:string query max:varint maxBytes:varLong
 *                      (takes while the encoded entries stay within maxBytes, at least one; Long.MAX_VALUE: no budget)
 * CHANGE        body = typeName:string query changeSet
 * CLEAR         body = typeName:string query
 * RENEW         body = typeName:string id:value lease
 * EXPIRE_SWEEP, BARRIER  body = (empty)
 * OUTBOX_START  body = logId:string
 * OUTBOX_ACK    body = logId:string sequence:varLong   (written by versions without mirror leases: epoch 0)
 * OUTBOX_ACK_FENCED  body = logId:string sequence:varLong epoch:varLong
 * MIRROR_LEASE  body = kind:byte(1 acquire, 2 renew, 3 release) holder:string epoch:varLong durationMillis:varLong
 * TX_PREPARE    body = txId:string count:varint participant:varint* home:varint timeoutMillis:varLong
 *                      count:varint (opcode:byte body expectedVersion:signedVarLong)*   (opcode WRITE or TAKE_BY_ID)
 * TX_COMMIT, TX_ABORT  body = txId:string
 * CALL          body = clientHigh:long(8) clientLow:long(8) sequence:signedVarLong answeredBelow:signedVarLong retry:bool opcode:byte body
 *                      (a client mutation, deduplicated)
 * BATCH         body = count:varint (opcode:byte body)*   (opcode: any but BATCH; group commit)
 * lease      = signedVarLong: -1 FOREVER, else milliseconds (&gt; 0)
 * query      = kind:byte(0 text, 1 template, 2 all) text:string args:value(Object[])
 * changeSet  = count:varint (op:byte(1 set, 2 unset, 3 increment, 4 add, 5 remove) property:string value:value)*
 *              lease:signedVarLong(-2 none, else as lease)
 *
 * response   = 0:byte result | 1:byte error (see {@link ErrorCode})
 * results: WRITE version:varLong created:bool expiresAt:signedVarLong; TAKE_BY_ID present:bool [entry];
 *          TAKE_QUERY count:varint entry*; TAKE_QUERY_BUDGET count:varint entry* more:bool (stopped at the budget
 *          with matches left; absent in a response recorded before, read as false);
 *          CHANGE, CLEAR, EXPIRE_SWEEP, RETURN_TAKEN, OUTBOX_ACK(_FENCED) count:varint;
 *          MIRROR_LEASE epoch:varLong expiresAt:signedVarLong; TX_PREPARE nothing; TX_COMMIT, TX_ABORT committed:varint(1 committed, 0 aborted); RENEW expiresAt:signedVarLong;
 *          DECLARE_TYPE, BARRIER nothing; CALL the wrapped command's response (the recorded one for a repeated call);
 *          BATCH count:varint response:bytes* (each command's own response, in order)
 * entry      = typeName:string values:value(Object[]) version:varLong expiresAt:signedVarLong
 * </pre>
 *
 * Opcodes and codes are a persistent format (logs and snapshots outlive a release): never renumber.
 */
public final class CommandCodec {
    /** The log entry format version. */
    static final int FORMAT = 1;

    static final int DECLARE_TYPE = 1;
    static final int WRITE = 2;
    static final int TAKE_BY_ID = 3;
    static final int TAKE_QUERY = 4;
    static final int CHANGE = 5;
    static final int CLEAR = 6;
    static final int RENEW = 7;
    static final int EXPIRE_SWEEP = 8;
    static final int BARRIER = 9;
    static final int CALL = 10;
    static final int BATCH = 11;
    static final int RETURN_TAKEN = 12;
    static final int OUTBOX_START = 13;
    static final int OUTBOX_ACK = 14;
    static final int TX_PREPARE = 15;
    static final int TX_COMMIT = 16;
    static final int TX_ABORT = 17;
    static final int TAKE_QUERY_BUDGET = 18;
    static final int MIRROR_LEASE = 19;
    static final int OUTBOX_ACK_FENCED = 20;

    private static final int OK = 0;
    private static final int ERROR = 1;

    private CommandCodec() {
    }

    /** A decoded log entry. @param time the leader's timestamp @param command the command */
    public record Decoded(long time, Command command) {
    }

    // ================================================================ commands

    /**
     * A command encoded without the entry header (format, time): its opcode and its body. The
     * proposer encodes each command once, on the caller's thread, and builds the log entry — one
     * command, or a batch — when it is sent.
     *
     * @param opcode the command's opcode
     * @param body its body as laid out in the class comment
     */
    public record Part(int opcode, byte[] body) {
    }

    /** The log entry for {@code c} stamped with the leader's {@code time}. */
    public static byte[] encode(Command c, long time) {
        return entry(time, part(c));
    }

    /** {@code c} without the entry header. */
    public static Part part(Command c) {
        WireOutput out = new WireOutput(64);
        writeBody(out, c);
        return new Part(c.opcode(), out.toByteArray());
    }

    /** The log entry of one command stamped with {@code time}. */
    public static byte[] entry(long time, Part p) {
        byte[] header = header(p.opcode(), time, -1);
        byte[] entry = java.util.Arrays.copyOf(header, header.length + p.body().length);
        System.arraycopy(p.body(), 0, entry, header.length, p.body().length);
        return entry;
    }

    /** The log entry of a {@link Command.Batch} of {@code parts} (none a batch) stamped with {@code time}. */
    public static byte[] batchEntry(long time, List<Part> parts) {
        byte[] header = header(BATCH, time, parts.size());
        int size = header.length;
        for (Part p : parts) {
            if (p.opcode() == BATCH) {
                throw new IllegalArgumentException("batches do not nest");
            }
            size += 1 + p.body().length;
        }
        byte[] entry = java.util.Arrays.copyOf(header, size);
        int at = header.length;
        for (Part p : parts) {
            entry[at++] = (byte) p.opcode();
            System.arraycopy(p.body(), 0, entry, at, p.body().length);
            at += p.body().length;
        }
        return entry;
    }

    private static byte[] header(int opcode, long time, int count) {
        WireOutput out = new WireOutput(16);
        out.writeByte(FORMAT);
        out.writeByte(opcode);
        out.writeSignedVarLong(time);
        if (count >= 0) {
            out.writeVarInt(count);
        }
        return out.toByteArray();
    }

    private static void writeBody(WireOutput out, Command c) {
        if (c instanceof Command.DeclareType d) {
            d.declaration().writeTo(out);
        } else if (c instanceof Command.Write w) {
            out.writeString(w.typeName());
            out.writeValue(w.values());
            writeLease(out, w.lease());
            out.writeByte(switch (w.mode()) {
                case UPDATE_OR_WRITE -> 1;
                case WRITE_ONLY -> 2;
                case UPDATE_ONLY -> 3;
            });
        } else if (c instanceof Command.TakeById t) {
            out.writeString(t.typeName());
            out.writeValue(t.id());
        } else if (c instanceof Command.TakeQuery t) {
            out.writeString(t.typeName());
            writeQuery(out, t.query());
            out.writeVarInt(t.max());
            out.writeVarLong(t.maxBytes());
        } else if (c instanceof Command.Change ch) {
            out.writeString(ch.typeName());
            writeQuery(out, ch.query());
            writeChanges(out, ch.changes());
        } else if (c instanceof Command.Clear cl) {
            out.writeString(cl.typeName());
            writeQuery(out, cl.query());
        } else if (c instanceof Command.Renew r) {
            out.writeString(r.typeName());
            out.writeValue(r.id());
            writeLease(out, r.lease());
        } else if (c instanceof Command.ReturnTaken rt) {
            writeCallId(out, rt.call());
            out.writeVarInt(rt.entries().size());
            for (StoredEntry e : rt.entries()) {
                writeEntry(out, e);
            }
        } else if (c instanceof Command.OutboxStart os) {
            out.writeString(os.logId());
        } else if (c instanceof Command.OutboxAck oa) {
            out.writeString(oa.logId());
            out.writeVarLong(oa.sequence());
            if (oa.epoch() != 0) {
                out.writeVarLong(oa.epoch());
            }
        } else if (c instanceof Command.MirrorLease ml) {
            out.writeByte(ml.kind().ordinal() + 1);
            out.writeString(ml.holder());
            out.writeVarLong(ml.epoch());
            out.writeVarLong(ml.durationMillis());
        } else if (c instanceof Command.TxPrepare tp) {
            out.writeString(tp.txId());
            out.writeVarInt(tp.participants().length);
            for (int p : tp.participants()) {
                out.writeVarInt(p);
            }
            out.writeVarInt(tp.home());
            out.writeVarLong(tp.timeoutMillis());
            out.writeVarInt(tp.ops().size());
            for (int i = 0; i < tp.ops().size(); i++) {
                out.writeByte(tp.ops().get(i).opcode());
                writeBody(out, tp.ops().get(i));
                out.writeSignedVarLong(tp.expectedVersions()[i]);
            }
        } else if (c instanceof Command.TxCommit tc) {
            out.writeString(tc.txId());
        } else if (c instanceof Command.TxAbort ta) {
            out.writeString(ta.txId());
        } else if (c instanceof Command.Call call) {
            writeCallId(out, call.call());
            out.writeByte(call.command().opcode());
            writeBody(out, call.command());
        } else if (c instanceof Command.Batch b) {
            out.writeVarInt(b.commands().size());
            for (Command inner : b.commands()) {
                out.writeByte(inner.opcode());
                writeBody(out, inner);
            }
        } else if (!(c instanceof Command.ExpireSweep) && !(c instanceof Command.Barrier)) {
            throw new IllegalArgumentException("unknown command " + c);
        }
    }

    /**
     * Decodes a log entry written by {@link #encode}, {@link #entry} or {@link #batchEntry}; its
     * Java-serialized values as {@code values} says (a node: refused unless its allow-list has them).
     */
    public static Decoded decode(byte[] data, int offset, int length, JavaDeserialization values) {
        WireInput in = new WireInput(data, offset, length, values);
        int format = in.readByte();
        if (format != FORMAT) {
            throw new WireFormatException("log entry format " + format + " is not supported (this version reads " + FORMAT + ")");
        }
        int op = in.readByte();
        long time = in.readSignedVarLong();
        Command c = readBody(op, in);
        if (in.remaining() != 0) {
            throw new WireFormatException("log entry has " + in.remaining() + " bytes after its command");
        }
        return new Decoded(time, c);
    }

    private static void writeCallId(WireOutput out, CallId id) {
        out.writeLong(id.clientHigh());
        out.writeLong(id.clientLow());
        out.writeSignedVarLong(id.sequence());
        out.writeSignedVarLong(id.answeredBelow());
        out.writeBoolean(id.retry());
    }

    private static CallId readCallId(WireInput in) {
        return new CallId(in.readLong(), in.readLong(), in.readSignedVarLong(), in.readSignedVarLong(), in.readBoolean());
    }

    private static Command readBody(int op, WireInput in) {
        return switch (op) {
            case DECLARE_TYPE -> new Command.DeclareType(TypeDeclaration.readFrom(in));
            case WRITE -> new Command.Write(in.readString(), (Object[]) in.readValue(), readLease(in), switch (in.readByte()) {
                case 1 -> WriteMode.UPDATE_OR_WRITE;
                case 2 -> WriteMode.WRITE_ONLY;
                case 3 -> WriteMode.UPDATE_ONLY;
                default -> throw new WireFormatException("unknown write mode");
            });
            case TAKE_BY_ID -> new Command.TakeById(in.readString(), in.readValue());
            case TAKE_QUERY -> new Command.TakeQuery(in.readString(), readQuery(in), in.readVarInt());
            case TAKE_QUERY_BUDGET -> new Command.TakeQuery(in.readString(), readQuery(in), in.readVarInt(), in.readVarLong());
            case CHANGE -> new Command.Change(in.readString(), readQuery(in), readChanges(in));
            case CLEAR -> new Command.Clear(in.readString(), readQuery(in));
            case RENEW -> new Command.Renew(in.readString(), in.readValue(), readLease(in));
            case EXPIRE_SWEEP -> new Command.ExpireSweep();
            case BARRIER -> new Command.Barrier();
            case OUTBOX_START -> new Command.OutboxStart(in.readString());
            case OUTBOX_ACK -> new Command.OutboxAck(in.readString(), in.readVarLong(), 0L);
            case OUTBOX_ACK_FENCED -> {
                String logId = in.readString();
                long sequence = in.readVarLong();
                long epoch = in.readVarLong();
                if (epoch < 1) {
                    throw new WireFormatException("an OUTBOX_ACK_FENCED entry carries epoch " + epoch);
                }
                yield new Command.OutboxAck(logId, sequence, epoch);
            }
            case MIRROR_LEASE -> {
                int kind = in.readByte();
                if (kind < 1 || kind > Command.MirrorLease.Kind.values().length) {
                    throw new WireFormatException("unknown mirror lease command " + kind);
                }
                yield new Command.MirrorLease(Command.MirrorLease.Kind.values()[kind - 1], in.readString(), in.readVarLong(),
                        in.readVarLong());
            }
            case TX_PREPARE -> {
                String txId = in.readString();
                int np = in.readVarInt();
                if (np < 1 || np > 4096) {
                    throw new WireFormatException("a transaction names " + np + " participants");
                }
                int[] participants = new int[np];
                for (int i = 0; i < np; i++) {
                    participants[i] = in.readVarInt();
                }
                int home = in.readVarInt();
                long timeout = in.readVarLong();
                int n = in.readVarInt();
                if (n < 0 || n > in.remaining()) {
                    throw new WireFormatException("a transaction part claims " + n + " operations");
                }
                List<Command> ops = new ArrayList<>(n);
                long[] expected = new long[n];
                for (int i = 0; i < n; i++) {
                    int inner = in.readByte();
                    if (inner != WRITE && inner != TAKE_BY_ID) {
                        throw new WireFormatException("a transaction part holds opcode " + inner);
                    }
                    ops.add(readBody(inner, in));
                    expected[i] = in.readSignedVarLong();
                }
                yield new Command.TxPrepare(txId, participants, home, timeout, ops, expected);
            }
            case TX_COMMIT -> new Command.TxCommit(in.readString());
            case TX_ABORT -> new Command.TxAbort(in.readString());
            case RETURN_TAKEN -> {
                CallId id = readCallId(in);
                int n = in.readVarInt();
                List<StoredEntry> entries = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    entries.add(readEntry(in));
                }
                yield new Command.ReturnTaken(id, entries);
            }
            case CALL -> {
                CallId id = readCallId(in);
                int inner = in.readByte();
                if (inner == CALL || inner == BATCH) {
                    throw new WireFormatException("a call wraps opcode " + inner);
                }
                yield new Command.Call(id, readBody(inner, in));
            }
            case BATCH -> {
                int n = in.readVarInt();
                if (n < 0 || n > in.remaining()) {
                    throw new WireFormatException("corrupt batch of " + n + " commands in " + in.remaining() + " bytes");
                }
                List<Command> commands = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int inner = in.readByte();
                    if (inner == BATCH) {
                        throw new WireFormatException("batches do not nest");
                    }
                    commands.add(readBody(inner, in));
                }
                yield new Command.Batch(commands);
            }
            default -> throw new WireFormatException("unknown command opcode " + op);
        };
    }

    public static void writeLease(WireOutput out, Lease lease) {
        out.writeSignedVarLong(lease.isForever() ? -1L : lease.toMillis());
    }

    public static Lease readLease(WireInput in) {
        long ms = in.readSignedVarLong();
        return ms == -1L ? Lease.FOREVER : Lease.ofMillis(ms);
    }

    public static void writeQuery(WireOutput out, Command.QuerySpec q) {
        out.writeByte(q.kind().ordinal());
        out.writeString(q.text());
        out.writeValue(q.args());
    }

    public static Command.QuerySpec readQuery(WireInput in) {
        Command.QuerySpec.Kind kind = Command.QuerySpec.Kind.values()[in.readByte()];
        return new Command.QuerySpec(kind, in.readString(), (Object[]) in.readValue());
    }

    public static void writeChanges(WireOutput out, ChangeSet cs) {
        out.writeVarInt(cs.operations().size());
        for (ChangeSet.Operation op : cs.operations()) {
            if (op instanceof ChangeSet.Set s) {
                out.writeByte(1);
                out.writeString(s.property());
                out.writeValue(s.value());
            } else if (op instanceof ChangeSet.Unset u) {
                out.writeByte(2);
                out.writeString(u.property());
                out.writeValue(null);
            } else if (op instanceof ChangeSet.Increment i) {
                out.writeByte(3);
                out.writeString(i.property());
                out.writeValue(i.delta());
            } else if (op instanceof ChangeSet.AddToCollection a) {
                out.writeByte(4);
                out.writeString(a.property());
                out.writeValue(a.value());
            } else if (op instanceof ChangeSet.RemoveFromCollection r) {
                out.writeByte(5);
                out.writeString(r.property());
                out.writeValue(r.value());
            } else {
                throw new IllegalArgumentException("unknown change operation " + op);
            }
        }
        out.writeSignedVarLong(cs.lease() == null ? -2L : cs.lease().isForever() ? -1L : cs.lease().toMillis());
    }

    public static ChangeSet readChanges(WireInput in) {
        ChangeSet cs = ChangeSet.create();
        int n = in.readVarInt();
        for (int i = 0; i < n; i++) {
            int op = in.readByte();
            String property = in.readString();
            Object value = in.readValue();
            cs = switch (op) {
                case 1 -> cs.set(property, value);
                case 2 -> cs.unset(property);
                case 3 -> cs.increment(property, (Number) value);
                case 4 -> cs.addToCollection(property, value);
                case 5 -> cs.removeFromCollection(property, value);
                default -> throw new WireFormatException("unknown change operation " + op);
            };
        }
        long lease = in.readSignedVarLong();
        if (lease != -2L) {
            cs = cs.lease(lease == -1L ? Lease.FOREVER : Lease.ofMillis(lease));
        }
        return cs;
    }

    // ================================================================ responses

    /** The response for a command that produced {@code result} (see the class comment for the layouts). */
    static byte[] encodeResult(int opcode, Object result) {
        WireOutput out = new WireOutput(32);
        out.writeByte(OK);
        switch (opcode) {
            case WRITE -> {
                WriteOutcome w = (WriteOutcome) result;
                out.writeVarLong(w.version());
                out.writeBoolean(w.created());
                out.writeSignedVarLong(w.expiresAt());
            }
            case TAKE_BY_ID -> {
                out.writeBoolean(result != null);
                if (result != null) {
                    writeEntry(out, (StoredEntry) result);
                }
            }
            case TAKE_QUERY, TAKE_QUERY_BUDGET -> {
                @SuppressWarnings("unchecked")
                List<StoredEntry> list = (List<StoredEntry>) result;
                out.writeVarInt(list.size());
                for (StoredEntry e : list) {
                    writeEntry(out, e);
                }
                if (opcode == TAKE_QUERY_BUDGET) {
                    out.writeBoolean(TakenEntries.more(list));
                }
            }
            case CHANGE, CLEAR, EXPIRE_SWEEP, RETURN_TAKEN, OUTBOX_ACK, OUTBOX_ACK_FENCED, TX_COMMIT, TX_ABORT ->
                    out.writeVarInt((Integer) result);
            case RENEW -> out.writeSignedVarLong((Long) result);
            case MIRROR_LEASE -> {
                MirrorLeaseState.Grant g = (MirrorLeaseState.Grant) result;
                out.writeVarLong(g.epoch());
                out.writeSignedVarLong(g.expiresAt());
            }
            default -> {
                // DECLARE_TYPE, BARRIER: nothing
            }
        }
        return out.toByteArray();
    }

    /** The response for a failed command. */
    static byte[] encodeError(RuntimeException e) {
        WireOutput out = new WireOutput(64);
        out.writeByte(ERROR);
        ErrorCode.write(out, e);
        return out.toByteArray();
    }

    /**
     * Decodes the response to a command with {@code opcode}: its result, or the command's failure
     * rebuilt and thrown.
     */
    public static Object decodeResult(int opcode, byte[] response, JavaDeserialization values) {
        if (response == null) {
            throw new IllegalStateException("no response for command " + opcode);
        }
        WireInput in = new WireInput(response, values);
        if (in.readByte() == ERROR) {
            throw ErrorCode.read(in);
        }
        return switch (opcode) {
            case WRITE -> new WriteOutcome(in.readVarLong(), in.readBoolean(), in.readSignedVarLong());
            case TAKE_BY_ID -> in.readBoolean() ? readEntry(in) : null;
            case TAKE_QUERY, TAKE_QUERY_BUDGET -> {
                int n = in.readVarInt();
                List<StoredEntry> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(readEntry(in));
                }
                yield new TakenEntries(list, in.remaining() > 0 && in.readBoolean());
            }
            case CHANGE, CLEAR, EXPIRE_SWEEP, RETURN_TAKEN, OUTBOX_ACK, OUTBOX_ACK_FENCED, TX_COMMIT, TX_ABORT -> in.readVarInt();
            case RENEW -> in.readSignedVarLong();
            case MIRROR_LEASE -> new MirrorLeaseState.Grant(in.readVarLong(), in.readSignedVarLong());
            default -> null;
        };
    }

    /** The response of a batch: each command's response, in order. */
    static byte[] encodeBatchResponse(List<byte[]> responses) {
        int size = 8;
        for (byte[] r : responses) {
            size += r.length + 5;
        }
        WireOutput out = new WireOutput(size);
        out.writeByte(OK);
        out.writeVarInt(responses.size());
        for (byte[] r : responses) {
            out.writeBytes(r);
        }
        return out.toByteArray();
    }

    /**
     * The responses of a batch's commands, in order; throws the failure of the whole entry (a
     * replica that could not decode it).
     */
    public static List<byte[]> batchResponses(byte[] response, JavaDeserialization values) {
        if (response == null) {
            throw new IllegalStateException("no response for a batch");
        }
        WireInput in = new WireInput(response, values);
        if (in.readByte() == ERROR) {
            throw ErrorCode.read(in);
        }
        int n = in.readVarInt();
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readBytes());
        }
        return out;
    }

    /** The opcode whose result layout {@code c}'s response has: a call's is its command's. */
    public static int resultOpcode(Command c) {
        return c instanceof Command.Call call ? call.command().opcode() : c.opcode();
    }

    /**
     * Decodes the response to {@code c}: its result, or its failure rebuilt and thrown. For a
     * {@link Command.Batch} the result is a list with each command's result or, where it failed,
     * its failure (a {@link RuntimeException}).
     */
    public static Object decodeResult(Command c, byte[] response, JavaDeserialization values) {
        if (c instanceof Command.Batch b) {
            List<byte[]> parts = batchResponses(response, values);
            List<Object> out = new ArrayList<>(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                try {
                    out.add(decodeResult(b.commands().get(i), parts.get(i), values));
                } catch (RuntimeException failure) {
                    out.add(failure);
                }
            }
            return out;
        }
        return decodeResult(resultOpcode(c), response, values);
    }

    /** Whether {@code response} (to a command with {@code opcode}) is a take that found nothing. */
    static boolean tookNothing(int opcode, byte[] response) {
        if (opcode != TAKE_BY_ID && opcode != TAKE_QUERY && opcode != TAKE_QUERY_BUDGET) {
            return false;
        }
        // TAKE_BY_ID present=false; TAKE_QUERY(_BUDGET) count=0 (a varint's first byte is 0 only for 0)
        return response.length >= 2 && response.length <= 3 && response[0] == OK && response[1] == 0;
    }

    public static void writeEntry(WireOutput out, StoredEntry e) {
        out.writeString(e.typeName());
        out.writeValue(e.values());
        out.writeVarLong(e.version());
        out.writeSignedVarLong(e.expiresAt());
    }

    public static StoredEntry readEntry(WireInput in) {
        return new StoredEntry(in.readString(), (Object[]) in.readValue(), in.readVarLong(), in.readSignedVarLong());
    }
}

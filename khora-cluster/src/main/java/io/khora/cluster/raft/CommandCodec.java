package io.khora.cluster.raft;

import io.khora.ChangeSet;
import io.khora.Lease;
import io.khora.WriteMode;
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
 * TAKE_QUERY    body = typeName:string query max:varint
 * CHANGE        body = typeName:string query changeSet
 * CLEAR         body = typeName:string query
 * RENEW         body = typeName:string id:value lease
 * EXPIRE_SWEEP, BARRIER  body = (empty)
 * lease      = signedVarLong: -1 FOREVER, else milliseconds (&gt; 0)
 * query      = kind:byte(0 text, 1 template, 2 all) text:string args:value(Object[])
 * changeSet  = count:varint (op:byte(1 set, 2 unset, 3 increment, 4 add, 5 remove) property:string value:value)*
 *              lease:signedVarLong(-2 none, else as lease)
 *
 * response   = 0:byte result | 1:byte error (see {@link ErrorCode})
 * results: WRITE version:varLong created:bool expiresAt:signedVarLong; TAKE_BY_ID present:bool [entry];
 *          TAKE_QUERY count:varint entry*; CHANGE, CLEAR, EXPIRE_SWEEP count:varint; RENEW expiresAt:signedVarLong;
 *          DECLARE_TYPE, BARRIER nothing
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

    private static final int OK = 0;
    private static final int ERROR = 1;

    private CommandCodec() {
    }

    /** A decoded log entry. @param time the leader's timestamp @param command the command */
    public record Decoded(long time, Command command) {
    }

    // ================================================================ commands

    /** The log entry for {@code c} stamped with the leader's {@code time}. */
    public static byte[] encode(Command c, long time) {
        WireOutput out = new WireOutput(64);
        out.writeByte(FORMAT);
        out.writeByte(c.opcode());
        out.writeSignedVarLong(time);
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
        } else if (!(c instanceof Command.ExpireSweep) && !(c instanceof Command.Barrier)) {
            throw new IllegalArgumentException("unknown command " + c);
        }
        return out.toByteArray();
    }

    /** Decodes a log entry written by {@link #encode}. */
    public static Decoded decode(byte[] data, int offset, int length) {
        WireInput in = new WireInput(data, offset, length);
        int format = in.readByte();
        if (format != FORMAT) {
            throw new WireFormatException("log entry format " + format + " is not supported (this version reads " + FORMAT + ")");
        }
        int op = in.readByte();
        long time = in.readSignedVarLong();
        Command c = switch (op) {
            case DECLARE_TYPE -> new Command.DeclareType(TypeDeclaration.readFrom(in));
            case WRITE -> new Command.Write(in.readString(), (Object[]) in.readValue(), readLease(in), switch (in.readByte()) {
                case 1 -> WriteMode.UPDATE_OR_WRITE;
                case 2 -> WriteMode.WRITE_ONLY;
                case 3 -> WriteMode.UPDATE_ONLY;
                default -> throw new WireFormatException("unknown write mode");
            });
            case TAKE_BY_ID -> new Command.TakeById(in.readString(), in.readValue());
            case TAKE_QUERY -> new Command.TakeQuery(in.readString(), readQuery(in), in.readVarInt());
            case CHANGE -> new Command.Change(in.readString(), readQuery(in), readChanges(in));
            case CLEAR -> new Command.Clear(in.readString(), readQuery(in));
            case RENEW -> new Command.Renew(in.readString(), in.readValue(), readLease(in));
            case EXPIRE_SWEEP -> new Command.ExpireSweep();
            case BARRIER -> new Command.Barrier();
            default -> throw new WireFormatException("unknown command opcode " + op);
        };
        return new Decoded(time, c);
    }

    private static void writeLease(WireOutput out, Lease lease) {
        out.writeSignedVarLong(lease.isForever() ? -1L : lease.toMillis());
    }

    private static Lease readLease(WireInput in) {
        long ms = in.readSignedVarLong();
        return ms == -1L ? Lease.FOREVER : Lease.ofMillis(ms);
    }

    private static void writeQuery(WireOutput out, Command.QuerySpec q) {
        out.writeByte(q.kind().ordinal());
        out.writeString(q.text());
        out.writeValue(q.args());
    }

    private static Command.QuerySpec readQuery(WireInput in) {
        Command.QuerySpec.Kind kind = Command.QuerySpec.Kind.values()[in.readByte()];
        return new Command.QuerySpec(kind, in.readString(), (Object[]) in.readValue());
    }

    private static void writeChanges(WireOutput out, ChangeSet cs) {
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

    private static ChangeSet readChanges(WireInput in) {
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
            case TAKE_QUERY -> {
                @SuppressWarnings("unchecked")
                List<StoredEntry> list = (List<StoredEntry>) result;
                out.writeVarInt(list.size());
                for (StoredEntry e : list) {
                    writeEntry(out, e);
                }
            }
            case CHANGE, CLEAR, EXPIRE_SWEEP -> out.writeVarInt((Integer) result);
            case RENEW -> out.writeSignedVarLong((Long) result);
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
    public static Object decodeResult(int opcode, byte[] response) {
        if (response == null) {
            throw new IllegalStateException("no response for command " + opcode);
        }
        WireInput in = new WireInput(response);
        if (in.readByte() == ERROR) {
            throw ErrorCode.read(in);
        }
        return switch (opcode) {
            case WRITE -> new WriteOutcome(in.readVarLong(), in.readBoolean(), in.readSignedVarLong());
            case TAKE_BY_ID -> in.readBoolean() ? readEntry(in) : null;
            case TAKE_QUERY -> {
                int n = in.readVarInt();
                List<StoredEntry> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(readEntry(in));
                }
                yield list;
            }
            case CHANGE, CLEAR, EXPIRE_SWEEP -> in.readVarInt();
            case RENEW -> in.readSignedVarLong();
            default -> null;
        };
    }

    static void writeEntry(WireOutput out, StoredEntry e) {
        out.writeString(e.typeName());
        out.writeValue(e.values());
        out.writeVarLong(e.version());
        out.writeSignedVarLong(e.expiresAt());
    }

    static StoredEntry readEntry(WireInput in) {
        return new StoredEntry(in.readString(), (Object[]) in.readValue(), in.readVarLong(), in.readSignedVarLong());
    }
}

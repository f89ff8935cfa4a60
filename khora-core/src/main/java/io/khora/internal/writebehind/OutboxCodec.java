package io.khora.internal.writebehind;

import io.khora.ChangeSet;
import io.khora.Lease;
import io.khora.internal.engine.Change;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.wire.WireFormatException;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;
import io.khora.persistence.DataSyncOperationType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The byte form of the outbox's records. A non-transactional change:
 * <pre>
 *   byte    format version (1)
 *   byte    operation type (DataSyncOperationType ordinal)
 *   string  type name
 *   string  class name, or "" for a document type
 *   varlong entry version
 *   value   the entry's values (Object[], wire format)
 *   varint  number of change operations, then per operation:
 *           byte kind (0 set, 1 unset, 2 increment, 3 add, 4 remove) · string property · value
 * </pre>
 * A committed transaction's part in the partition (one record, so it is written and recovered whole):
 * <pre>
 *   byte    2
 *   string  transaction id
 *   varint  number of participant partitions, then each (ascending)
 *   varint  number of changes, then per change: varlong its transaction-wide order, then the change
 *           as above from "operation type" on
 * </pre>
 * The void marker of a part whose transaction was rolled back after the part was appended:
 * {@code byte 3 · string transaction id}. The sequence number is the log's, not part of the payload.
 */
public final class OutboxCodec {
    private static final int VERSION = 1;
    private static final int TX_PART = 2;
    private static final int TX_ABORT = 3;
    private static final DataSyncOperationType[] TYPES = DataSyncOperationType.values();

    private OutboxCodec() {
    }

    public static byte[] encode(Change c, WireOutput out) {
        return encode(c, OutboxCodec::javaClassName, out);
    }

    /**
     * Like {@link #encode(Change, WireOutput)}, with the class name of each change's type given by
     * {@code classNames} (a cluster node's types are built from declarations and have no user class).
     */
    public static byte[] encode(Change c, Function<TypeDescriptor, String> classNames, WireOutput out) {
        out.reset();
        out.writeByte(VERSION);
        writeBody(c, classNames, out);
        return out.toByteArray();
    }

    private static String javaClassName(TypeDescriptor t) {
        return t.kind() == TypeDescriptor.Kind.DOCUMENT ? null : t.javaType().getName();
    }

    /** A transaction's part: {@code changes} of {@code partition}, which the transaction changes with {@code participants}. */
    public static byte[] encodeTransaction(String txId, int[] participants, List<Change> changes, long[] order, WireOutput out) {
        return encodeTransaction(txId, participants, changes, order, OutboxCodec::javaClassName, out);
    }

    /** Like {@link #encodeTransaction(String, int[], List, long[], WireOutput)}, with class names given by {@code classNames}. */
    public static byte[] encodeTransaction(String txId, int[] participants, List<Change> changes, long[] order,
                                           Function<TypeDescriptor, String> classNames, WireOutput out) {
        out.reset();
        out.writeByte(TX_PART);
        out.writeString(txId);
        out.writeVarInt(participants.length);
        for (int p : participants) {
            out.writeVarInt(p);
        }
        out.writeVarInt(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            out.writeVarLong(order.length > i ? order[i] : i);
            writeBody(changes.get(i), classNames, out);
        }
        return out.toByteArray();
    }

    /** The void marker of {@code txId}'s part. */
    static byte[] encodeAbort(String txId, WireOutput out) {
        out.reset();
        out.writeByte(TX_ABORT);
        out.writeString(txId);
        return out.toByteArray();
    }

    private static void writeBody(Change c, Function<TypeDescriptor, String> classNames, WireOutput out) {
        SpaceEntry e = c.entry();
        TypeDescriptor t = e.type();
        out.writeByte(c.type().ordinal());
        out.writeString(t.name());
        String className = classNames.apply(t);
        out.writeString(className == null ? "" : className);
        out.writeVarLong(e.version());
        out.writeValue(e.values());
        out.writeVarInt(c.operations().size());
        for (ChangeSet.Operation op : c.operations()) {
            if (op instanceof ChangeSet.Set s) {
                out.writeByte(0);
                out.writeString(s.property());
                out.writeValue(s.value());
            } else if (op instanceof ChangeSet.Unset u) {
                out.writeByte(1);
                out.writeString(u.property());
                out.writeValue(null);
            } else if (op instanceof ChangeSet.Increment i) {
                out.writeByte(2);
                out.writeString(i.property());
                out.writeValue(i.delta());
            } else if (op instanceof ChangeSet.AddToCollection a) {
                out.writeByte(3);
                out.writeString(a.property());
                out.writeValue(a.value());
            } else {
                ChangeSet.RemoveFromCollection r = (ChangeSet.RemoveFromCollection) op;
                out.writeByte(4);
                out.writeString(r.property());
                out.writeValue(r.value());
            }
        }
    }

    /**
     * The change stored in {@code payload} (a non-transactional record) at {@code sequence} of {@code partitionId}; its
     * Java-serialized values treated as {@code javaDeserialization} says.
     */
    static Change decode(byte[] payload, long sequence, int partitionId, TypeResolver types, JavaDeserialization javaDeserialization) {
        WireInput in = new WireInput(payload, javaDeserialization);
        int version = in.readByte();
        if (version != VERSION) {
            throw new WireFormatException("outbox record " + sequence + " has format version " + version + ", expected " + VERSION);
        }
        return readBody(in, sequence, partitionId, types);
    }

    /** The record stored in {@code payload} at {@code sequence} of {@code partitionId}; Java-serialized values as {@code javaDeserialization} says. */
    static OutboxRecord decodeRecord(byte[] payload, long sequence, int partitionId, TypeResolver types,
                                     JavaDeserialization javaDeserialization) {
        WireInput in = new WireInput(payload, javaDeserialization);
        int kind = in.readByte();
        switch (kind) {
            case VERSION -> {
                return new OutboxRecord.Single(readBody(in, sequence, partitionId, types));
            }
            case TX_PART -> {
                String txId = in.readString();
                int np = in.readVarInt();
                if (np < 1 || np > 4096) {
                    throw new WireFormatException("outbox record " + sequence + " names " + np + " participant partitions");
                }
                int[] participants = new int[np];
                for (int i = 0; i < np; i++) {
                    participants[i] = in.readVarInt();
                }
                int n = in.readVarInt();
                if (n < 0 || n > payload.length) {
                    throw new WireFormatException("outbox record " + sequence + " claims " + n + " changes");
                }
                List<Change> changes = new ArrayList<>(n);
                long[] order = new long[n];
                for (int i = 0; i < n; i++) {
                    order[i] = in.readVarLong();
                    changes.add(readBody(in, sequence, partitionId, types));
                }
                return new OutboxRecord.TxRecord(txId, participants, partitionId, List.copyOf(changes), order, sequence);
            }
            case TX_ABORT -> {
                return new OutboxRecord.TxAbort(in.readString(), sequence);
            }
            default -> throw new WireFormatException("outbox record " + sequence + " has format version " + kind + ", expected "
                    + VERSION + ", " + TX_PART + " or " + TX_ABORT);
        }
    }

    private static Change readBody(WireInput in, long sequence, int partitionId, TypeResolver types) {
        int op = in.readByte();
        if (op < 0 || op >= TYPES.length) {
            throw new WireFormatException("outbox record " + sequence + " has an unknown operation type " + op);
        }
        String typeName = in.readString();
        String className = in.readString();
        TypeDescriptor type = types.resolve(typeName, className.isEmpty() ? null : className);
        long entryVersion = in.readVarLong();
        Object[] values = (Object[]) in.readValue();
        int n = in.readVarInt();
        List<ChangeSet.Operation> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int kind = in.readByte();
            String property = in.readString();
            Object value = in.readValue();
            ops.add(switch (kind) {
                case 0 -> new ChangeSet.Set(property, value);
                case 1 -> new ChangeSet.Unset(property);
                case 2 -> new ChangeSet.Increment(property, (Number) value);
                case 3 -> new ChangeSet.AddToCollection(property, value);
                case 4 -> new ChangeSet.RemoveFromCollection(property, value);
                default -> throw new WireFormatException("outbox record " + sequence + " has an unknown change kind " + kind);
            });
        }
        SpaceEntry entry = new SpaceEntry(type, values, entryVersion, Lease.FOREVER.expiryFrom(0));
        return new Change(TYPES[op], entry, List.copyOf(ops), partitionId, sequence);
    }
}

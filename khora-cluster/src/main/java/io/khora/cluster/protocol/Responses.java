package io.khora.cluster.protocol;

import io.khora.SpaceState;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.CommandCodec;
import io.khora.cluster.raft.ErrorCode;
import io.khora.cluster.raft.StoredEntry;
import io.khora.cluster.raft.WriteOutcome;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bodies of responses: each writer has the reader that undoes it. A caller reads a body
 * knowing what it asked (the request kind, and for a mutation its command). A reader of a body that
 * may hold values takes the reader's decision for Java-serialized ones (a client's own; a node's
 * refusal or allow-list for a peer's answer); bodies that hold no values (layouts, statuses, ends of
 * subscriptions) refuse them.
 */
public final class Responses {
    private static final byte[] EMPTY = new byte[0];
    /** For bodies that hold no values: a Java-serialized one there is refused. */
    private static final JavaDeserialization NO_VALUES = JavaDeserialization.refused("an answer that holds no values");

    private Responses() {
    }

    // ================================================================ results

    /** An empty body. */
    public static byte[] empty() {
        return EMPTY;
    }

    /** A text body (a node id, a leader hint, a reason). */
    public static byte[] text(String s) {
        return s == null ? EMPTY : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a text body; null for an empty one. */
    public static String readText(byte[] body) {
        return body.length == 0 ? null : new String(body, StandardCharsets.UTF_8);
    }

    /** The body for a failure (see {@link ErrorCode}). */
    public static byte[] error(RuntimeException e) {
        WireOutput out = new WireOutput(64);
        ErrorCode.write(out, e);
        return out.toByteArray();
    }

    /** The OK body of an AUTH step: whether the connection is now authenticated, and the mechanism's answer. */
    public static byte[] authStep(boolean done, byte[] data) {
        WireOutput out = new WireOutput(16 + data.length);
        out.writeBoolean(done);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /**
     * An AUTH step's answer, as written by {@link #authStep}.
     *
     * @param done whether the connection is now authenticated
     * @param data the mechanism's answer (SCRAM: the server-first or server-final message)
     */
    public record AuthStep(boolean done, byte[] data) {
    }

    /** Reads an AUTH step's answer. */
    public static AuthStep readAuthStep(byte[] body) {
        WireInput in = new WireInput(body, NO_VALUES);
        return new AuthStep(in.readBoolean(), in.readBytes());
    }

    /**
     * The failure of an ERROR body that carries no Java-serialized value (refusals of the handshake,
     * of credentials, of layouts), rebuilt as the exception the node saw.
     */
    public static RuntimeException readError(byte[] body) {
        return readError(body, NO_VALUES);
    }

    /** The failure of an ERROR body, rebuilt as the exception the node saw. */
    public static RuntimeException readError(byte[] body, JavaDeserialization values) {
        return ErrorCode.read(new WireInput(body, values));
    }

    /**
     * The body for the result of {@code command}: WRITE an outcome, TAKE_BY_ID an entry or none,
     * TAKE_QUERY entries and whether its byte budget left matches behind, CHANGE/CLEAR a count, RENEW an expiry.
     */
    public static byte[] mutationResult(Command command, Object result) {
        WireOutput out = new WireOutput(32);
        if (command instanceof Command.Write) {
            WriteOutcome w = (WriteOutcome) result;
            out.writeVarLong(w.version());
            out.writeBoolean(w.created());
            out.writeSignedVarLong(w.expiresAt());
        } else if (command instanceof Command.TakeById) {
            writeOptionalEntry(out, (StoredEntry) result);
        } else if (command instanceof Command.TakeQuery) {
            @SuppressWarnings("unchecked")
            List<StoredEntry> list = (List<StoredEntry>) result;
            writeEntries(out, list);
            out.writeBoolean(io.khora.cluster.raft.TakenEntries.more(list));
        } else if (command instanceof Command.Change || command instanceof Command.Clear || command instanceof Command.OutboxAck
                || command instanceof Command.TxCommit || command instanceof Command.TxAbort) {
            out.writeVarInt((Integer) result);
        } else if (command instanceof Command.Renew) {
            out.writeSignedVarLong((Long) result);
        } else if (command instanceof Command.MirrorLease) {
            io.khora.cluster.raft.MirrorLeaseState.Grant g = (io.khora.cluster.raft.MirrorLeaseState.Grant) result;
            out.writeVarLong(g.epoch());
            out.writeSignedVarLong(g.expiresAt());
        }
        return out.toByteArray();
    }

    /** Reads a body written by {@link #mutationResult} for {@code command}. */
    public static Object readMutationResult(Command command, byte[] body, JavaDeserialization values) {
        WireInput in = new WireInput(body, values);
        if (command instanceof Command.Write) {
            return new WriteOutcome(in.readVarLong(), in.readBoolean(), in.readSignedVarLong());
        } else if (command instanceof Command.TakeById) {
            return readOptionalEntry(in);
        } else if (command instanceof Command.TakeQuery) {
            List<StoredEntry> list = readEntries(in);
            return new io.khora.cluster.raft.TakenEntries(list, in.remaining() > 0 && in.readBoolean());
        } else if (command instanceof Command.Change || command instanceof Command.Clear || command instanceof Command.OutboxAck
                || command instanceof Command.TxCommit || command instanceof Command.TxAbort) {
            return in.readVarInt();
        } else if (command instanceof Command.Renew) {
            return in.readSignedVarLong();
        } else if (command instanceof Command.MirrorLease) {
            return new io.khora.cluster.raft.MirrorLeaseState.Grant(in.readVarLong(), in.readSignedVarLong());
        }
        return null;
    }

    /** The body answering an {@link Request.OutboxPull}: log id, where the outbox stands, then the records. */
    public static byte[] outboxSlice(io.khora.cluster.raft.ReplicatedOutbox.Slice slice) {
        int size = 32;
        for (io.khora.cluster.raft.ReplicatedOutbox.Record r : slice.records()) {
            size += r.payload().length + 12;
        }
        WireOutput out = new WireOutput(size);
        out.writeValue(slice.logId());
        out.writeVarLong(slice.lastSequence());
        out.writeVarLong(slice.acknowledged());
        out.writeVarInt(slice.records().size());
        for (io.khora.cluster.raft.ReplicatedOutbox.Record r : slice.records()) {
            out.writeVarLong(r.sequence());
            out.writeBytes(r.payload());
        }
        return out.toByteArray();
    }

    /** Reads a body written by {@link #outboxSlice}. */
    public static io.khora.cluster.raft.ReplicatedOutbox.Slice readOutboxSlice(byte[] body) {
        WireInput in = new WireInput(body, NO_VALUES); // the records stay bytes: the mirror decodes them
        String logId = (String) in.readValue();
        long last = in.readVarLong();
        long acknowledged = in.readVarLong();
        int n = in.readVarInt();
        if (n < 0 || n > body.length) {
            throw new io.khora.internal.wire.WireFormatException("an outbox slice claims " + n + " records in " + body.length + " bytes");
        }
        List<io.khora.cluster.raft.ReplicatedOutbox.Record> records = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(new io.khora.cluster.raft.ReplicatedOutbox.Record(in.readVarLong(), in.readBytes()));
        }
        return new io.khora.cluster.raft.ReplicatedOutbox.Slice(logId, records, last, acknowledged);
    }

    /** The body for an entry or none. */
    public static byte[] optionalEntry(StoredEntry e) {
        WireOutput out = new WireOutput(64);
        writeOptionalEntry(out, e);
        return out.toByteArray();
    }

    /** Reads a body written by {@link #optionalEntry}. */
    public static StoredEntry readOptionalEntry(byte[] body, JavaDeserialization values) {
        return readOptionalEntry(new WireInput(body, values));
    }

    /** The body for a list of entries. */
    public static byte[] entries(List<StoredEntry> list) {
        WireOutput out = new WireOutput(64);
        writeEntries(out, list);
        return out.toByteArray();
    }

    /** Reads a body written by {@link #entries}. */
    public static List<StoredEntry> readEntries(byte[] body, JavaDeserialization values) {
        return readEntries(new WireInput(body, values));
    }

    /** The body for a count. */
    public static byte[] count(long n) {
        WireOutput out = new WireOutput(8);
        out.writeVarLong(n);
        return out.toByteArray();
    }

    /** Reads a body written by {@link #count}. */
    public static long readCount(byte[] body) {
        return new WireInput(body, NO_VALUES).readVarLong();
    }

    private static void writeOptionalEntry(WireOutput out, StoredEntry e) {
        out.writeBoolean(e != null);
        if (e != null) {
            CommandCodec.writeEntry(out, e);
        }
    }

    private static StoredEntry readOptionalEntry(WireInput in) {
        return in.readBoolean() ? CommandCodec.readEntry(in) : null;
    }

    private static void writeEntries(WireOutput out, List<StoredEntry> list) {
        out.writeVarInt(list.size());
        for (StoredEntry e : list) {
            CommandCodec.writeEntry(out, e);
        }
    }

    private static List<StoredEntry> readEntries(WireInput in) {
        int n = in.readVarInt();
        List<StoredEntry> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(CommandCodec.readEntry(in));
        }
        return list;
    }

    // ================================================================ events

    /** The body of an EVENT frame. */
    public static byte[] event(io.khora.SpaceEventType type, StoredEntry entry) {
        WireOutput out = new WireOutput(64);
        out.writeByte(type.ordinal());
        CommandCodec.writeEntry(out, entry);
        return out.toByteArray();
    }

    /** An EVENT frame's content. @param type what happened @param entry the entry (for a take or expiry: as it was) */
    public record Event(io.khora.SpaceEventType type, StoredEntry entry) {
    }

    /** Reads a body written by {@link #event}. */
    public static Event readEvent(byte[] body, JavaDeserialization values) {
        WireInput in = new WireInput(body, values);
        return new Event(io.khora.SpaceEventType.values()[in.readByte()], CommandCodec.readEntry(in));
    }

    /**
     * An ENDED frame's content.
     *
     * @param resubscribe true when the subscription ended because the node stopped leading the
     *                    partition (or is closing): the client should subscribe at the new leader;
     *                    false when it ended for good (the listener fell too far behind, a bad query)
     * @param reason why
     */
    public record Ended(boolean resubscribe, String reason) {
    }

    /** The body of an ENDED frame. */
    public static byte[] ended(boolean resubscribe, String reason) {
        WireOutput out = new WireOutput(64);
        out.writeBoolean(resubscribe);
        out.writeString(String.valueOf(reason));
        return out.toByteArray();
    }

    /** Reads a body written by {@link #ended}. */
    public static Ended readEnded(byte[] body) {
        WireInput in = new WireInput(body, NO_VALUES);
        return new Ended(in.readBoolean(), in.readString());
    }

    // ================================================================ layout and status

    /** The body for a layout. */
    public static byte[] layout(SpaceLayout l) {
        WireOutput out = new WireOutput(128);
        out.writeString(l.space());
        out.writeVarInt(l.partitions());
        out.writeByte(l.state().ordinal());
        out.writeVarInt(l.nodes().size());
        for (SpaceLayout.NodeAddress n : l.nodes()) {
            out.writeString(n.id());
            out.writeString(n.host());
            out.writeVarInt(n.port());
        }
        out.writeVarInt(l.placement().size());
        for (SpaceLayout.PartitionPlacement p : l.placement()) {
            writeStrings(out, p.replicas());
            out.writeValue(p.leader());
        }
        return out.toByteArray();
    }

    /** Reads a body written by {@link #layout}. */
    public static SpaceLayout readLayout(byte[] body) {
        WireInput in = new WireInput(body, NO_VALUES);
        String space = in.readString();
        int partitions = in.readVarInt();
        SpaceState state = SpaceState.values()[in.readByte()];
        int n = in.readVarInt();
        List<SpaceLayout.NodeAddress> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(new SpaceLayout.NodeAddress(in.readString(), in.readString(), in.readVarInt()));
        }
        int p = in.readVarInt();
        List<SpaceLayout.PartitionPlacement> placement = new ArrayList<>(p);
        for (int i = 0; i < p; i++) {
            placement.add(new SpaceLayout.PartitionPlacement(readStrings(in), (String) in.readValue()));
        }
        return new SpaceLayout(space, partitions, state, nodes, placement);
    }

    /** The body for a node's status. */
    public static byte[] status(NodeStatus s) {
        WireOutput out = new WireOutput(256);
        out.writeString(s.nodeId());
        writeStrings(out, s.members());
        out.writeVarInt(s.replicas().size());
        for (NodeStatus.ReplicaStatus r : s.replicas()) {
            out.writeString(r.space());
            out.writeVarInt(r.partition());
            out.writeByte(r.state().ordinal());
            out.writeValue(r.leader());
            out.writeVarLong(r.term());
            out.writeVarLong(r.commitIndex());
            out.writeVarLong(r.lastAppended());
            out.writeVarLong(r.entries());
            out.writeVarInt(r.followerMatch().size());
            for (Map.Entry<String, Long> e : r.followerMatch().entrySet()) {
                out.writeString(e.getKey());
                out.writeVarLong(e.getValue());
            }
        }
        out.writeVarInt(s.spaces().size());
        for (SpaceLayout l : s.spaces()) {
            out.writeBytes(layout(l));
        }
        return out.toByteArray();
    }

    /** Reads a body written by {@link #status}. */
    public static NodeStatus readStatus(byte[] body) {
        WireInput in = new WireInput(body, NO_VALUES);
        String node = in.readString();
        List<String> members = readStrings(in);
        int n = in.readVarInt();
        List<NodeStatus.ReplicaStatus> replicas = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String space = in.readString();
            int partition = in.readVarInt();
            SpaceState state = SpaceState.values()[in.readByte()];
            String leader = (String) in.readValue();
            long term = in.readVarLong();
            long commit = in.readVarLong();
            long last = in.readVarLong();
            long entries = in.readVarLong();
            int m = in.readVarInt();
            Map<String, Long> match = new LinkedHashMap<>();
            for (int j = 0; j < m; j++) {
                match.put(in.readString(), in.readVarLong());
            }
            replicas.add(new NodeStatus.ReplicaStatus(space, partition, state, leader, term, commit, last, entries, match));
        }
        int spaces = in.readVarInt();
        List<SpaceLayout> layouts = new ArrayList<>(spaces);
        for (int i = 0; i < spaces; i++) {
            layouts.add(readLayout(in.readBytes()));
        }
        return new NodeStatus(node, members, replicas, layouts);
    }

    private static void writeStrings(WireOutput out, List<String> list) {
        out.writeVarInt(list.size());
        for (String s : list) {
            out.writeString(s);
        }
    }

    private static List<String> readStrings(WireInput in) {
        int n = in.readVarInt();
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(in.readString());
        }
        return list;
    }
}

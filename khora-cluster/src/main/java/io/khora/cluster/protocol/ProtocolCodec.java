package io.khora.cluster.protocol;

import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.CommandCodec;
import io.khora.cluster.raft.TypeDeclaration;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.wire.WireFormatException;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes requests and responses (the frame's content, without its length prefix).
 *
 * <pre>
 * request  = version:byte kind:byte requestId:varLong fields…
 *   HELLO     clientHigh:long clientLow:long flags:byte (bit 0: leader-local reads) [maxFrame:varInt] (the client's frame limit)
 *   LAYOUT    space:string
 *   DECLARE   space:string count:varInt declaration*
 *   MUTATE    space:string partition:varInt callSequence:varLong answeredBelow:varLong retry:bool allReplicas:bool command:bytes (a log entry, see CommandCodec)
 *   READ_BY_ID space:string partition:varInt typeName:string id:value
 *   QUERY     space:string partition:varInt typeName:string query max:varInt waitMillis:signedVarLong take:bool callSequence:varLong answeredBelow:varLong retry:bool
 *   COUNT     space:string partition:varInt typeName:string query
 *   STATUS    —
 *   SUBSCRIBE space:string partition:varInt typeName:string query events:varInt (bit per SpaceEventType ordinal)
 *   UNSUBSCRIBE subscription:varLong (the SUBSCRIBE's request id)
 *   OUTBOX_PULL space:string partition:varInt after:varLong max:varInt waitMillis:signedVarLong epoch:varLong (the mirror's lease)
 *   AUTH      mechanism:string data:bytes (SCRAM-SHA-256: client-first, then client-final; EXTERNAL: empty)
 * response = version:byte requestId:varLong status:byte body:bytes
 *   (AUTH's OK body: done:bool data:bytes — the server-first message, then the server-final message)
 * </pre>
 *
 * Until a connection to a node with security on has authenticated, the node accepts only HELLO and
 * AUTH; anything else is answered ERROR "authentication required" (see NodeRequests).
 *
 * An answer larger than the receiver's frame limit travels as several frames with its request id:
 * PART frames with consecutive slices of the body, then a frame with the answer's status and the
 * last slice ({@link #encodeFrames}); the receiver joins them ({@link AnswerParts}).
 *
 * The version byte lets a node refuse a client of another protocol version with a clear error
 * instead of misreading it.
 */
public final class ProtocolCodec {
    /** The protocol version this build speaks. */
    public static final int VERSION = 1;

    private static final int HELLO = 1;
    private static final int LAYOUT = 2;
    private static final int DECLARE = 3;
    private static final int MUTATE = 4;
    private static final int READ_BY_ID = 5;
    private static final int QUERY = 6;
    private static final int COUNT = 7;
    private static final int STATUS = 8;
    private static final int SUBSCRIBE = 9;
    private static final int UNSUBSCRIBE = 10;
    private static final int OUTBOX_PULL = 11;
    private static final int AUTH = 12;
    /** For headers, which hold no values. */
    private static final JavaDeserialization NO_VALUES = JavaDeserialization.refused("a frame header");

    private ProtocolCodec() {
    }

    /** The bytes of {@code r}. */
    public static byte[] encode(Request r) {
        WireOutput out = new WireOutput(64);
        out.writeByte(VERSION);
        if (r instanceof Request.Hello h) {
            header(out, HELLO, h.requestId());
            out.writeLong(h.clientHigh());
            out.writeLong(h.clientLow());
            out.writeByte(h.leaderLocalReads() ? 1 : 0);
            out.writeVarInt(h.maxFrame());
        } else if (r instanceof Request.Layout l) {
            header(out, LAYOUT, l.requestId());
            out.writeString(l.space());
        } else if (r instanceof Request.Declare d) {
            header(out, DECLARE, d.requestId());
            out.writeString(d.space());
            out.writeVarInt(d.declarations().size());
            for (TypeDeclaration t : d.declarations()) {
                t.writeTo(out);
            }
        } else if (r instanceof Request.Mutate m) {
            header(out, MUTATE, m.requestId());
            out.writeString(m.space());
            out.writeVarInt(m.partition());
            out.writeVarLong(m.callSequence());
            out.writeVarLong(m.answeredBelow());
            out.writeBoolean(m.retry());
            out.writeBoolean(m.allReplicas());
            out.writeBytes(CommandCodec.encode(m.command(), 0L));
        } else if (r instanceof Request.ReadById rb) {
            header(out, READ_BY_ID, rb.requestId());
            out.writeString(rb.space());
            out.writeVarInt(rb.partition());
            out.writeString(rb.typeName());
            out.writeValue(rb.id());
        } else if (r instanceof Request.Query q) {
            header(out, QUERY, q.requestId());
            out.writeString(q.space());
            out.writeVarInt(q.partition());
            out.writeString(q.typeName());
            CommandCodec.writeQuery(out, q.query());
            out.writeVarInt(q.max());
            out.writeSignedVarLong(q.waitMillis());
            out.writeBoolean(q.take());
            out.writeVarLong(q.callSequence());
            out.writeVarLong(q.answeredBelow());
            out.writeBoolean(q.retry());
        } else if (r instanceof Request.Count c) {
            header(out, COUNT, c.requestId());
            out.writeString(c.space());
            out.writeVarInt(c.partition());
            out.writeString(c.typeName());
            CommandCodec.writeQuery(out, c.query());
        } else if (r instanceof Request.Status s) {
            header(out, STATUS, s.requestId());
        } else if (r instanceof Request.Subscribe s) {
            header(out, SUBSCRIBE, s.requestId());
            out.writeString(s.space());
            out.writeVarInt(s.partition());
            out.writeString(s.typeName());
            CommandCodec.writeQuery(out, s.query());
            int mask = 0;
            for (io.khora.SpaceEventType t : s.events()) {
                mask |= 1 << t.ordinal();
            }
            out.writeVarInt(mask);
        } else if (r instanceof Request.Unsubscribe u) {
            header(out, UNSUBSCRIBE, u.requestId());
            out.writeVarLong(u.subscription());
        } else if (r instanceof Request.OutboxPull o) {
            header(out, OUTBOX_PULL, o.requestId());
            out.writeString(o.space());
            out.writeVarInt(o.partition());
            out.writeVarLong(o.after());
            out.writeVarInt(o.max());
            out.writeSignedVarLong(o.waitMillis());
            out.writeVarLong(o.epoch());
        } else if (r instanceof Request.Auth a) {
            header(out, AUTH, a.requestId());
            out.writeString(a.mechanism());
            out.writeBytes(a.data());
        }
        return out.toByteArray();
    }

    private static void header(WireOutput out, int kind, long requestId) {
        out.writeByte(kind);
        out.writeVarLong(requestId);
    }

    /**
     * Decodes a request; a malformed one fails with {@link WireFormatException}, as does one holding a
     * Java-serialized value {@code values} refuses (a node's decision for a client's request).
     */
    public static Request decodeRequest(byte[] frame, JavaDeserialization values) {
        WireInput in = new WireInput(frame, values);
        checkVersion(in.readByte());
        int kind = in.readByte();
        long id = in.readVarLong();
        return switch (kind) {
            case HELLO -> new Request.Hello(id, in.readLong(), in.readLong(), (in.readByte() & 1) != 0,
                    in.remaining() > 0 ? in.readVarInt() : 0);
            case LAYOUT -> new Request.Layout(id, in.readString());
            case DECLARE -> {
                String space = in.readString();
                int n = in.readVarInt();
                List<TypeDeclaration> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(TypeDeclaration.readFrom(in));
                }
                yield new Request.Declare(id, space, list);
            }
            case MUTATE -> {
                String space = in.readString();
                int partition = in.readVarInt();
                long seq = in.readVarLong();
                long answeredBelow = in.readVarLong();
                boolean retry = in.readBoolean();
                boolean all = in.readBoolean();
                byte[] command = in.readBytes();
                yield new Request.Mutate(id, space, partition, seq, answeredBelow, retry, all, CommandCodec.decode(command, 0, command.length, values).command());
            }
            case READ_BY_ID -> new Request.ReadById(id, in.readString(), in.readVarInt(), in.readString(), in.readValue());
            case QUERY -> new Request.Query(id, in.readString(), in.readVarInt(), in.readString(), CommandCodec.readQuery(in),
                    in.readVarInt(), in.readSignedVarLong(), in.readBoolean(), in.readVarLong(), in.readVarLong(), in.readBoolean());
            case COUNT -> new Request.Count(id, in.readString(), in.readVarInt(), in.readString(), CommandCodec.readQuery(in));
            case STATUS -> new Request.Status(id);
            case SUBSCRIBE -> {
                String space = in.readString();
                int partition = in.readVarInt();
                String type = in.readString();
                Command.QuerySpec q = CommandCodec.readQuery(in);
                int mask = in.readVarInt();
                java.util.EnumSet<io.khora.SpaceEventType> events = java.util.EnumSet.noneOf(io.khora.SpaceEventType.class);
                for (io.khora.SpaceEventType t : io.khora.SpaceEventType.values()) {
                    if ((mask & (1 << t.ordinal())) != 0) {
                        events.add(t);
                    }
                }
                yield new Request.Subscribe(id, space, partition, type, q, events);
            }
            case UNSUBSCRIBE -> new Request.Unsubscribe(id, in.readVarLong());
            case OUTBOX_PULL -> new Request.OutboxPull(id, in.readString(), in.readVarInt(), in.readVarLong(), in.readVarInt(),
                    in.readSignedVarLong(), in.readVarLong());
            case AUTH -> new Request.Auth(id, in.readString(), in.readBytes());
            default -> throw new WireFormatException("unknown request kind " + kind);
        };
    }

    /** The bytes of {@code r}. */
    public static byte[] encode(Response r) {
        WireOutput out = new WireOutput(16 + r.body().length);
        out.writeByte(VERSION);
        out.writeVarLong(r.requestId());
        out.writeByte(r.status().ordinal());
        out.writeBytes(r.body());
        return out.toByteArray();
    }

    /**
     * The frames carrying {@code r} to a receiver whose frame limit is {@code maxFrame}: one frame if
     * it fits, else PART frames with slices of the body and a last frame with the status.
     */
    public static List<byte[]> encodeFrames(Response r, int maxFrame) {
        int header = 1 + 10 + 1 + 5; // version, request id, status, body length, at most
        if (r.body().length + header <= maxFrame) {
            return List.of(encode(r));
        }
        int slice = maxFrame - header;
        byte[] body = r.body();
        List<byte[]> frames = new ArrayList<>(body.length / slice + 1);
        for (int from = 0; from < body.length; from += slice) {
            int to = Math.min(body.length, from + slice);
            Status status = to == body.length ? r.status() : Status.PART;
            frames.add(encode(new Response(r.requestId(), status, java.util.Arrays.copyOfRange(body, from, to))));
        }
        return frames;
    }

    /** Decodes a response. */
    public static Response decodeResponse(byte[] frame) {
        WireInput in = new WireInput(frame, NO_VALUES); // the body stays bytes: its reader decides
        checkVersion(in.readByte());
        return new Response(in.readVarLong(), Status.of(in.readByte()), in.readBytes());
    }

    /** The request id of a frame that failed to decode past its header, or -1 if even that is unreadable. */
    public static long requestIdOf(byte[] frame) {
        try {
            WireInput in = new WireInput(frame, NO_VALUES);
            in.readByte();
            in.readByte();
            return in.readVarLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The request id of a response frame of which only {@code head} (its first bytes) is known, or -1. */
    public static long responseIdOf(byte[] head) {
        try {
            WireInput in = new WireInput(head, NO_VALUES);
            in.readByte();
            return in.readVarLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static void checkVersion(int version) {
        if (version != VERSION) {
            throw new WireFormatException("protocol version " + version + " is not supported (this side speaks " + VERSION + ")");
        }
    }
}

package io.khora.server;

import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the multi-process tests write: an id unique per writer and sequence ({@code w3-000017}), a
 * routing value that spreads the entries over the partitions, and the writer's identity again in
 * the content, so the checker can tell an entry's content is the one written. Most carry no
 * payload; the large ones of the oversized schedule carry one derived from their id
 * ({@link Payloads}), compared byte for byte by {@link #equals}.
 */
public record Item(@SpaceId String id, @SpaceRouting int routing, int writer, int seq, byte[] payload) {
    /** An item without payload. */
    Item(String id, int routing, int writer, int seq) {
        this(id, routing, writer, seq, null);
    }

    static String idOf(int writer, int seq) {
        return String.format("w%d-%06d", writer, seq);
    }

    /** Writer {@code writer}'s item number {@code seq}, with a payload of {@code payloadSize} bytes derived from its id. */
    static Item sized(int writer, int seq, int routing, int payloadSize) {
        String id = idOf(writer, seq);
        return new Item(id, routing, writer, seq, Payloads.of(id, payloadSize));
    }

    /** The payload's length (0: none). */
    int payloadSize() {
        return Payloads.size(payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Item i && routing == i.routing && writer == i.writer && seq == i.seq && Objects.equals(id, i.id)
                && Arrays.equals(normal(payload), normal(i.payload));
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, routing, writer, seq, payloadSize());
    }

    /** Without the payload's bytes: the checker's reports quote items. */
    @Override
    public String toString() {
        return "Item[id=" + id + ", routing=" + routing + ", writer=" + writer + ", seq=" + seq
                + (payloadSize() == 0 ? "" : ", payload=" + payloadSize() + " bytes" + (Payloads.intact(id, payload) ? "" : " NOT ITS OWN"))
                + "]";
    }

    /** No payload and an empty one are the same (a codec may give back either). */
    private static byte[] normal(byte[] b) {
        return b == null || b.length == 0 ? null : b;
    }
}

package io.khora.server;

import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;

/**
 * A large entry of the oversized schedule's paged reads ({@link PagedReadHistory}): numbered, on one
 * routing value, with a payload derived from its id ({@link Payloads}). No other load touches the
 * type. (Its record {@code equals} compares the payload by reference: compare with {@link #intact}.)
 */
public record Ballast(@SpaceId String id, @SpaceRouting int routing, int seq, byte[] payload) {
    static String idOf(int seq) {
        return String.format("b-%06d", seq);
    }

    /** Ballast number {@code seq} on {@code routing}, with {@code payloadSize} bytes of payload. */
    static Ballast of(int seq, int routing, int payloadSize) {
        String id = idOf(seq);
        return new Ballast(id, routing, seq, Payloads.of(id, payloadSize));
    }

    /** Whether this is what {@link #of} wrote: its id matches its number and its payload is its own, {@code payloadSize} bytes. */
    boolean intact(int payloadSize) {
        return id.equals(idOf(seq)) && Payloads.size(payload) == payloadSize && Payloads.intact(id, payload);
    }

    /** Without the payload's bytes. */
    @Override
    public String toString() {
        return "Ballast[id=" + id + ", routing=" + routing + ", seq=" + seq + ", payload=" + Payloads.size(payload) + " bytes]";
    }
}

package io.khora.server;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Payloads of the chaos runs' large entries: {@code size} bytes derived from the entry's id, so a
 * checker can tell an entry it got back carries its own payload, whole — not another entry's, not
 * cut or spliced where an answer was split into parts — without keeping what was written.
 */
final class Payloads {
    private Payloads() {
    }

    /** The payload of entry {@code id} with {@code size} bytes (always the same for the same two). */
    static byte[] of(String id, int size) {
        byte[] b = new byte[size];
        new SplittableRandom(id.hashCode() * 0x9E37_79B9_7F4A_7C15L + size).nextBytes(b);
        return b;
    }

    /** Whether {@code payload} is what {@link #of} gives entry {@code id} at its length (null and empty are intact: no payload). */
    static boolean intact(String id, byte[] payload) {
        return payload == null || payload.length == 0 || Arrays.equals(payload, of(id, payload.length));
    }

    /** Its length, 0 for none. */
    static int size(byte[] payload) {
        return payload == null ? 0 : payload.length;
    }
}

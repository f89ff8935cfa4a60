package io.khora.bench.cluster;

import io.khora.annotation.SpaceId;

/**
 * The cluster benchmark's entry: a {@code long} id (also the routing value: Khora routes by the id
 * when no {@code @SpaceRouting} is declared, Hazelcast by the key) and {@value #SIZE} bytes of
 * payload. Khora stores it as the values {@code [id, data]}; Hazelcast as the key {@code id} and
 * the Compact-serialized value ({@link PayloadSerializer}).
 *
 * @param id the id
 * @param data the payload
 */
public record Payload(@SpaceId long id, byte[] data) {
    /** Payload bytes per entry. */
    public static final int SIZE = 100;

    /** An entry of {@code id} with a payload derived from it. */
    public static Payload of(long id) {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            b[i] = (byte) (id + i);
        }
        return new Payload(id, b);
    }
}

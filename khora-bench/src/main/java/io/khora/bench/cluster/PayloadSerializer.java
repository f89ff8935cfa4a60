package io.khora.bench.cluster;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;

/**
 * Hazelcast's recommended serialization (Compact) of {@link Payload} with an explicit,
 * reflection-free serializer, registered on the client only: the members keep values in BINARY
 * format and never deserialize them.
 */
public final class PayloadSerializer implements CompactSerializer<Payload> {
    @Override
    public Payload read(CompactReader in) {
        return new Payload(in.readInt64("id"), in.readArrayOfInt8("data"));
    }

    @Override
    public void write(CompactWriter out, Payload p) {
        out.writeInt64("id", p.id());
        out.writeArrayOfInt8("data", p.data());
    }

    @Override
    public String getTypeName() {
        return "Payload";
    }

    @Override
    public Class<Payload> getCompactClass() {
        return Payload.class;
    }
}

package io.khora.bench.persistence;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;

/** Hazelcast's Compact serialization of {@link BenchTrade}, explicit and reflection-free (as the other families' peers use). */
final class BenchTradeSerializer implements CompactSerializer<BenchTrade> {
    @Override
    public BenchTrade read(CompactReader in) {
        return new BenchTrade(in.readInt64("id"), in.readInt32("account"), in.readString("symbol"), in.readFloat64("price"),
                in.readInt32("quantity"), in.readInt64("tradeTime"));
    }

    @Override
    public void write(CompactWriter out, BenchTrade t) {
        out.writeInt64("id", t.getId());
        out.writeInt32("account", t.getAccount());
        out.writeString("symbol", t.getSymbol());
        out.writeFloat64("price", t.getPrice());
        out.writeInt32("quantity", t.getQuantity());
        out.writeInt64("tradeTime", t.getTradeTime());
    }

    @Override
    public String getTypeName() {
        return "BenchTrade";
    }

    @Override
    public Class<BenchTrade> getCompactClass() {
        return BenchTrade.class;
    }
}

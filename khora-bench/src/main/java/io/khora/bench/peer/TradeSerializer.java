package io.khora.bench.peer;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import io.khora.bench.model.IndexedTrade;
import io.khora.bench.model.PlainTrade;

/**
 * Hazelcast's recommended serialization (Compact) with an explicit, reflection-free serializer, so
 * the peer runs its fastest format and reads indexed fields without deserializing whole values.
 *
 * @param <T> the trade class
 */
public abstract class TradeSerializer<T> implements CompactSerializer<T> {

    /** The serializer of {@link PlainTrade}. */
    public static final class Plain extends TradeSerializer<PlainTrade> {
        @Override
        public PlainTrade read(CompactReader in) {
            return new PlainTrade(in.readInt64("id"), in.readString("symbol"), in.readFloat64("price"),
                    in.readInt32("quantity"), in.readString("trader"), in.readInt64("timestamp"));
        }

        @Override
        public void write(CompactWriter out, PlainTrade t) {
            writeFields(out, t.getId(), t.getSymbol(), t.getPrice(), t.getQuantity(), t.getTrader(), t.getTimestamp());
        }

        @Override
        public String getTypeName() {
            return "PlainTrade";
        }

        @Override
        public Class<PlainTrade> getCompactClass() {
            return PlainTrade.class;
        }
    }

    /** The serializer of {@link IndexedTrade}. */
    public static final class Indexed extends TradeSerializer<IndexedTrade> {
        @Override
        public IndexedTrade read(CompactReader in) {
            return new IndexedTrade(in.readInt64("id"), in.readString("symbol"), in.readFloat64("price"),
                    in.readInt32("quantity"), in.readString("trader"), in.readInt64("timestamp"));
        }

        @Override
        public void write(CompactWriter out, IndexedTrade t) {
            writeFields(out, t.getId(), t.getSymbol(), t.getPrice(), t.getQuantity(), t.getTrader(), t.getTimestamp());
        }

        @Override
        public String getTypeName() {
            return "IndexedTrade";
        }

        @Override
        public Class<IndexedTrade> getCompactClass() {
            return IndexedTrade.class;
        }
    }

    static void writeFields(CompactWriter out, long id, String symbol, double price, int quantity, String trader, long timestamp) {
        out.writeInt64("id", id);
        out.writeString("symbol", symbol);
        out.writeFloat64("price", price);
        out.writeInt32("quantity", quantity);
        out.writeString("trader", trader);
        out.writeInt64("timestamp", timestamp);
    }
}

package io.khora.internal.engine;

import io.khora.Lease;
import io.khora.SpaceEventType;
import io.khora.WriteMode;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceIndex;
import io.khora.annotation.SpaceIndexType;
import io.khora.annotation.SpaceRouting;
import io.khora.annotation.SpaceVersion;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.internal.query.CompiledQuery;
import io.khora.testing.ManualTicker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A partition engine on a {@link ManualTicker}, over one entry type, {@link Item}, recording the
 * events it publishes.
 */
final class EngineFixture {
    /** The entry type: kind is the routing (equality-indexed), qty is ordered, version is optimistic locking's. */
    record Item(@SpaceId String id, @SpaceRouting @SpaceIndex String kind, @SpaceIndex(type = SpaceIndexType.ORDERED) Integer qty,
                @SpaceVersion Long version) {
    }

    static final TypeDescriptor ITEM = TypeIntrospector.describe(Item.class);
    private static final int ID = ITEM.property("id").position();
    private static final int KIND = ITEM.property("kind").position();
    private static final int QTY = ITEM.property("qty").position();

    /** Events as "TYPE id", in publication order. */
    final List<String> events = new ArrayList<>();
    final ManualTicker ticker = new ManualTicker(1_000L);
    final PartitionEngine engine;

    EngineFixture() {
        this(0);
    }

    /** With at most {@code maxEntries} entries (LRU; 0: unbounded). */
    EngineFixture(int maxEntries) {
        EventSink sink = new EventSink() {
            @Override
            public boolean isActive() {
                return true;
            }

            @Override
            public void publish(SpaceEventType type, SpaceEntry entry) {
                events.add(type + " " + entry.id());
            }
        };
        engine = new PartitionEngine("test", 0, ticker, sink, ChangeSink.NONE, maxEntries);
    }

    static Object[] item(String id, String kind, int qty) {
        Object[] values = new Object[ITEM.valuesLength()];
        values[ID] = id;
        values[KIND] = kind;
        values[QTY] = qty;
        return values;
    }

    static CompiledQuery query(String text, Object... args) {
        return CompiledQuery.compile(text, args, ITEM);
    }

    static CompiledQuery all() {
        return CompiledQuery.all(ITEM);
    }

    SpaceEntry write(String id, String kind, int qty) {
        return engine.write(ITEM, item(id, kind, qty), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE).entry();
    }

    SpaceEntry read(String id) {
        return engine.readById(ITEM, id);
    }

    static int qty(SpaceEntry e) {
        return (Integer) e.values()[QTY];
    }

    /** Opens a transaction with a part in the engine's partition. */
    Tx begin(String txId) {
        Tx tx = new Tx();
        tx.part = engine.beginPart(txId, tx);
        return tx;
    }

    /** A transaction with one part, in partition 0. */
    static final class Tx implements TxContext {
        private final AtomicLong order = new AtomicLong();
        TxPart part;

        @Override
        public TxPart partIn(int partitionId) {
            return partitionId == 0 ? part : null;
        }

        @Override
        public boolean exclusiveReads() {
            return false;
        }

        @Override
        public long nextOrder() {
            return order.incrementAndGet();
        }
    }
}

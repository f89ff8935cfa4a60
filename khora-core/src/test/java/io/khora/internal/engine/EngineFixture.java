package io.khora.internal.engine;

import io.khora.Lease;
import io.khora.SpaceEventType;
import io.khora.WriteMode;
import io.khora.annotation.SpaceIndexType;
import io.khora.internal.metadata.EntryCodec;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.query.CompiledQuery;
import io.khora.testing.ManualTicker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A partition engine on a {@link ManualTicker}, over one entry type {@code test.Item} (id, kind
 * indexed for equality, qty ordered, a version), recording the events it publishes.
 */
final class EngineFixture {
    /** The Java class of the Item type (only its name matters here). */
    static final class Item {
    }

    static final EntryCodec CODEC = new EntryCodec() {
        @Override
        public Object[] toValues(Object entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object fromValues(Object[] values) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean writeBack(Object entry, int position, Object value) {
            return false;
        }
    };

    static final TypeDescriptor ITEM = new TypeDescriptor("test.Item", TypeDescriptor.Kind.POJO, Item.class, null, List.of(
            new PropertyDescriptor("id", 0, String.class, SpaceIndexType.NONE),
            new PropertyDescriptor("kind", 1, String.class, SpaceIndexType.EQUAL),
            new PropertyDescriptor("qty", 2, Integer.class, SpaceIndexType.ORDERED),
            new PropertyDescriptor("version", 3, Long.class, SpaceIndexType.NONE)),
            0, 1, 3, false, false, CODEC);

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
        return new Object[] {id, kind, qty, null};
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
        return (Integer) e.values()[2];
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
        private final Map<Integer, TxPart> parts = new HashMap<>();
        TxPart part;

        @Override
        public TxPart partIn(int partitionId) {
            return partitionId == 0 ? part : parts.get(partitionId);
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

package io.khora.internal.writebehind;

import io.khora.ChangeSet;
import io.khora.document.SpaceDocument;
import io.khora.document.SpaceDocumentType;
import io.khora.fixtures.Trade;
import io.khora.internal.engine.Change;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.DocumentTypes;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.wire.WireOutput;
import io.khora.persistence.DataSyncOperationType;
import io.khora.testing.GoldenBytes;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write-behind outbox's record payloads ({@link OutboxCodec}) are a persistent format: a restarted
 * node reads the records an earlier version appended. Every record kind (format-1 change of each
 * operation type, of a class and of a document type; transaction part; abort marker) has golden
 * bytes under {@code src/test/resources/golden/outbox-record/}; see {@link GoldenBytes}.
 */
class OutboxRecordFormatTest {
    static final String FORMAT = "outbox-record";
    static final TypeDescriptor TRADE = TypeIntrospector.describe(Trade.class);
    static final TypeDescriptor QUOTE = DocumentTypes.describe(SpaceDocumentType.builder("Quote")
            .id("sym", String.class).property("bid", double.class).property("tags", List.class).dynamicProperties(true).build());
    static final TypeResolver TYPES = (name, className) -> {
        if (name.equals(TRADE.name()) && TRADE.javaType().getName().equals(className)) {
            return TRADE;
        }
        if (name.equals(QUOTE.name()) && className == null) {
            return QUOTE;
        }
        throw new AssertionError("unexpected type " + name + " / " + className);
    };
    /** Where decoded records claim to be: the log's sequence and partition are not in the payload. */
    static final long SEQUENCE = 17;
    static final int PARTITION = 3;

    /** A sample: its encoding, and the record its golden bytes must decode to. */
    record Sample(Supplier<byte[]> encoding, OutboxRecord decoded) {
    }

    private static SpaceEntry trade(long id, String symbol, Double price, int quantity, String trader, long version) {
        Trade t = new Trade(id, symbol, price, quantity);
        t.setTrader(trader);
        return new SpaceEntry(TRADE, TRADE.codec().toValues(t), version, Long.MAX_VALUE);
    }

    private static SpaceEntry quote() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("sym", "ACME");
        props.put("bid", 12.5);
        props.put("tags", new ArrayList<>(List.of("a", "b")));
        props.put("listed", LocalDate.of(2020, 1, 2));
        props.put("margin", new BigDecimal("0.125"));
        return new SpaceEntry(QUOTE, QUOTE.codec().toValues(new SpaceDocument("Quote", props)), 2, Long.MAX_VALUE);
    }

    private static Change change(DataSyncOperationType type, SpaceEntry entry, ChangeSet.Operation... ops) {
        return new Change(type, entry, List.of(ops), PARTITION, SEQUENCE);
    }

    private static Sample single(Change c) {
        return new Sample(() -> OutboxCodec.encode(c, new WireOutput()), new OutboxRecord.Single(c));
    }

    static Map<String, Sample> samples() {
        Map<String, Sample> s = new LinkedHashMap<>();
        Change write = change(DataSyncOperationType.WRITE, trade(7, "ACME", 12.5, 100, "ann", 1));
        Change every = change(DataSyncOperationType.CHANGE, trade(7, "ACME", 12.5, 103, null, 5),
                new ChangeSet.Set("symbol", "ACME2"), new ChangeSet.Unset("trader"), new ChangeSet.Increment("quantity", 3),
                new ChangeSet.AddToCollection("tags", "x"), new ChangeSet.RemoveFromCollection("tags", 4L));
        Change remove = change(DataSyncOperationType.REMOVE, trade(8, "XYZ", null, 0, null, 9));
        s.put("v1-write", single(write));
        s.put("v1-update", single(change(DataSyncOperationType.UPDATE, trade(7, "ACME", -0.5, 1, "bob", 2))));
        s.put("v1-partial-update", single(change(DataSyncOperationType.PARTIAL_UPDATE, trade(7, "ACME", 13.0, 100, null, 3),
                new ChangeSet.Set("price", 13.0), new ChangeSet.Unset("trader"))));
        s.put("v1-remove", single(remove));
        s.put("v1-change-every-operation", single(every));
        s.put("v1-document-write", single(change(DataSyncOperationType.WRITE, quote())));
        List<Change> txChanges = List.of(write, every, remove);
        long[] order = {5, 9, 12};
        int[] participants = {1, 3, 200};
        s.put("tx-part", new Sample(() -> OutboxCodec.encodeTransaction("tx-0001", participants, txChanges, order, new WireOutput()),
                new OutboxRecord.TxRecord("tx-0001", participants, PARTITION, txChanges, order, SEQUENCE)));
        s.put("tx-abort", new Sample(() -> OutboxCodec.encodeAbort("tx-0001", new WireOutput()),
                new OutboxRecord.TxAbort("tx-0001", SEQUENCE)));
        return s;
    }

    @Test
    void everyRecordKindStillEncodesToItsGoldenBytes() {
        Map<String, Supplier<byte[]>> encodings = new LinkedHashMap<>();
        samples().forEach((name, sample) -> encodings.put(name, sample.encoding()));
        GoldenBytes.assertAllMatch(FORMAT, encodings);
    }

    @Test
    void goldenBytesOfEveryEarlierVersionStillDecode() {
        GoldenBytes.assumeReading();
        Map<String, Sample> samples = samples();
        List<String> files = GoldenBytes.samplesToDecode(FORMAT, samples.keySet());
        for (String name : files) {
            assertThat(samples).as("the expected record of golden file %s (a retired sample keeps its expectation)", name)
                    .containsKey(name);
            byte[] golden = GoldenBytes.read(FORMAT, name);
            OutboxRecord expected = samples.get(name).decoded();
            OutboxRecord decoded = GoldenBytes.decoded(FORMAT, name,
                    () -> OutboxCodec.decodeRecord(golden, SEQUENCE, PARTITION, TYPES, JavaDeserialization.TRUSTED));
            assertThat(decoded).as(name).usingRecursiveComparison().isEqualTo(expected);
            if (expected instanceof OutboxRecord.Single single) {
                assertThat(OutboxCodec.decode(golden, SEQUENCE, PARTITION, TYPES, JavaDeserialization.TRUSTED)).as(name)
                        .usingRecursiveComparison().isEqualTo(single.change());
            }
        }
    }

    @Test
    void everyOperationTypeHasAGoldenSample() {
        assertThat(samples().values()).flatExtracting(s -> s.decoded() instanceof OutboxRecord.Single single
                        ? List.of(single.change().type()) : List.of())
                .contains(DataSyncOperationType.values());
    }
}

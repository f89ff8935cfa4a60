package io.khora.cluster.raft;

import io.khora.ChangeSet;
import io.khora.EntryAlreadyExistsException;
import io.khora.EntryVersionConflictException;
import io.khora.Lease;
import io.khora.SpaceTypeException;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.cluster.fixtures.Trade;
import io.khora.document.SpaceDocumentType;
import io.khora.internal.metadata.DocumentTypes;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.testing.GoldenBytes;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Raft log entries ({@link CommandCodec}: every {@link Command} kind, single entries and batches) and the command
 * responses, which the state machine keeps for repeated calls and puts into snapshots ({@link ClientCalls}), are
 * persistent formats: a node replays the log and installs snapshots an earlier version wrote. Golden bytes under
 * {@code src/test/resources/golden/raft-entry/} and {@code .../raft-response/}; see {@link GoldenBytes}.
 */
class CommandFormatTest {
    static final String ENTRIES = "raft-entry";
    static final String RESPONSES = "raft-response";
    static final long TIME = 1_700_000_000_123L;
    static final TypeDescriptor TRADE = TypeIntrospector.describe(Trade.class);
    static final TypeDescriptor DOC = DocumentTypes.describe(SpaceDocumentType.builder("Quote")
            .id("sym", String.class).property("bid", double.class).property("tags", List.class).dynamicProperties(true).build());
    static final CallId CALL = new CallId(0x0123456789ABCDEFL, -2L, 41L, 40L, false);

    static Object[] trade(String id, String symbol, int qty) {
        return TRADE.codec().toValues(new Trade(id, symbol, qty, new byte[] {1, 2, (byte) qty}, 0));
    }

    static StoredEntry stored(String id, int qty, long version, long expiresAt) {
        return new StoredEntry(TRADE.name(), trade(id, "S", qty), version, expiresAt);
    }

    /** Every command kind, each at least once with every variant of its body (lease, mode, query kind…). */
    static Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("01-declare-type-class", new Command.DeclareType(TypeDeclaration.of(TRADE)));
        c.put("01-declare-type-document", new Command.DeclareType(TypeDeclaration.of(DOC)));
        // a subtype, every index kind, a version property, generated ids (the fixtures declare none of these)
        c.put("01-declare-type-subtype-every-index", new Command.DeclareType(new TypeDeclaration("SpecialQuote", null,
                TypeDescriptor.Kind.DOCUMENT, "Quote", List.of(
                        new TypeDeclaration.PropertyDeclaration("sym", "java.lang.String", false, io.khora.annotation.SpaceIndexType.EQUAL),
                        new TypeDeclaration.PropertyDeclaration("bid", "java.lang.Double", true, io.khora.annotation.SpaceIndexType.ORDERED),
                        new TypeDeclaration.PropertyDeclaration("rev", "java.lang.Long", true, io.khora.annotation.SpaceIndexType.NONE)),
                0, 0, 2, true, false)));
        c.put("02-write-update-or-write-forever", new Command.Write(TRADE.name(), trade("t1", "S", 5), Lease.FOREVER,
                WriteMode.UPDATE_OR_WRITE));
        c.put("02-write-write-only-lease", new Command.Write(TRADE.name(), trade("t2", "S", 6), Lease.ofMillis(1234), WriteMode.WRITE_ONLY));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("extra", new BigDecimal("1.50"));
        c.put("02-write-update-only-document", new Command.Write(DOC.name(), new Object[] {"d1", 2.5,
                new ArrayList<>(List.of("a", "b")), extra}, Lease.ofMillis(1), WriteMode.UPDATE_ONLY));
        c.put("03-take-by-id", new Command.TakeById(TRADE.name(), "t1"));
        c.put("05-change-every-operation", new Command.Change(TRADE.name(), Command.QuerySpec.text("symbol = ? AND qty > ?", "S", 3),
                ChangeSet.create().set("symbol", "T").unset("payload").increment("qty", -2).addToCollection("tags", "x")
                        .removeFromCollection("tags", 3).lease(Lease.ofMillis(99))));
        c.put("05-change-lease-forever", new Command.Change(TRADE.name(), Command.QuerySpec.all(),
                ChangeSet.create().increment("qty", 1L).lease(Lease.FOREVER)));
        c.put("05-change-no-lease", new Command.Change(TRADE.name(), Command.QuerySpec.template(trade(null, "S", 0)),
                ChangeSet.create().set("qty", 1)));
        c.put("06-clear", new Command.Clear(TRADE.name(), Command.QuerySpec.all()));
        c.put("07-renew", new Command.Renew(TRADE.name(), "t1", Lease.ofMillis(60_000)));
        c.put("08-expire-sweep", new Command.ExpireSweep());
        c.put("09-barrier", new Command.Barrier());
        c.put("10-call-write", new Command.Call(CALL, new Command.Write(TRADE.name(), trade("t3", "S", 7), Lease.FOREVER,
                WriteMode.WRITE_ONLY)));
        c.put("10-call-retry-without-answered", new Command.Call(new CallId(1L, 2L, 3L), new Command.TakeById(TRADE.name(), "t3")));
        c.put("12-return-taken", new Command.ReturnTaken(CALL, List.of(stored("t4", 1, 3, Long.MAX_VALUE),
                stored("t5", 2, 1, TIME + 5_000))));
        c.put("13-outbox-start", new Command.OutboxStart("log-7f3a"));
        c.put("14-outbox-ack", new Command.OutboxAck("log-7f3a", 1_000L, 0L));
        c.put("15-tx-prepare", new Command.TxPrepare("tx-0001", new int[] {0, 3, 200}, 3, 30_000L,
                List.of(new Command.Write(TRADE.name(), trade("t6", "S", 8), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE),
                        new Command.TakeById(TRADE.name(), "t7")), new long[] {-1L, 4L}));
        c.put("16-tx-commit", new Command.TxCommit("tx-0001"));
        c.put("17-tx-abort", new Command.TxAbort("tx-0001"));
        c.put("18-take-query-text", new Command.TakeQuery(TRADE.name(), Command.QuerySpec.text("qty > ? AND symbol IN (?, ?)", 3, "A", "B"),
                7));
        c.put("18-take-query-template-budget", new Command.TakeQuery(TRADE.name(), Command.QuerySpec.template(trade(null, "S", 0)), 2,
                65_536L));
        c.put("19-mirror-lease-acquire", new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, "node-a:1", 0L, 30_000L));
        c.put("19-mirror-lease-renew", new Command.MirrorLease(Command.MirrorLease.Kind.RENEW, "node-a:1", 4L, 30_000L));
        c.put("19-mirror-lease-release", new Command.MirrorLease(Command.MirrorLease.Kind.RELEASE, "node-a:1", 4L, 0L));
        c.put("20-outbox-ack-fenced", new Command.OutboxAck("log-7f3a", 1_001L, 4L));
        return c;
    }

    /** The log entry bytes of each sample: one command per entry, a batch, and entries only earlier versions wrote. */
    static Map<String, Supplier<byte[]>> entries() {
        Map<String, Supplier<byte[]>> e = new LinkedHashMap<>();
        commands().forEach((name, c) -> e.put(name, () -> CommandCodec.encode(c, TIME)));
        e.put("11-batch", () -> CommandCodec.batchEntry(TIME, batch().commands().stream().map(CommandCodec::part).toList()));
        e.put("negative-time", () -> CommandCodec.encode(new Command.Barrier(), -5L));
        // TAKE_QUERY (4) is read, no longer written: as TAKE_QUERY_BUDGET without the budget (an unbounded varlong, 9 bytes)
        e.put("04-take-query-before-budgets", () -> {
            byte[] budget = CommandCodec.encode(new Command.TakeQuery(TRADE.name(), Command.QuerySpec.text("qty > ?", 3), 7), TIME);
            byte[] old = Arrays.copyOf(budget, budget.length - 9);
            old[1] = CommandCodec.TAKE_QUERY;
            return old;
        });
        return e;
    }

    static Command.Batch batch() {
        return new Command.Batch(List.of(new Command.DeclareType(TypeDeclaration.of(TRADE)),
                new Command.Call(CALL, new Command.Renew(TRADE.name(), "t1", Lease.ofMillis(5))),
                new Command.ExpireSweep(), new Command.Clear(TRADE.name(), Command.QuerySpec.all())));
    }

    /** What each entry sample decodes to. */
    static Map<String, CommandCodec.Decoded> decodedEntries() {
        Map<String, CommandCodec.Decoded> d = new LinkedHashMap<>();
        commands().forEach((name, c) -> d.put(name, new CommandCodec.Decoded(TIME, c)));
        d.put("11-batch", new CommandCodec.Decoded(TIME, batch()));
        d.put("negative-time", new CommandCodec.Decoded(-5L, new Command.Barrier()));
        d.put("04-take-query-before-budgets", new CommandCodec.Decoded(TIME,
                new Command.TakeQuery(TRADE.name(), Command.QuerySpec.text("qty > ?", 3), 7, Command.TakeQuery.UNBOUNDED)));
        return d;
    }

    /** A response sample: its opcode, its bytes, and its decoded result (a failure: the exception's class and message). */
    record Response(int opcode, Supplier<byte[]> bytes, Object result) {
    }

    static Map<String, Response> responses() {
        Map<String, Response> r = new LinkedHashMap<>();
        r.put("write", ok(CommandCodec.WRITE, new WriteOutcome(7L, true, Long.MAX_VALUE)));
        r.put("write-lease", ok(CommandCodec.WRITE, new WriteOutcome(8L, false, TIME + 1234)));
        r.put("take-by-id-present", ok(CommandCodec.TAKE_BY_ID, stored("t1", 5, 2, Long.MAX_VALUE)));
        r.put("take-by-id-absent", ok(CommandCodec.TAKE_BY_ID, null));
        r.put("take-query-budget-more", new Response(CommandCodec.TAKE_QUERY_BUDGET,
                () -> CommandCodec.encodeResult(CommandCodec.TAKE_QUERY_BUDGET, new TakenEntries(
                        new ArrayList<>(List.of(stored("t1", 5, 2, Long.MAX_VALUE), stored("t2", 6, 1, TIME))), true)),
                new TakenEntries(List.of(stored("t1", 5, 2, Long.MAX_VALUE), stored("t2", 6, 1, TIME)), true)));
        r.put("take-query-before-budgets", new Response(CommandCodec.TAKE_QUERY,
                () -> CommandCodec.encodeResult(CommandCodec.TAKE_QUERY, List.of(stored("t1", 5, 2, Long.MAX_VALUE))),
                new TakenEntries(List.of(stored("t1", 5, 2, Long.MAX_VALUE)), false)));
        r.put("change-count", ok(CommandCodec.CHANGE, 300));
        r.put("tx-commit-committed", ok(CommandCodec.TX_COMMIT, 1));
        r.put("renew", ok(CommandCodec.RENEW, TIME + 60_000));
        r.put("mirror-lease", ok(CommandCodec.MIRROR_LEASE, new MirrorLeaseState.Grant(4L, TIME + 30_000)));
        r.put("declare-type", ok(CommandCodec.DECLARE_TYPE, null));
        r.put("error-already-exists", error(new EntryAlreadyExistsException(TRADE.name(), "t1")));
        r.put("error-version-conflict", error(new EntryVersionConflictException(TRADE.name(), 42L, 3L, 5L)));
        r.put("error-type", error(new SpaceTypeException("type 'X' is not declared")));
        r.put("error-illegal-argument", error(new IllegalArgumentException("bad change")));
        r.put("error-other", error(new IllegalStateException("boom")));
        r.put("batch", new Response(CommandCodec.BATCH, () -> CommandCodec.encodeBatchResponse(List.of(
                CommandCodec.encodeResult(CommandCodec.DECLARE_TYPE, null), CommandCodec.encodeResult(CommandCodec.RENEW, TIME + 5L),
                CommandCodec.encodeError(new SpaceTypeException("no type"))))
                , List.of(CommandCodec.encodeResult(CommandCodec.DECLARE_TYPE, null), CommandCodec.encodeResult(CommandCodec.RENEW, TIME + 5L),
                CommandCodec.encodeError(new SpaceTypeException("no type")))));
        return r;
    }

    private static Response ok(int opcode, Object result) {
        return new Response(opcode, () -> CommandCodec.encodeResult(opcode, result), result);
    }

    private static Response error(RuntimeException e) {
        return new Response(CommandCodec.WRITE, () -> CommandCodec.encodeError(e), e);
    }

    @Test
    void everyCommandKindStillEncodesToItsGoldenBytes() {
        GoldenBytes.assertAllMatch(ENTRIES, entries());
    }

    @Test
    void goldenLogEntriesOfEveryEarlierVersionStillDecode() {
        GoldenBytes.assumeReading();
        Map<String, CommandCodec.Decoded> expected = decodedEntries();
        List<String> files = GoldenBytes.samplesToDecode(ENTRIES, expected.keySet());
        for (String name : files) {
            assertThat(expected).as("the expected command of golden file %s (a retired sample keeps its expectation)", name)
                    .containsKey(name);
            byte[] golden = GoldenBytes.read(ENTRIES, name);
            CommandCodec.Decoded decoded = GoldenBytes.decoded(ENTRIES, name,
                    () -> CommandCodec.decode(golden, 0, golden.length, JavaDeserialization.TRUSTED));
            assertThat(decoded).as(name).usingRecursiveComparison().isEqualTo(expected.get(name));
        }
    }

    @Test
    void everyCommandKindAndOpcodeHasAGoldenSample() {
        Set<Class<?>> kinds = new java.util.HashSet<>();
        Set<Integer> opcodes = new TreeSet<>();
        for (CommandCodec.Decoded d : decodedEntries().values()) {
            kinds.add(d.command().getClass());
            opcodes.add(d.command().opcode());
        }
        opcodes.add(CommandCodec.TAKE_QUERY); // the sample written as earlier versions did
        assertThat(kinds).as("a new Command kind needs a golden sample here")
                .containsAll(Arrays.asList(Command.class.getPermittedSubclasses()));
        List<Integer> all = new ArrayList<>();
        for (int op = CommandCodec.DECLARE_TYPE; op <= CommandCodec.OUTBOX_ACK_FENCED; op++) {
            all.add(op);
        }
        assertThat(opcodes).as("every opcode up to OUTBOX_ACK_FENCED; a new opcode needs a sample").containsAll(all);
    }

    @Test
    void everyResponseStillEncodesToItsGoldenBytes() {
        Map<String, Supplier<byte[]>> encodings = new LinkedHashMap<>();
        responses().forEach((name, r) -> encodings.put(name, r.bytes()));
        GoldenBytes.assertAllMatch(RESPONSES, encodings);
    }

    @Test
    void goldenResponsesOfEveryEarlierVersionStillDecode() {
        GoldenBytes.assumeReading();
        Map<String, Response> expected = responses();
        List<String> files = GoldenBytes.samplesToDecode(RESPONSES, expected.keySet());
        for (String name : files) {
            assertThat(expected).as("the expected result of golden file %s", name).containsKey(name);
            Response r = expected.get(name);
            byte[] golden = GoldenBytes.read(RESPONSES, name);
            if (r.result() instanceof RuntimeException e) {
                assertThatThrownBy(() -> CommandCodec.decodeResult(r.opcode(), golden, JavaDeserialization.TRUSTED)).as(name)
                        .isInstanceOf(e instanceof IllegalStateException ? io.khora.SpaceException.class : e.getClass())
                        .hasMessageContaining(e.getMessage());
            } else if (r.opcode() == CommandCodec.BATCH) {
                assertThat(CommandCodec.batchResponses(golden, JavaDeserialization.TRUSTED)).as(name)
                        .usingRecursiveComparison().isEqualTo(r.result());
            } else {
                Object decoded = CommandCodec.decodeResult(r.opcode(), golden, JavaDeserialization.TRUSTED);
                assertThat(decoded).as(name).usingRecursiveComparison().isEqualTo(r.result());
                if (r.result() instanceof TakenEntries taken) {
                    assertThat(((TakenEntries) decoded).more()).as("%s: more", name).isEqualTo(taken.more());
                }
            }
        }
    }
}

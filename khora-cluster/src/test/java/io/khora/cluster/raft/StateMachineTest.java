package io.khora.cluster.raft;

import io.khora.ChangeSet;
import io.khora.EntryAlreadyExistsException;
import io.khora.Lease;
import io.khora.SpaceTypeException;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.fixtures.Job;
import io.khora.cluster.fixtures.Trade;
import io.khora.document.SpaceDocumentType;
import io.khora.internal.engine.EventSink;
import io.khora.internal.metadata.DocumentTypes;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;

import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The state machine without a network: codec round trips, deterministic apply, snapshots. */
class StateMachineTest {
    static final TypeDescriptor TRADE = TypeIntrospector.describe(Trade.class);
    static final TypeDescriptor JOB = TypeIntrospector.describe(Job.class);
    static final TypeDescriptor DOC = DocumentTypes.describe(SpaceDocumentType.builder("Quote")
            .id("sym", String.class).property("bid", double.class).property("tags", List.class).dynamicProperties(true).build());

    static PartitionStateMachine machine() {
        return new PartitionStateMachine("unit", 0, EventSink.NONE);
    }

    /** Applies {@code c} at {@code time}; returns the decoded result (or throws the command's failure). */
    /** A new machine restored from {@code sm}'s snapshot. */
    static PartitionStateMachine restore(PartitionStateMachine sm) {
        try {
            ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(1024);
            sm.writeContentTo(out);
            PartitionStateMachine restored = machine();
            restored.readContentFrom(new ByteArrayDataInputStream(out.buffer(), 0, out.position()));
            return restored;
        } catch (Exception e) {
            throw new AssertionError("snapshot round trip failed", e);
        }
    }

    static Object apply(PartitionStateMachine sm, Command c, long time) {
        byte[] entry = CommandCodec.encode(c, time);
        return CommandCodec.decodeResult(c, sm.apply(entry, 0, entry.length, true), io.khora.internal.wire.JavaDeserialization.TRUSTED);
    }

    static Object[] trade(String id, String symbol, int qty) {
        return TRADE.codec().toValues(new Trade(id, symbol, qty, new byte[] {1, 2, (byte) qty}, 0));
    }

    @Test
    void everyCommandSurvivesTheCodec() {
        List<Command> commands = List.of(
                new Command.DeclareType(TypeDeclaration.of(TRADE)),
                new Command.DeclareType(TypeDeclaration.of(DOC)),
                new Command.Write(TRADE.name(), trade("t1", "S", 5), Lease.ofMillis(1234), WriteMode.WRITE_ONLY),
                new Command.Write(TRADE.name(), trade("t2", "S", 5), Lease.FOREVER, WriteMode.UPDATE_ONLY),
                new Command.TakeById(TRADE.name(), "t1"),
                new Command.TakeQuery(TRADE.name(), Command.QuerySpec.text("qty > ? AND symbol IN (?, ?)", 3, "A", "B"), 7),
                new Command.TakeQuery(TRADE.name(), Command.QuerySpec.template(trade(null, "S", 0)), 1),
                new Command.Clear(TRADE.name(), Command.QuerySpec.all()),
                new Command.Change(TRADE.name(), Command.QuerySpec.text("symbol = ?", "S"), ChangeSet.create().set("symbol", "T")
                        .unset("payload").increment("qty", -2).addToCollection("tags", "x").removeFromCollection("tags", 3)
                        .lease(Lease.ofMillis(99))),
                new Command.Change(TRADE.name(), Command.QuerySpec.all(), ChangeSet.create().increment("qty", 1L)),
                new Command.Renew(TRADE.name(), 42L, Lease.FOREVER),
                new Command.ExpireSweep(),
                new Command.Barrier(),
                new Command.Call(new CallId(-1L, 42L, 7L), new Command.TakeById(TRADE.name(), "t1")),
                new Command.Call(new CallId(1L, 2L, Long.MAX_VALUE), new Command.Write(TRADE.name(), trade("t3", "S", 5),
                        Lease.FOREVER, WriteMode.WRITE_ONLY)),
                new Command.Batch(List.of(new Command.DeclareType(TypeDeclaration.of(JOB)),
                        new Command.Call(new CallId(3L, 4L, 0L), new Command.Renew(TRADE.name(), "t1", Lease.ofMillis(5))),
                        new Command.ExpireSweep(), new Command.Clear(TRADE.name(), Command.QuerySpec.all()))));
        for (Command c : commands) {
            byte[] bytes = CommandCodec.encode(c, -77L);
            CommandCodec.Decoded d = CommandCodec.decode(bytes, 0, bytes.length, io.khora.internal.wire.JavaDeserialization.TRUSTED);
            assertThat(d.time()).isEqualTo(-77L);
            assertThat(CommandCodec.encode(d.command(), -77L)).as(c.toString()).isEqualTo(bytes);
        }
    }

    @Test
    void aReplicaBuildsTheLayoutFromTheDeclarationAlone() {
        TypeDeclaration d = TypeDeclaration.of(TRADE);
        TypeDescriptor replica = d.toDescriptor(null);
        assertThat(replica.name()).isEqualTo(TRADE.name());
        assertThat(replica.properties()).extracting(p -> p.name() + ":" + p.type().getSimpleName() + ":" + p.index())
                .isEqualTo(TRADE.properties().stream().map(p -> p.name() + ":" + p.type().getSimpleName() + ":" + p.index()).toList());
        assertThat(replica.idIndex()).isEqualTo(TRADE.idIndex());
        assertThat(replica.versionIndex()).isEqualTo(TRADE.versionIndex());
        assertThat(replica.property("qty").isPrimitive()).isTrue();
        assertThatThrownBy(() -> replica.codec().fromValues(new Object[5])).isInstanceOf(UnsupportedOperationException.class);
        // user classes are not needed: a property of a non-JDK type is Object on every replica
        assertThat(TypeDeclaration.resolve("com.example.Money")).isEqualTo(Object.class);
        assertThat(TypeDeclaration.resolve("java.math.BigDecimal")).isEqualTo(java.math.BigDecimal.class);
    }

    @Test
    void failuresAreOutcomesAndLeaveTheStateAlone() {
        PartitionStateMachine sm = machine();
        assertThatThrownBy(() -> apply(sm, new Command.Write(TRADE.name(), trade("t1", "S", 1), Lease.FOREVER, WriteMode.WRITE_ONLY), 1))
                .isInstanceOf(SpaceTypeException.class).hasMessageContaining("not declared");
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1);
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1); // idempotent
        TypeDeclaration other = new TypeDeclaration(TRADE.name(), null, TypeDescriptor.Kind.DOCUMENT, null,
                List.of(new TypeDeclaration.PropertyDeclaration("id", "java.lang.String", false, io.khora.annotation.SpaceIndexType.NONE)),
                0, 0, -1, false, false);
        assertThatThrownBy(() -> apply(sm, new Command.DeclareType(other), 1)).isInstanceOf(SpaceTypeException.class)
                .hasMessageContaining("another layout");
        assertThat(apply(sm, new Command.Write(TRADE.name(), trade("t1", "S", 1), Lease.FOREVER, WriteMode.WRITE_ONLY), 2))
                .isEqualTo(new WriteOutcome(1, true, Long.MAX_VALUE));
        List<StoredEntry> before = sm.contents();
        assertThatThrownBy(() -> apply(sm, new Command.Write(TRADE.name(), trade("t1", "S", 9), Lease.FOREVER, WriteMode.WRITE_ONLY), 3))
                .isInstanceOf(EntryAlreadyExistsException.class).hasMessageContaining("t1");
        assertThatThrownBy(() -> apply(sm, new Command.Change(TRADE.name(), Command.QuerySpec.all(),
                ChangeSet.create().increment("symbol", 1)), 3)).isInstanceOf(RuntimeException.class);
        assertThat(sm.contents()).isEqualTo(before);
        assertThat(sm.appliedCommands()).isEqualTo(7);
        // log time never runs backwards: a command stamped earlier applies at the latest time seen
        apply(sm, new Command.Write(TRADE.name(), trade("t2", "S", 1), Lease.ofMillis(10), WriteMode.WRITE_ONLY), 1);
        assertThat(sm.contents().get(1).expiresAt()).isEqualTo(3 + 10);
    }

    @Test
    void aBatchAppliesEachCommandInOrderWithItsOwnResult() {
        PartitionStateMachine sm = machine();
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1);
        // as the proposer builds it: parts, one entry
        List<Command> commands = List.of(
                new Command.Write(TRADE.name(), trade("a", "S", 1), Lease.FOREVER, WriteMode.WRITE_ONLY),
                new Command.Write(TRADE.name(), trade("a", "S", 2), Lease.FOREVER, WriteMode.WRITE_ONLY), // fails: exists
                new Command.Change(TRADE.name(), Command.QuerySpec.all(), ChangeSet.create().increment("qty", 10)),
                new Command.TakeById(TRADE.name(), "a"),
                new Command.TakeById(TRADE.name(), "a")); // nothing left
        List<CommandCodec.Part> parts = commands.stream().map(CommandCodec::part).toList();
        byte[] entry = CommandCodec.batchEntry(5, parts);
        CommandCodec.Decoded d = CommandCodec.decode(entry, 0, entry.length, io.khora.internal.wire.JavaDeserialization.TRUSTED);
        assertThat(d.command()).isInstanceOf(Command.Batch.class);
        assertThat(((Command.Batch) d.command()).commands()).hasSize(5);
        assertThat(CommandCodec.encode(d.command(), 5)).isEqualTo(entry);
        List<byte[]> responses = CommandCodec.batchResponses(sm.apply(entry, 0, entry.length, true), io.khora.internal.wire.JavaDeserialization.TRUSTED);
        assertThat(responses).hasSize(5);
        assertThat(CommandCodec.decodeResult(CommandCodec.WRITE, responses.get(0), io.khora.internal.wire.JavaDeserialization.TRUSTED)).isEqualTo(new WriteOutcome(1, true, Long.MAX_VALUE));
        assertThatThrownBy(() -> CommandCodec.decodeResult(CommandCodec.WRITE, responses.get(1), io.khora.internal.wire.JavaDeserialization.TRUSTED))
                .isInstanceOf(EntryAlreadyExistsException.class);
        assertThat(CommandCodec.decodeResult(CommandCodec.CHANGE, responses.get(2), io.khora.internal.wire.JavaDeserialization.TRUSTED)).isEqualTo(1);
        StoredEntry taken = (StoredEntry) CommandCodec.decodeResult(CommandCodec.TAKE_BY_ID, responses.get(3), io.khora.internal.wire.JavaDeserialization.TRUSTED);
        assertThat(taken.values()[TRADE.property("qty").position()]).isEqualTo(11);
        assertThat(taken.version()).isEqualTo(2);
        assertThat(CommandCodec.decodeResult(CommandCodec.TAKE_BY_ID, responses.get(4), io.khora.internal.wire.JavaDeserialization.TRUSTED)).isNull();
        assertThat(sm.contents()).isEmpty();
        assertThat(sm.appliedCommands()).as("one log entry").isEqualTo(2);
        // a single part is a plain entry, byte for byte
        Command w = new Command.Write(TRADE.name(), trade("b", "S", 1), Lease.FOREVER, WriteMode.WRITE_ONLY);
        assertThat(CommandCodec.entry(9, CommandCodec.part(w))).isEqualTo(CommandCodec.encode(w, 9));
    }

    @Test
    void aRepeatedCallAnswersItsFirstResponseAndIsAppliedOnce() throws Exception {
        PartitionStateMachine sm = machine();
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1);
        CallId c1 = CallId.of(java.util.UUID.randomUUID(), 1);
        Command write = new Command.Call(c1, new Command.Write(TRADE.name(), trade("a", "S", 1), Lease.ofMillis(100), WriteMode.WRITE_ONLY));
        WriteOutcome first = (WriteOutcome) apply(sm, write, 10);
        assertThat(apply(sm, write, 50)).as("same outcome, not EntryAlreadyExists").isEqualTo(first);
        assertThat(first.expiresAt()).isEqualTo(110);

        CallId c2 = c1.withSequence(2);
        Command change = new Command.Call(c2, new Command.Change(TRADE.name(), Command.QuerySpec.all(),
                ChangeSet.create().increment("qty", 5)));
        assertThat(apply(sm, change, 60)).isEqualTo(1);
        assertThat(apply(sm, change, 61)).isEqualTo(1);
        assertThat(sm.contents().get(0).values()[TRADE.property("qty").position()]).as("incremented once").isEqualTo(6);

        // failures are remembered too
        Command dup = new Command.Call(c1.withSequence(3), new Command.Write(TRADE.name(), trade("a", "S", 9), Lease.FOREVER,
                WriteMode.WRITE_ONLY));
        assertThatThrownBy(() -> apply(sm, dup, 62)).isInstanceOf(EntryAlreadyExistsException.class);
        apply(sm, new Command.Clear(TRADE.name(), Command.QuerySpec.all()), 63);
        assertThatThrownBy(() -> apply(sm, dup, 64)).as("the recorded failure, not a new write").isInstanceOf(EntryAlreadyExistsException.class);
        assertThat(sm.contents()).isEmpty();

        // a take that took nothing is not remembered: repeated, it takes what is there now
        Command take = new Command.Call(c1.withSequence(4), new Command.TakeQuery(TRADE.name(), Command.QuerySpec.all(), 5));
        assertThat((List<?>) apply(sm, take, 65)).isEmpty();
        apply(sm, new Command.Write(TRADE.name(), trade("b", "S", 1), Lease.FOREVER, WriteMode.WRITE_ONLY), 66);
        @SuppressWarnings("unchecked")
        List<StoredEntry> got = (List<StoredEntry>) apply(sm, take, 67);
        assertThat(got).extracting(e -> e.values()[0]).containsExactly("b");
        apply(sm, new Command.Write(TRADE.name(), trade("c", "S", 1), Lease.FOREVER, WriteMode.WRITE_ONLY), 68);
        assertThat(apply(sm, take, 69)).as("now remembered").isEqualTo(got);
        assertThat(sm.contents()).extracting(e -> e.values()[0]).containsExactly("c");

        // the same call inside a batch answers the same
        byte[] entry = CommandCodec.batchEntry(70, List.of(CommandCodec.part(take), CommandCodec.part(write)));
        List<byte[]> rs = CommandCodec.batchResponses(sm.apply(entry, 0, entry.length, true), io.khora.internal.wire.JavaDeserialization.TRUSTED);
        assertThat(CommandCodec.decodeResult(CommandCodec.TAKE_QUERY, rs.get(0), io.khora.internal.wire.JavaDeserialization.TRUSTED)).isEqualTo(got);
        assertThat(CommandCodec.decodeResult(CommandCodec.WRITE, rs.get(1), io.khora.internal.wire.JavaDeserialization.TRUSTED)).isEqualTo(first);

        // another client's call with the same sequence number is another call
        Command other = new Command.Call(new CallId(c1.clientHigh(), c1.clientLow() + 1, 4),
                new Command.TakeQuery(TRADE.name(), Command.QuerySpec.all(), 5));
        assertThat((List<?>) apply(sm, other, 71)).hasSize(1);
        assertThat(sm.calls().clients()).isEqualTo(2);
    }

    static final TypeDescriptor PARCEL = TypeIntrospector.describe(io.khora.cluster.fixtures.Parcel.class);

    private static PartitionStateMachine allowingRecorders() {
        return new PartitionStateMachine("unit", 0, EventSink.NONE, 1024, 600_000L, 0,
                io.khora.internal.wire.JavaDeserialization.network(io.khora.cluster.fixtures.Recorder.class.getName()));
    }

    private static Command parcelWrite(String id) {
        return new Command.Write(PARCEL.name(), PARCEL.codec().toValues(new io.khora.cluster.fixtures.Parcel(id,
                new io.khora.cluster.fixtures.Recorder(id))), Lease.FOREVER, WriteMode.WRITE_ONLY);
    }

    @Test
    void aLogEntryHoldingAJavaSerializedValueIsRefusedUnappliedWithNothingDeserializedUnlessTheAllowListHasItsClass() {
        int reads = io.khora.cluster.fixtures.Recorder.READS.get();
        PartitionStateMachine sm = machine();
        apply(sm, new Command.DeclareType(TypeDeclaration.of(PARCEL)), 1);
        assertThatThrownBy(() -> apply(sm, parcelWrite("p1"), 2)).isInstanceOf(io.khora.SpaceException.class)
                .hasMessageContaining("not decoded, so not applied: a Java-serialized value (class " + io.khora.cluster.fixtures.Recorder.class.getName())
                .hasMessageContaining("of log entry #2 of space 'unit' partition 0 is refused");
        assertThat(sm.contents()).isEmpty();
        apply(sm, new Command.Barrier(), 3);
        assertThat(io.khora.cluster.fixtures.Recorder.READS).as("nothing deserialized").hasValue(reads);

        // the same entry on a replica whose allow-list has the class: applied (so the refusal above is not for want of a reader)
        PartitionStateMachine allowing = allowingRecorders();
        apply(allowing, new Command.DeclareType(TypeDeclaration.of(PARCEL)), 1);
        apply(allowing, parcelWrite("p1"), 2);
        assertThat(allowing.contents()).hasSize(1);
        assertThat(io.khora.cluster.fixtures.Recorder.READS.get()).isGreaterThan(reads);
    }

    @Test
    void aSnapshotHoldingAJavaSerializedValueIsRefusedWithNothingDeserialized() throws Exception {
        PartitionStateMachine allowing = allowingRecorders();
        allowing.attach(PartitionStateMachine.LogPosition.NONE);
        apply(allowing, new Command.DeclareType(TypeDeclaration.of(PARCEL)), 1);
        apply(allowing, parcelWrite("p1"), 2);
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(1024);
        allowing.writeContentTo(out);
        int reads = io.khora.cluster.fixtures.Recorder.READS.get();
        assertThatThrownBy(() -> machine().readContentFrom(new ByteArrayDataInputStream(out.buffer(), 0, out.position())))
                .hasMessageContaining("of a snapshot of space 'unit' partition 0 is refused");
        assertThat(io.khora.cluster.fixtures.Recorder.READS).hasValue(reads);
        PartitionStateMachine restored = allowingRecorders();
        restored.readContentFrom(new ByteArrayDataInputStream(out.buffer(), 0, out.position()));
        assertThat(restored.contents()).hasSize(1);
    }

    @Test
    void callsBelowTheWindowFailAndIdleClientsAreForgottenInLogTime() throws Exception {
        PartitionStateMachine sm = new PartitionStateMachine("unit", 0, EventSink.NONE, 4, 1_000);
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1);
        CallId c = CallId.of(java.util.UUID.randomUUID(), 1);
        java.util.function.LongFunction<Command> renewOrWrite = seq -> new Command.Call(c.withSequence(seq),
                new Command.Write(TRADE.name(), trade("k" + seq, "S", (int) seq), Lease.FOREVER, WriteMode.WRITE_ONLY));
        for (long seq = 1; seq <= 6; seq++) {
            apply(sm, renewOrWrite.apply(seq), 10);
        }
        assertThat(sm.calls().responses()).as("the last 4 sequence numbers").isEqualTo(4);
        assertThat(apply(sm, renewOrWrite.apply(3), 11)).isEqualTo(new WriteOutcome(1, true, Long.MAX_VALUE));
        assertThatThrownBy(() -> apply(sm, renewOrWrite.apply(2), 12)).isInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("no longer remembered");
        int before = sm.contents().size();
        assertThat(before).isEqualTo(6);
        // a call within the window that never came is applied (calls may arrive out of order)
        apply(sm, new Command.Call(c.withSequence(8), new Command.Barrier()), 12);
        apply(sm, renewOrWrite.apply(7), 12);
        assertThat(sm.contents()).hasSize(7);

        // idle for more than 1 s of log time: forgotten (the replica's clock plays no part)
        apply(sm, new Command.Barrier(), 1_012);
        assertThat(sm.calls().clients()).isEqualTo(1);
        apply(sm, new Command.Barrier(), 1_013);
        assertThat(sm.calls().clients()).isZero();
        assertThat(sm.calls().responses()).isZero();
        assertThatThrownBy(() -> apply(sm, renewOrWrite.apply(7), 1_014)).as("applied anew").isInstanceOf(EntryAlreadyExistsException.class);
    }

    @Test
    void rememberedCallsTravelInSnapshots() throws Exception {
        PartitionStateMachine sm = machine();
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1);
        List<Command> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            CallId id = new CallId(i % 3, 77, i);
            calls.add(new Command.Call(id, i % 2 == 0
                    ? new Command.Write(TRADE.name(), trade("t" + i, "S", i), Lease.ofMillis(1000 + i), WriteMode.WRITE_ONLY)
                    : new Command.TakeById(TRADE.name(), "t" + (i - 1))));
        }
        List<byte[]> first = new ArrayList<>();
        for (Command c : calls) {
            byte[] e = CommandCodec.encode(c, 100);
            first.add(sm.apply(e, 0, e.length, true));
        }
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(1024);
        sm.writeContentTo(out);
        PartitionStateMachine restored = machine();
        restored.readContentFrom(new ByteArrayDataInputStream(out.buffer(), 0, out.position()));
        assertThat(restored.calls().clients()).isEqualTo(3);
        assertThat(restored.calls().responses()).isEqualTo(20);
        for (int i = 0; i < calls.size(); i++) {
            byte[] e = CommandCodec.encode(calls.get(i), 200);
            assertThat(restored.apply(e, 0, e.length, true)).as("call " + i).isEqualTo(first.get(i));
            assertThat(sm.apply(e, 0, e.length, true)).isEqualTo(first.get(i));
        }
        assertThat(restored.contents()).isEqualTo(sm.contents());
        // a snapshot written again reads back the same
        ByteArrayDataOutputStream again = new ByteArrayDataOutputStream(1024);
        restored.writeContentTo(again);
        ByteArrayDataOutputStream original = new ByteArrayDataOutputStream(1024);
        sm.writeContentTo(original);
        assertThat(java.util.Arrays.copyOf(again.buffer(), again.position()))
                .isEqualTo(java.util.Arrays.copyOf(original.buffer(), original.position()));
    }

    @Test
    void snapshotsOfTheEarlierFormatsAreStillRead() throws Exception {
        PartitionStateMachine sm = machine();
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1);
        apply(sm, new Command.Write(TRADE.name(), trade("t1", "S", 1), Lease.FOREVER, WriteMode.WRITE_ONLY), 2);
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(1024);
        sm.writeContentTo(out);
        // format 5 adds the detached marks of redelivered calls at the end (none here: 0);
        // format 4 adds the mirror lease, written only with an outbox (none here: as format 3);
        // format 3 = format 2 followed by the outbox flag (false: 0), no prepared transaction part (0)
        // and no decision (0); format 2 = format 1 followed by the remembered calls (none here: 0)
        byte[] five = java.util.Arrays.copyOfRange(out.buffer(), 4, out.position());
        assertThat(five[0]).isEqualTo((byte) 5);
        assertThat(java.util.Arrays.copyOfRange(five, five.length - 5, five.length)).containsOnly(0);
        byte[] three = java.util.Arrays.copyOf(five, five.length - 1);
        for (int format = 1; format <= 4; format++) {
            byte[] older = format >= 3 ? three.clone() : java.util.Arrays.copyOf(three, three.length - 3 - (format == 1 ? 1 : 0));
            older[0] = (byte) format;
            ByteArrayDataOutputStream old = new ByteArrayDataOutputStream(1024);
            old.writeInt(older.length);
            old.write(older);
            PartitionStateMachine restored = machine();
            restored.readContentFrom(new ByteArrayDataInputStream(old.buffer(), 0, old.position()));
            assertThat(restored.contents()).as("format %d", format).isEqualTo(sm.contents());
            assertThat(restored.calls().clients()).isZero();
        }
    }

    /**
     * A seeded random history applied to one replica from the start and to another that installs a
     * snapshot half-way gives identical states and identical responses — including takes of
     * queries, whose choice must not depend on hash-table history.
     */
    @Test
    void aReplicaRestoredFromASnapshotStaysIdenticalToOneThatAppliedTheLog() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            Random rnd = new Random(seed);
            List<byte[]> log = new ArrayList<>();
            long time = 1_000;
            log.add(CommandCodec.encode(new Command.DeclareType(TypeDeclaration.of(TRADE)), time));
            log.add(CommandCodec.encode(new Command.DeclareType(TypeDeclaration.of(JOB)), time));
            log.add(CommandCodec.encode(new Command.DeclareType(TypeDeclaration.of(DOC)), time));
            List<Command> pending = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                time += rnd.nextInt(20);
                String id = "t" + rnd.nextInt(400);
                Command c = switch (rnd.nextInt(10)) {
                    case 0, 1, 2, 3 -> new Command.Write(TRADE.name(), trade(id, "S" + rnd.nextInt(5), rnd.nextInt(100)),
                            rnd.nextBoolean() ? Lease.FOREVER : Lease.ofMillis(1 + rnd.nextInt(500)),
                            WriteMode.values()[rnd.nextInt(3)]);
                    case 4 -> new Command.TakeById(TRADE.name(), id);
                    case 5 -> new Command.TakeQuery(TRADE.name(), Command.QuerySpec.text("symbol = ?", "S" + rnd.nextInt(5)),
                            1 + rnd.nextInt(3));
                    case 6 -> new Command.Change(TRADE.name(), Command.QuerySpec.text("qty < ?", rnd.nextInt(50)),
                            ChangeSet.create().increment("qty", 7));
                    case 7 -> new Command.ExpireSweep();
                    case 8 -> new Command.Write(JOB.name(), JOB.codec().toValues(new Job("j" + rnd.nextInt(50), "q", rnd.nextInt(9))),
                            Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);
                    default -> new Command.Write(DOC.name(), new Object[] {"d" + rnd.nextInt(30), rnd.nextDouble(),
                            new ArrayList<>(List.of("a", "b")), Map.of("extra", rnd.nextInt())}, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);
                };
                if (rnd.nextInt(4) == 0) {
                    // a client's call: sequence numbers repeat (retries) and fall behind the window (forgotten)
                    c = new Command.Call(new CallId(rnd.nextInt(3), 5, rnd.nextInt(2_000)), c);
                }
                if (rnd.nextInt(6) == 0) {
                    pending.add(c); // group commit: several commands in one entry
                    if (pending.size() < 1 + rnd.nextInt(4)) {
                        continue;
                    }
                    log.add(CommandCodec.encode(new Command.Batch(pending), time));
                    pending.clear();
                    continue;
                }
                log.add(CommandCodec.encode(c, time));
            }
            PartitionStateMachine straight = machine();
            PartitionStateMachine restored = machine();
            List<byte[]> responsesA = new ArrayList<>();
            List<byte[]> responsesB = new ArrayList<>();
            int half = log.size() / 2;
            for (int i = 0; i < log.size(); i++) {
                byte[] e = log.get(i);
                responsesA.add(straight.apply(e, 0, e.length, true));
                if (i < half) {
                    responsesB.add(restored.apply(e, 0, e.length, true));
                } else {
                    if (i == half) {
                        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(1024);
                        restored.writeContentTo(out);
                        restored = machine();
                        restored.readContentFrom(new ByteArrayDataInputStream(out.buffer(), 0, out.position()));
                    }
                    responsesB.add(restored.apply(e, 0, e.length, true));
                }
            }
            assertThat(restored.contents()).as("seed " + seed).isEqualTo(straight.contents());
            assertThat(restored.appliedCommands()).isEqualTo(straight.appliedCommands());
            assertThat(restored.ticker().logTime()).isEqualTo(straight.ticker().logTime());
            for (int i = 0; i < log.size(); i++) {
                assertThat(responsesB.get(i)).as("seed " + seed + " response " + i).isEqualTo(responsesA.get(i));
            }
            assertThat(straight.contents()).isNotEmpty();
        }
    }
}

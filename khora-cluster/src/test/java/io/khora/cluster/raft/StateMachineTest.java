package io.khora.cluster.raft;

import io.khora.ChangeSet;
import io.khora.EntryAlreadyExistsException;
import io.khora.Lease;
import io.khora.SpaceTypeException;
import io.khora.WriteMode;
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
    static Object apply(PartitionStateMachine sm, Command c, long time) {
        byte[] entry = CommandCodec.encode(c, time);
        return CommandCodec.decodeResult(c.opcode(), sm.apply(entry, 0, entry.length, true));
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
                new Command.Barrier());
        for (Command c : commands) {
            byte[] bytes = CommandCodec.encode(c, -77L);
            CommandCodec.Decoded d = CommandCodec.decode(bytes, 0, bytes.length);
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

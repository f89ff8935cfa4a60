package io.khora.cluster.raft;

import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.cluster.fixtures.Trade;
import io.khora.internal.wire.WireOutput;

import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static io.khora.cluster.raft.StateMachineTest.TRADE;
import static io.khora.cluster.raft.StateMachineTest.apply;
import static io.khora.cluster.raft.StateMachineTest.machine;
import static org.assertj.core.api.Assertions.assertThat;

/** A take by query with a byte budget (TAKE_QUERY_BUDGET): where it stops, what it says, the same on every replica. */
class TakeBudgetTest {
    private static final Command.QuerySpec ALL = Command.QuerySpec.all();

    private static Command write(String id, int payloadBytes) {
        Object[] values = TRADE.codec().toValues(new Trade(id, "S", payloadBytes, new byte[payloadBytes], 0));
        return new Command.Write(TRADE.name(), values, Lease.FOREVER, WriteMode.WRITE_ONLY);
    }

    /** The encoded size of the stored entry {@code id} (as a take's answer carries it). */
    private static int encodedSize(PartitionStateMachine sm, String id) {
        StoredEntry e = sm.contents().stream().filter(x -> x.values()[TRADE.idIndex()].equals(id)).findFirst().orElseThrow();
        WireOutput out = new WireOutput();
        CommandCodec.writeEntry(out, e);
        return out.size();
    }

    private static PartitionStateMachine withTrades(int n, int payloadBytes) {
        PartitionStateMachine sm = machine();
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1);
        for (int i = 0; i < n; i++) {
            apply(sm, write(String.format("t%02d", i), payloadBytes), 2);
        }
        return sm;
    }

    private static List<Object> ids(List<StoredEntry> entries) {
        return entries.stream().map(e -> e.values()[TRADE.idIndex()]).toList();
    }

    @Test
    void aTakeStopsBeforeTheEntryThatWouldExceedItsBudgetAndSaysMatchesAreLeft() {
        PartitionStateMachine sm = withTrades(10, 1000);
        int size = encodedSize(sm, "t00");
        long budget = 3L * size + size / 2; // room for three and a half

        TakenEntries first = (TakenEntries) apply(sm, new Command.TakeQuery(TRADE.name(), ALL, 100, budget), 3);
        assertThat(ids(first)).containsExactly("t00", "t01", "t02");
        assertThat(first.more()).isTrue();
        assertThat(sm.contents()).hasSize(7);

        TakenEntries second = (TakenEntries) apply(sm, new Command.TakeQuery(TRADE.name(), ALL, 100, budget), 4);
        assertThat(ids(second)).containsExactly("t03", "t04", "t05");
        TakenEntries capped = (TakenEntries) apply(sm, new Command.TakeQuery(TRADE.name(), ALL, 2, budget), 5);
        assertThat(ids(capped)).as("max stops it first: not the budget").containsExactly("t06", "t07");
        assertThat(capped.more()).isFalse();
        TakenEntries rest = (TakenEntries) apply(sm, new Command.TakeQuery(TRADE.name(), ALL, 100, budget), 6);
        assertThat(ids(rest)).containsExactly("t08", "t09");
        assertThat(rest.more()).as("nothing left behind").isFalse();
        assertThat(sm.contents()).isEmpty();
    }

    @Test
    void aTakeTakesAtLeastOneEntryHoweverSmallItsBudget() {
        PartitionStateMachine sm = withTrades(2, 5000);
        TakenEntries one = (TakenEntries) apply(sm, new Command.TakeQuery(TRADE.name(), ALL, 10, 1), 3);
        assertThat(ids(one)).containsExactly("t00");
        assertThat(one.more()).isTrue();
        TakenEntries last = (TakenEntries) apply(sm, new Command.TakeQuery(TRADE.name(), ALL, 10, 1), 4);
        assertThat(ids(last)).containsExactly("t01");
        assertThat(last.more()).isFalse();
    }

    @Test
    void everyReplicaTakesTheSameEntriesUnderTheSameBudget() throws Exception {
        Random rnd = new Random(42);
        List<Command> log = new ArrayList<>();
        log.add(new Command.DeclareType(TypeDeclaration.of(TRADE)));
        for (int i = 0; i < 60; i++) {
            log.add(write("k" + rnd.nextInt(1000) + "-" + i, rnd.nextInt(3000)));
        }
        CallId client = CallId.of(UUID.randomUUID(), 1);
        List<Command> takes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Command.QuerySpec q = i % 2 == 0 ? ALL : Command.QuerySpec.text("qty > ? ORDER BY qty", 500);
            takes.add(new Command.Call(client.withSequence(i + 1), new Command.TakeQuery(TRADE.name(), q, 50, 2000 + rnd.nextInt(9000))));
        }

        // replica a applies the whole log; replica b is restored from a snapshot a wrote halfway (other hash-table history)
        PartitionStateMachine a = machine();
        PartitionStateMachine b = machine();
        for (int i = 0; i < log.size(); i++) {
            byte[] e = CommandCodec.encode(log.get(i), 10 + i);
            a.apply(e, 0, e.length, false);
            if (i == log.size() / 2) {
                ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(1 << 16);
                a.writeContentTo(out);
                b.readContentFrom(new ByteArrayDataInputStream(out.buffer(), 0, out.position()));
            } else if (i > log.size() / 2) {
                b.apply(e, 0, e.length, false);
            }
        }
        assertThat(b.contents()).isEqualTo(a.contents());
        boolean sawMore = false;
        for (int i = 0; i < takes.size(); i++) {
            byte[] e = CommandCodec.encode(takes.get(i), 100 + i);
            byte[] ra = a.apply(e, 0, e.length, true);
            byte[] rb = b.apply(e, 0, e.length, true);
            assertThat(rb).as("take %d answers the same bytes on both replicas", i).isEqualTo(ra);
            sawMore |= ((TakenEntries) CommandCodec.decodeResult(takes.get(i), ra, io.khora.internal.wire.JavaDeserialization.TRUSTED)).more();
            assertThat(b.contents()).isEqualTo(a.contents());
        }
        assertThat(sawMore).as("some take stopped at its budget").isTrue();
        ByteArrayDataOutputStream sa = new ByteArrayDataOutputStream(1 << 16);
        ByteArrayDataOutputStream sb = new ByteArrayDataOutputStream(1 << 16);
        a.writeContentTo(sa);
        b.writeContentTo(sb);
        assertThat(java.util.Arrays.copyOf(sb.buffer(), sb.position())).as("remembered calls included")
                .isEqualTo(java.util.Arrays.copyOf(sa.buffer(), sa.position()));
    }

    @Test
    void aTakeQueryLoggedWithTheOldOpcodeIsStillReadAndTakesWithoutABudget() {
        PartitionStateMachine sm = withTrades(5, 4000);
        WireOutput out = new WireOutput();
        out.writeByte(CommandCodec.FORMAT);
        out.writeByte(CommandCodec.TAKE_QUERY);
        out.writeSignedVarLong(7);
        out.writeString(TRADE.name());
        CommandCodec.writeQuery(out, ALL);
        out.writeVarInt(10);
        byte[] old = out.toByteArray();
        CommandCodec.Decoded d = CommandCodec.decode(old, 0, old.length, io.khora.internal.wire.JavaDeserialization.TRUSTED);
        assertThat(d.command()).isEqualTo(new Command.TakeQuery(TRADE.name(), ALL, 10, Command.TakeQuery.UNBOUNDED));
        List<?> taken = (List<?>) CommandCodec.decodeResult(d.command(), sm.apply(old, 0, old.length, true), io.khora.internal.wire.JavaDeserialization.TRUSTED);
        assertThat(taken).hasSize(5);
        // a new take is logged with the new opcode and its budget
        byte[] now = CommandCodec.encode(new Command.TakeQuery(TRADE.name(), ALL, 10, 1234), 8);
        assertThat(now[1]).isEqualTo((byte) CommandCodec.TAKE_QUERY_BUDGET);
        assertThat(CommandCodec.decode(now, 0, now.length, io.khora.internal.wire.JavaDeserialization.TRUSTED).command()).isEqualTo(new Command.TakeQuery(TRADE.name(), ALL, 10, 1234));
    }

    @Test
    void aBudgetedTakeThatTookNothingIsNotRemembered() {
        PartitionStateMachine sm = withTrades(0, 0);
        CallId c = CallId.of(UUID.randomUUID(), 1);
        Command take = new Command.Call(c.withSequence(1), new Command.TakeQuery(TRADE.name(), ALL, 5, 10_000));
        assertThat((List<?>) apply(sm, take, 3)).isEmpty();
        assertThat(sm.calls().responses()).isZero();
        apply(sm, write("late", 10), 4);
        assertThat(ids((TakenEntries) apply(sm, take, 5))).as("applied anew").containsExactly("late");
        assertThat(sm.calls().responses()).isEqualTo(1);
    }
}

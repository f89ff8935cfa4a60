package io.khora.cluster.raft;

import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.internal.engine.EventSink;
import io.khora.internal.wire.WireOutput;
import io.khora.testing.GoldenBytes;

import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import static io.khora.cluster.raft.CommandFormatTest.DOC;
import static io.khora.cluster.raft.CommandFormatTest.TRADE;
import static io.khora.cluster.raft.CommandFormatTest.trade;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots ({@link PartitionStateMachine#writeContentTo}/{@link PartitionStateMachine#readContentFrom}, format 5; formats 1
 * to 4 still read) are a persistent format: a replica installs the snapshot an earlier version wrote. Each sample is a
 * state machine driven by a fixed history (fixed log times, call ids, log position); its snapshot has golden bytes under
 * {@code src/test/resources/golden/snapshot/}. Earlier formats are golden too, as those versions wrote the same state
 * (the format-5 bytes without the parts later formats appended, see the class comment of PartitionStateMachine).
 * Decoding checks that the restored machine holds the same state and writes the same format-5 snapshot again.
 */
class SnapshotFormatTest {
    static final String FORMAT = "snapshot";
    static final PartitionStateMachine.LogPosition POSITION = new PartitionStateMachine.LogPosition() {
        @Override
        public long commitIndex() {
            return 12;
        }

        @Override
        public long termAt(long index) {
            return 3;
        }
    };

    /**
     * A sample: the machine whose state the golden bytes hold, the bytes as written (the current snapshot, or the
     * earlier format it is turned into), and a fresh machine of the same configuration to restore into.
     */
    record Sample(Supplier<PartitionStateMachine> state, Function<byte[], byte[]> asWritten, Supplier<PartitionStateMachine> fresh) {
    }

    static PartitionStateMachine plain() {
        PartitionStateMachine sm = new PartitionStateMachine("unit", 0, EventSink.NONE);
        sm.attach(POSITION);
        return sm;
    }

    static PartitionStateMachine withOutbox() {
        PartitionStateMachine sm = new PartitionStateMachine("unit", 0, EventSink.NONE, 1024, 600_000L, 100);
        sm.attach(POSITION);
        return sm;
    }

    static void apply(PartitionStateMachine sm, Command c, long time) {
        byte[] entry = CommandCodec.encode(c, time);
        sm.apply(entry, 0, entry.length, true);
    }

    /** Declared types and entries (forever, with a lease, a document); no calls, no outbox. */
    static PartitionStateMachine simple() {
        PartitionStateMachine sm = plain();
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1_000);
        apply(sm, new Command.DeclareType(TypeDeclaration.of(DOC)), 1_000);
        apply(sm, new Command.Write(TRADE.name(), trade("t1", "S", 1), Lease.FOREVER, WriteMode.WRITE_ONLY), 1_001);
        apply(sm, new Command.Write(TRADE.name(), trade("t2", "T", 2), Lease.ofMillis(60_000), WriteMode.WRITE_ONLY), 1_002);
        apply(sm, new Command.Write(TRADE.name(), trade("t1", "S", 3), Lease.FOREVER, WriteMode.UPDATE_ONLY), 1_003);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("note", "dynamic");
        apply(sm, new Command.Write(DOC.name(), new Object[] {"d1", 2.5, new ArrayList<>(List.of("a")), extra}, Lease.FOREVER,
                WriteMode.UPDATE_OR_WRITE), 1_004);
        return sm;
    }

    /** With an outbox holding changes (one acknowledged), without a mirror lease. */
    static PartitionStateMachine outbox() {
        PartitionStateMachine sm = withOutbox();
        apply(sm, new Command.OutboxStart("log-1"), 1_000);
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1_000);
        for (int i = 1; i <= 3; i++) {
            apply(sm, new Command.Write(TRADE.name(), trade("t" + i, "S", i), Lease.FOREVER, WriteMode.WRITE_ONLY), 1_000 + i);
        }
        apply(sm, new Command.OutboxAck("log-1", 1, 0), 1_010);
        return sm;
    }

    /** Everything a snapshot holds: entries, remembered calls, outbox, a prepared transaction part, a decision, a lease. */
    static PartitionStateMachine full() {
        PartitionStateMachine sm = outbox();
        apply(sm, new Command.DeclareType(TypeDeclaration.of(DOC)), 1_020);
        CallId client = new CallId(0x0123456789ABCDEFL, 77L, 1L, 0L, false);
        apply(sm, new Command.Call(client, new Command.Write(TRADE.name(), trade("c1", "C", 9), Lease.ofMillis(5_000),
                WriteMode.WRITE_ONLY)), 1_021);
        apply(sm, new Command.Call(client.withSequence(2), new Command.TakeById(TRADE.name(), "t3")), 1_022);
        apply(sm, new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, "node-a:1", 0, 30_000), 1_023);
        apply(sm, new Command.OutboxAck("log-1", 2, 1), 1_024);
        apply(sm, new Command.TxPrepare("tx-open", new int[] {0, 1}, 1, 30_000L,
                List.of(new Command.Write(TRADE.name(), trade("x1", "X", 1), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE)),
                new long[] {-1L}), 1_025);
        apply(sm, new Command.TxPrepare("tx-done", new int[] {0, 2}, 0, 30_000L,
                List.of(new Command.TakeById(TRADE.name(), "t2")), new long[] {1L}), 1_026);
        apply(sm, new Command.TxCommit("tx-done"), 1_027);
        apply(sm, new Command.ExpireSweep(), 1_028);
        return sm;
    }

    /**
     * A format-5 snapshot without outbox and calls as format {@code format} wrote it: format 5 appended the detached
     * call marks (0), format 4 the lease (only with an outbox), format 3 the outbox flag (0) and the transaction parts
     * and decisions (0, 0), format 2 the remembered calls (none: 0).
     */
    static Function<byte[], byte[]> asFormat(int format) {
        return current -> {
            byte[] content = Arrays.copyOfRange(current, 4, current.length);
            assertThat(content[0]).isEqualTo((byte) 5);
            assertThat(Arrays.copyOfRange(content, content.length - 5, content.length)).as("empty tail").containsOnly(0);
            int cut = format >= 3 ? 1 : format == 2 ? 4 : 5;
            byte[] older = Arrays.copyOf(content, content.length - cut);
            older[0] = (byte) format;
            return withLength(older);
        };
    }

    /** A format-5 snapshot with an outbox and without a lease or detached marks as format 3 wrote it. */
    static byte[] asFormat3WithOutbox(byte[] current) {
        WireOutput emptyLease = new WireOutput(16);
        new MirrorLeaseState("unit", 0).writeTo(emptyLease);
        byte[] content = Arrays.copyOfRange(current, 4, current.length - emptyLease.size() - 1);
        assertThat(content[0]).isEqualTo((byte) 5);
        content[0] = 3;
        return withLength(content);
    }

    private static byte[] withLength(byte[] content) {
        byte[] out = new byte[content.length + 4];
        java.nio.ByteBuffer.wrap(out).putInt(content.length).put(content);
        return out;
    }

    static Map<String, Sample> samples() {
        Map<String, Sample> s = new LinkedHashMap<>();
        s.put("v5-empty", new Sample(SnapshotFormatTest::plain, Function.identity(), SnapshotFormatTest::plain));
        s.put("v5-simple", new Sample(SnapshotFormatTest::simple, Function.identity(), SnapshotFormatTest::plain));
        s.put("v5-outbox", new Sample(SnapshotFormatTest::outbox, Function.identity(), SnapshotFormatTest::withOutbox));
        s.put("v5-full", new Sample(SnapshotFormatTest::full, Function.identity(), SnapshotFormatTest::withOutbox));
        for (int format = 1; format <= 4; format++) {
            s.put("v" + format + "-simple", new Sample(SnapshotFormatTest::simple, asFormat(format), SnapshotFormatTest::plain));
        }
        s.put("v3-outbox", new Sample(SnapshotFormatTest::outbox, SnapshotFormatTest::asFormat3WithOutbox, SnapshotFormatTest::withOutbox));
        return s;
    }

    static byte[] snapshot(PartitionStateMachine sm) {
        try {
            ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(1024);
            sm.writeContentTo(out);
            return Arrays.copyOf(out.buffer(), out.position());
        } catch (Exception e) {
            throw new AssertionError("cannot write a snapshot", e);
        }
    }

    @Test
    void everySnapshotFormatStillEncodesToItsGoldenBytes() {
        Map<String, Supplier<byte[]>> encodings = new LinkedHashMap<>();
        samples().forEach((name, sample) -> encodings.put(name, () -> sample.asWritten().apply(snapshot(sample.state().get()))));
        GoldenBytes.assertAllMatch(FORMAT, encodings);
    }

    @Test
    void aSnapshotOfTheSameHistoryIsTheSameBytes() {
        samples().forEach((name, sample) -> assertThat(snapshot(sample.state().get())).as(name).isEqualTo(snapshot(sample.state().get())));
    }

    @Test
    void goldenSnapshotsOfEveryEarlierFormatStillRestore() throws Exception {
        GoldenBytes.assumeReading();
        Map<String, Sample> samples = samples();
        List<String> files = GoldenBytes.samplesToDecode(FORMAT, samples.keySet());
        for (String name : files) {
            assertThat(samples).as("the expected state of golden file %s (a retired sample keeps its expectation)", name).containsKey(name);
            Sample sample = samples.get(name);
            PartitionStateMachine expected = sample.state().get();
            PartitionStateMachine restored = sample.fresh().get();
            byte[] golden = GoldenBytes.read(FORMAT, name);
            GoldenBytes.decoded(FORMAT, name, () -> {
                restored.readContentFrom(new ByteArrayDataInputStream(golden));
                return restored;
            });
            assertThat(restored.contents()).as("%s: entries", name).isEqualTo(expected.contents());
            assertThat(restored.appliedCommands()).as("%s: applied commands", name).isEqualTo(expected.appliedCommands());
            assertThat(restored.ticker().logTime()).as("%s: log time", name).isEqualTo(expected.ticker().logTime());
            assertThat(restored.calls().clients()).as("%s: clients", name).isEqualTo(expected.calls().clients());
            assertThat(restored.calls().responses()).as("%s: responses", name).isEqualTo(expected.calls().responses());
            assertThat(restored.preparedTransactions()).as("%s: prepared", name).isEqualTo(expected.preparedTransactions());
            assertThat(restored.lockedEntries()).as("%s: locks", name).isEqualTo(expected.lockedEntries());
            if (expected.outbox() != null) {
                assertThat(restored.outbox().size()).as("%s: outbox", name).isEqualTo(expected.outbox().size());
                assertThat(restored.outbox().logId()).as("%s: outbox log id", name).isEqualTo(expected.outbox().logId());
                assertThat(restored.outbox().leaseHolder()).as("%s: lease", name).isEqualTo(expected.outbox().leaseHolder());
                assertThat(restored.outbox().leaseEpoch()).as("%s: lease epoch", name).isEqualTo(expected.outbox().leaseEpoch());
            }
            assertThat(PartitionStateMachine.snapshotPosition(java.nio.ByteBuffer.wrap(withMembership(golden)))).as(name)
                    .containsExactly(POSITION.commitIndex(), POSITION.termAt(POSITION.commitIndex()));
            restored.attach(POSITION);
            assertThat(snapshot(restored)).as("%s restored writes the current format of the same state", name)
                    .isEqualTo(snapshot(expected));
        }
    }

    /** The snapshot as jgroups-raft stores it: its (empty) persistent state first, then the state machine's content. */
    private static byte[] withMembership(byte[] content) throws Exception {
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(1024);
        new org.jgroups.protocols.raft.PersistentState().writeTo(out);
        out.write(content);
        return Arrays.copyOf(out.buffer(), out.position());
    }
}

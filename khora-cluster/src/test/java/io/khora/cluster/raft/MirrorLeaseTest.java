package io.khora.cluster.raft;

import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.cluster.CallId;
import io.khora.internal.engine.EventSink;
import io.khora.internal.wire.WireOutput;
import io.khora.persistence.MirrorFencedException;

import org.jgroups.util.ByteArrayDataInputStream;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.khora.cluster.raft.StateMachineTest.TRADE;
import static io.khora.cluster.raft.StateMachineTest.apply;
import static io.khora.cluster.raft.StateMachineTest.trade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The write-behind mirror's lease in a partition's replicated state: one mirror at a time, judged in
 * log time; pulls and acknowledgements of any other epoch are refused; the lease travels in
 * snapshots.
 */
class MirrorLeaseTest {
    static final String A = "mirror-a@host1/pid 11";
    static final String B = "mirror-b@host2/pid 22";

    /** A state machine with a write-behind outbox, a log id and three records (sequences 1..3). */
    static PartitionStateMachine withOutbox() {
        PartitionStateMachine sm = new PartitionStateMachine("unit", 0, EventSink.NONE, 1024, 600_000L, 100);
        apply(sm, new Command.OutboxStart("log-1"), 1);
        apply(sm, new Command.DeclareType(TypeDeclaration.of(TRADE)), 1);
        for (int i = 1; i <= 3; i++) {
            apply(sm, new Command.Write(TRADE.name(), trade("t" + i, "S", i), Lease.FOREVER, WriteMode.WRITE_ONLY), 2);
        }
        return sm;
    }

    static MirrorLeaseState.Grant acquire(PartitionStateMachine sm, String holder, long duration, long time) {
        return (MirrorLeaseState.Grant) apply(sm, new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, holder, 0, duration), time);
    }

    static MirrorLeaseState.Grant renew(PartitionStateMachine sm, String holder, long epoch, long duration, long time) {
        return (MirrorLeaseState.Grant) apply(sm, new Command.MirrorLease(Command.MirrorLease.Kind.RENEW, holder, epoch, duration), time);
    }

    static MirrorLeaseState.Grant release(PartitionStateMachine sm, String holder, long epoch, long time) {
        return (MirrorLeaseState.Grant) apply(sm, new Command.MirrorLease(Command.MirrorLease.Kind.RELEASE, holder, epoch, 0), time);
    }

    @Test
    void aSecondMirrorIsRefusedNamingTheHolderAndWhenItsLeaseLapses() {
        PartitionStateMachine sm = withOutbox();
        assertThat(acquire(sm, A, 5_000, 1_000)).isEqualTo(new MirrorLeaseState.Grant(1, 6_000));
        assertThatThrownBy(() -> acquire(sm, B, 5_000, 2_000))
                .isInstanceOfSatisfying(MirrorFencedException.class, e -> {
                    assertThat(e.holder()).isEqualTo(A);
                    assertThat(e.holderEpoch()).isEqualTo(1);
                    assertThat(e.lapsesAt()).isEqualTo(6_000);
                })
                .hasMessageContaining("space 'unit' partition 1")
                .hasMessageContaining("a second mirror is refused")
                .hasMessageContaining("held by " + A + " (epoch 1)")
                .hasMessageContaining("until " + Instant.ofEpochMilli(6_000))
                .hasMessageContaining("4000 ms from now");
        assertThat(sm.outbox().leaseHolder()).isEqualTo(A);
    }

    @Test
    void theLeaseLapsesInLogTimeAndTheNextMirrorGetsTheNextEpoch() {
        PartitionStateMachine sm = withOutbox();
        acquire(sm, A, 5_000, 1_000);
        assertThatThrownBy(() -> acquire(sm, B, 5_000, 5_999)).isInstanceOf(MirrorFencedException.class);
        assertThat(acquire(sm, B, 5_000, 6_000)).isEqualTo(new MirrorLeaseState.Grant(2, 11_000));
        // the old holder can no longer renew, pull or acknowledge: it was taken over
        assertThatThrownBy(() -> renew(sm, A, 1, 5_000, 6_001)).isInstanceOf(MirrorFencedException.class)
                .hasMessageContaining("the mirror of lease epoch 1 may not renew its lease")
                .hasMessageContaining("taken over by " + B + " (epoch 2)");
        // log time is the entries' time, never the replica's clock: an entry stamped earlier than the
        // last one applies at the last one's time
        assertThatThrownBy(() -> acquire(sm, A, 5_000, 3_000)).isInstanceOf(MirrorFencedException.class);
    }

    @Test
    void aRenewalExtendsTheLeaseOfItsEpochEvenAfterItLapsedWhileNobodyTookIt() {
        PartitionStateMachine sm = withOutbox();
        acquire(sm, A, 5_000, 1_000);
        assertThat(renew(sm, A, 1, 5_000, 4_000)).isEqualTo(new MirrorLeaseState.Grant(1, 9_000));
        assertThatThrownBy(() -> acquire(sm, B, 5_000, 8_999)).isInstanceOf(MirrorFencedException.class);
        assertThat(renew(sm, A, 1, 5_000, 20_000)).as("lapsed, but no other mirror took it: the epoch still fences everyone else")
                .isEqualTo(new MirrorLeaseState.Grant(1, 25_000));
        assertThatThrownBy(() -> renew(sm, B, 1, 5_000, 20_001)).as("another holder with the right epoch")
                .isInstanceOf(MirrorFencedException.class);
        assertThat(acquire(sm, A, 5_000, 20_002)).as("the holder acquiring again gets a new epoch (its older work is fenced)")
                .isEqualTo(new MirrorLeaseState.Grant(2, 25_002));
    }

    @Test
    void pullsAndAcknowledgementsOfAnyOtherEpochAreRefusedAndChangeNothing() {
        PartitionStateMachine sm = withOutbox();
        ReplicatedOutbox outbox = sm.outbox();
        assertThatThrownBy(() -> outbox.read(0, 10, 0, 1_000)).as("no lease yet").isInstanceOf(MirrorFencedException.class)
                .hasMessageContaining("a mirror without a lease may not pull the outbox: no mirror lease was granted yet");
        acquire(sm, A, 5_000, 1_000);
        assertThat(outbox.read(0, 10, 1, 1_000).records()).hasSize(3);
        acquire(sm, B, 5_000, 7_000);
        assertThatThrownBy(() -> outbox.read(0, 10, 1, 7_000)).isInstanceOf(MirrorFencedException.class)
                .hasMessageContaining("taken over by " + B);
        assertThatThrownBy(() -> apply(sm, new Command.OutboxAck("log-1", 2, 1), 7_001)).isInstanceOf(MirrorFencedException.class)
                .hasMessageContaining("the mirror of lease epoch 1 may not acknowledge");
        assertThat(outbox.size()).as("the refused acknowledgement dropped nothing").isEqualTo(3);
        assertThatThrownBy(() -> apply(sm, new Command.OutboxAck("log-1", 2, 0), 7_002)).as("an acknowledgement without a lease")
                .isInstanceOf(MirrorFencedException.class);
        assertThat(apply(sm, new Command.OutboxAck("log-1", 2, 2), 7_003)).isEqualTo(2);
        assertThat(outbox.read(0, 10, 2, 7_004).records()).extracting(ReplicatedOutbox.Record::sequence).containsExactly(3L);
    }

    @Test
    void aRefusedAcknowledgementIsRememberedForItsCall() {
        PartitionStateMachine sm = withOutbox();
        acquire(sm, A, 5_000, 1_000);
        acquire(sm, B, 5_000, 7_000);
        CallId call = new CallId(5, 6, 1, 1, false);
        Command ack = new Command.Call(call, new Command.OutboxAck("log-1", 3, 1));
        assertThatThrownBy(() -> apply(sm, ack, 7_001)).isInstanceOf(MirrorFencedException.class);
        release(sm, B, 2, 7_002);
        assertThatThrownBy(() -> apply(sm, new Command.Call(new CallId(5, 6, 1, 1, true), new Command.OutboxAck("log-1", 3, 1)), 7_003))
                .as("a retry of the call gets the recorded refusal").isInstanceOf(MirrorFencedException.class);
        assertThat(sm.outbox().size()).isEqualTo(3);
    }

    @Test
    void anAcknowledgementWrittenByAVersionWithoutLeasesIsAppliedOnlyWhileNoLeaseWasEverGranted() {
        PartitionStateMachine sm = withOutbox();
        assertThat(apply(sm, new Command.OutboxAck("log-1", 1, 0), 2)).isEqualTo(1);
        acquire(sm, A, 5_000, 1_000);
        release(sm, A, 1, 1_001);
        assertThatThrownBy(() -> apply(sm, new Command.OutboxAck("log-1", 2, 0), 1_002)).isInstanceOf(MirrorFencedException.class);
    }

    @Test
    void aReleaseLetsTheNextMirrorInAtOnceAndAStaleReleaseChangesNothing() {
        PartitionStateMachine sm = withOutbox();
        acquire(sm, A, 60_000, 1_000);
        release(sm, A, 2, 1_001); // not its epoch: nothing
        assertThatThrownBy(() -> acquire(sm, B, 5_000, 1_002)).isInstanceOf(MirrorFencedException.class);
        assertThat(release(sm, A, 1, 1_003)).isEqualTo(new MirrorLeaseState.Grant(1, 0));
        assertThatThrownBy(() -> sm.outbox().read(0, 1, 1, 1_003)).isInstanceOf(MirrorFencedException.class)
                .hasMessageContaining("no mirror holds the lease (the last one, epoch 1, was released)");
        assertThat(acquire(sm, B, 5_000, 1_004)).isEqualTo(new MirrorLeaseState.Grant(2, 6_004));
    }

    @Test
    void aLeaseCommandOnASpaceWithoutWriteBehindFailsWithTheReason() {
        PartitionStateMachine sm = StateMachineTest.machine();
        assertThatThrownBy(() -> acquire(sm, A, 5_000, 1)).hasMessageContaining("has no write-behind outbox, so no mirror lease");
    }

    @Test
    void badLeaseCommandsAreRefusedNamingTheValueAndTheLimit() {
        assertThatThrownBy(() -> new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, " ", 0, 1_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 200 characters, got 1");
        assertThatThrownBy(() -> new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, A, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 600000 ms, got 0 ms");
        assertThatThrownBy(() -> new Command.MirrorLease(Command.MirrorLease.Kind.RENEW, A, 1, 600_001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 600001 ms");
        assertThatThrownBy(() -> new Command.MirrorLease(Command.MirrorLease.Kind.RENEW, A, 0, 1_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RENEW of a mirror lease with epoch 0");
        assertThatThrownBy(() -> new Command.OutboxAck("log", 1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -1");
    }

    @Test
    void leaseCommandsAndAcknowledgementsWithAnEpochSurviveTheCodec() {
        List<Command> commands = List.of(
                new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, A, 0, 10_000),
                new Command.MirrorLease(Command.MirrorLease.Kind.RENEW, B, 7, 600_000),
                new Command.MirrorLease(Command.MirrorLease.Kind.RELEASE, A, 3, 0),
                new Command.OutboxAck("log-1", 42, 0),
                new Command.OutboxAck("log-1", 42, 9),
                new Command.Batch(List.of(new Command.Call(new CallId(1, 2, 3), new Command.OutboxAck("l", 1, 2)),
                        new Command.Call(new CallId(1, 2, 4), new Command.MirrorLease(Command.MirrorLease.Kind.RENEW, A, 2, 1)))));
        for (Command c : commands) {
            byte[] bytes = CommandCodec.encode(c, 5L);
            Command back = CommandCodec.decode(bytes, 0, bytes.length, io.khora.internal.wire.JavaDeserialization.TRUSTED).command();
            assertThat(back).as(c.toString()).isEqualTo(c);
        }
        assertThat(new Command.OutboxAck("l", 1, 0).opcode()).as("the opcode older logs hold").isEqualTo(CommandCodec.OUTBOX_ACK);
        assertThat(new Command.OutboxAck("l", 1, 1).opcode()).isEqualTo(CommandCodec.OUTBOX_ACK_FENCED);
    }

    @Test
    void theLeaseTravelsInSnapshotsAndARestoredReplicaDecidesAlike() throws Exception {
        PartitionStateMachine sm = withOutbox();
        acquire(sm, A, 5_000, 1_000);
        acquire(sm, B, 5_000, 7_000);
        PartitionStateMachine restored = new PartitionStateMachine("unit", 0, EventSink.NONE, 1024, 600_000L, 100);
        restored.readContentFrom(new ByteArrayDataInputStream(snapshot(sm)));
        assertThat(restored.outbox().leaseHolder()).isEqualTo(B);
        assertThat(restored.outbox().leaseEpoch()).isEqualTo(2);
        assertThat(restored.outbox().leaseExpiresAt()).isEqualTo(12_000);
        List<Command> next = List.of(
                new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, A, 0, 5_000),
                new Command.MirrorLease(Command.MirrorLease.Kind.RENEW, A, 1, 5_000),
                new Command.OutboxAck("log-1", 1, 1),
                new Command.OutboxAck("log-1", 1, 2),
                new Command.MirrorLease(Command.MirrorLease.Kind.RELEASE, B, 2, 0),
                new Command.MirrorLease(Command.MirrorLease.Kind.ACQUIRE, A, 0, 5_000));
        List<byte[]> a = new ArrayList<>();
        List<byte[]> b = new ArrayList<>();
        long time = 8_000;
        for (Command c : next) {
            byte[] e = CommandCodec.encode(c, time++);
            a.add(sm.apply(e, 0, e.length, true));
            b.add(restored.apply(e, 0, e.length, true));
        }
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i)).as("response to " + next.get(i)).isEqualTo(a.get(i));
        }
        assertThat(restored.outbox().leaseEpoch()).isEqualTo(3);
        assertThat(snapshot(restored)).isEqualTo(snapshot(sm));
    }

    @Test
    void aSnapshotOfFormat3WithAnOutboxIsReadWithoutALease() throws Exception {
        PartitionStateMachine sm = withOutbox();
        byte[] current = snapshot(sm); // no lease granted: its bytes are those of an empty lease, then no detached marks (0)
        WireOutput emptyLease = new WireOutput(16);
        new MirrorLeaseState("unit", 0).writeTo(emptyLease);
        byte[] content = java.util.Arrays.copyOfRange(current, 4, current.length - emptyLease.size() - 1);
        assertThat(content[0]).isEqualTo((byte) 5);
        content[0] = 3;
        ByteArrayDataOutputStream old = new ByteArrayDataOutputStream(1024);
        old.writeInt(content.length);
        old.write(content);
        PartitionStateMachine restored = new PartitionStateMachine("unit", 0, EventSink.NONE, 1024, 600_000L, 100);
        restored.readContentFrom(new ByteArrayDataInputStream(old.buffer(), 0, old.position()));
        assertThat(restored.outbox().size()).isEqualTo(3);
        assertThat(restored.outbox().logId()).isEqualTo("log-1");
        assertThat(restored.outbox().leaseEpoch()).isZero();
        assertThat(snapshot(restored)).isEqualTo(current);
    }

    private static byte[] snapshot(PartitionStateMachine sm) throws Exception {
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(1024);
        sm.writeContentTo(out);
        return java.util.Arrays.copyOf(out.buffer(), out.position());
    }
}

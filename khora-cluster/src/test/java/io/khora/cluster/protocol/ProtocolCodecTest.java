package io.khora.cluster.protocol;

import io.khora.ChangeSet;
import io.khora.Lease;
import io.khora.SpaceState;
import io.khora.WriteMode;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.StoredEntry;
import io.khora.internal.wire.WireFormatException;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolCodecTest {
    private static Request roundTrip(Request r) {
        return ProtocolCodec.decodeRequest(ProtocolCodec.encode(r), io.khora.internal.wire.JavaDeserialization.TRUSTED);
    }

    @Test
    void requestsRoundTrip() {
        assertThat(roundTrip(new Request.Hello(1, 2, 3, true))).isEqualTo(new Request.Hello(1, 2, 3, true));
        assertThat(roundTrip(new Request.Layout(7, "orders"))).isEqualTo(new Request.Layout(7, "orders"));
        assertThat(roundTrip(new Request.Status(9))).isEqualTo(new Request.Status(9));
        assertThat(roundTrip(new Request.ReadById(4, "s", 3, "T", 42L))).isEqualTo(new Request.ReadById(4, "s", 3, "T", 42L));
        Request.Query q = (Request.Query) roundTrip(new Request.Query(5, "s", 1, "T", Command.QuerySpec.text("a = ?", 1), 10, -1, true, 77, 70, true));
        assertThat(q.query().text()).isEqualTo("a = ?");
        assertThat(q.query().args()).containsExactly(1);
        assertThat(q.waitMillis()).isEqualTo(-1);
        assertThat(q.take()).isTrue();
        assertThat(q.callSequence()).isEqualTo(77);
        assertThat(q.answeredBelow()).isEqualTo(70);
        Request.Mutate m = (Request.Mutate) roundTrip(new Request.Mutate(6, "s", 2, 99, 90, false, true,
                new Command.Write("T", new Object[] {"id", 5}, Lease.ofMillis(1000), WriteMode.WRITE_ONLY)));
        assertThat(m.callSequence()).isEqualTo(99);
        assertThat(m.answeredBelow()).isEqualTo(90);
        assertThat(m.allReplicas()).isTrue();
        assertThat(((Command.Write) m.command()).values()).containsExactly("id", 5);
        Request.Mutate c = (Request.Mutate) roundTrip(new Request.Mutate(8, "s", 0, 1, 1, true, false,
                new Command.Change("T", Command.QuerySpec.all(), ChangeSet.create().increment("n", 2))));
        assertThat(((Command.Change) c.command()).changes().operations()).hasSize(1);
    }

    @Test
    void responsesRoundTrip() {
        StoredEntry e = new StoredEntry("T", new Object[] {"a", 1}, 3, Long.MAX_VALUE);
        Response r = ProtocolCodec.decodeResponse(ProtocolCodec.encode(new Response(11, Status.OK, Responses.entries(List.of(e, e)))));
        assertThat(r.requestId()).isEqualTo(11);
        assertThat(Responses.readEntries(r.body(), io.khora.internal.wire.JavaDeserialization.TRUSTED)).containsExactly(e, e);
        SpaceLayout layout = new SpaceLayout("s", 2, SpaceState.READY, List.of(new SpaceLayout.NodeAddress("n1", "h", 1)),
                List.of(new SpaceLayout.PartitionPlacement(List.of("n1"), "n1"), new SpaceLayout.PartitionPlacement(List.of("n1"), null)));
        assertThat(Responses.readLayout(Responses.layout(layout))).isEqualTo(layout);
        NodeStatus status = new NodeStatus("n1", List.of("n1", "n2"), List.of(new NodeStatus.ReplicaStatus("s", 0, SpaceState.RECOVER, null,
                2, 10, 12, 5, Map.of("n2", 9L))), List.of(layout));
        assertThat(Responses.readStatus(Responses.status(status))).isEqualTo(status);
    }

    @Test
    void anAuthStepAndItsAnswerRoundTripAndTheRequestPrintsNoData() {
        Request.Auth a = (Request.Auth) roundTrip(new Request.Auth(3, "SCRAM-SHA-256", "n,,n=app,r=abc".getBytes(StandardCharsets.UTF_8)));
        assertThat(a.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(new String(a.data(), StandardCharsets.UTF_8)).isEqualTo("n,,n=app,r=abc");
        assertThat(a.toString()).doesNotContain("r=abc");
        Responses.AuthStep step = Responses.readAuthStep(Responses.authStep(true, new byte[] {1, 2}));
        assertThat(step.done()).isTrue();
        assertThat(step.data()).containsExactly(1, 2);
        assertThat(Responses.readError(Responses.error(new io.khora.AuthenticationException("authentication required"))))
                .isInstanceOf(io.khora.AuthenticationException.class).hasMessage("authentication required");
        assertThat(Responses.readError(Responses.error(new io.khora.AccessDeniedException("no"))))
                .isInstanceOf(io.khora.AccessDeniedException.class).hasMessage("no");
    }

    @Test
    void aHelloSaysTheClientsFrameLimitAndOneWithoutItStillReads() {
        assertThat(roundTrip(new Request.Hello(1, 2, 3, true, 4 << 20))).isEqualTo(new Request.Hello(1, 2, 3, true, 4 << 20));
        byte[] older = ProtocolCodec.encode(new Request.Hello(1, 2, 3, false, 0));
        older = java.util.Arrays.copyOf(older, older.length - 1); // as a client before the limit was said
        assertThat(ProtocolCodec.decodeRequest(older, io.khora.internal.wire.JavaDeserialization.TRUSTED)).isEqualTo(new Request.Hello(1, 2, 3, false));
    }

    @Test
    void anAnswerLargerThanAFrameTravelsInPartsAndIsJoinedWhole() {
        int frame = SizeLimits.MIN_FRAME;
        java.util.Random rnd = new java.util.Random(3);
        byte[] body = new byte[5 * frame + 123];
        rnd.nextBytes(body);
        List<byte[]> frames = ProtocolCodec.encodeFrames(new Response(77, Status.OK, body), frame);
        assertThat(frames).hasSize(6).allSatisfy(f -> assertThat(f.length).isLessThanOrEqualTo(frame));
        AnswerParts parts = new AnswerParts();
        Response other = new Response(78, Status.ERROR, new byte[] {1});
        Response whole = null;
        for (int i = 0; i < frames.size(); i++) {
            Response r = parts.accept(ProtocolCodec.decodeResponse(frames.get(i)));
            if (i == 2) {
                assertThat(parts.accept(other)).as("another request's frame in between passes alone").isSameAs(other);
            }
            if (i < frames.size() - 1) {
                assertThat(r).isNull();
                assertThat(ProtocolCodec.decodeResponse(frames.get(i)).status()).isEqualTo(Status.PART);
            } else {
                whole = r;
            }
        }
        assertThat(whole.requestId()).isEqualTo(77);
        assertThat(whole.status()).isEqualTo(Status.OK);
        assertThat(whole.body()).isEqualTo(body);
        Response small = new Response(79, Status.OK, new byte[] {5});
        assertThat(ProtocolCodec.encodeFrames(small, frame)).hasSize(1);
        assertThat(parts.accept(small)).isSameAs(small);
    }

    @Test
    void aFrameOfAnotherProtocolVersionIsRefusedClearly() {
        byte[] frame = ProtocolCodec.encode(new Request.Status(1));
        frame[0] = 9;
        assertThatThrownBy(() -> ProtocolCodec.decodeRequest(frame, io.khora.internal.wire.JavaDeserialization.TRUSTED)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("protocol version 9 is not supported");
    }
}

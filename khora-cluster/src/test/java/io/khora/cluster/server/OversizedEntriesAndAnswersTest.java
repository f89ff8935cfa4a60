package io.khora.cluster.server;

import io.khora.Lease;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.TransactionException;
import io.khora.WriteMode;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;
import io.khora.SizeLimitExceededException;
import io.khora.cluster.protocol.ProtocolCodec;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.cluster.raft.Command;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.persistence.Partitioning;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Size limits through real sockets against three nodes in this JVM (2 partitions × 3 replicas) with
 * small limits — 1 MiB frames, 256 KiB entries — on the nodes and the client: oversized entries are
 * refused by the client and by the node with the size and the limit named, nothing applied; answers
 * larger than a frame arrive whole (reads in parts, takes in several budgeted takes), and nothing is
 * taken twice or left in the partitions' memory of calls.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OversizedEntriesAndAnswersTest {
    /** A blob on a shelf (the routing value). */
    public record Blob(@SpaceId String id, @SpaceRouting int shelf, byte[] data) {
    }

    /** A small entry of another type, written to move the client's calls on. */
    public record Marker(@SpaceId String id, @SpaceRouting int shelf) {
    }

    private static final int FRAME = 1024 * 1024;
    private static final int ENTRY = 256 * 1024;
    private static final String LIMITS = "&max-frame-size=1MiB&max-entry-size=256KiB";
    private static final TypeDescriptor BLOB = TypeIntrospector.describe(Blob.class);

    static LocalCluster cluster;
    static Space space;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.configure("sizes", 3, "blobs", 2, 3, 2)
                .withNodeSettings(b -> b.maxFrameSize(FRAME).maxEntrySize(ENTRY))
                .startAll(Duration.ofSeconds(60));
        space = Spaces.connect(cluster.uri("blobs") + LIMITS);
    }

    @AfterAll
    static void stop() {
        if (space != null) {
            space.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void empty() {
        space.clear(Query.all(Blob.class));
    }

    private static byte[] data(int size, int seed) {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    /** {@code n} blobs of {@code size} bytes on shelves 0..3 (both partitions), written. */
    private static List<Blob> writeBlobs(int n, int size) {
        List<Blob> blobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            blobs.add(new Blob("b" + i, i % 4, data(size, i)));
        }
        space.writeMultiple(blobs);
        return blobs;
    }

    @Test
    void anOversizedWriteIsRefusedByTheClientNamingItsSizeAndTheLimit() {
        assertThatThrownBy(() -> space.write(new Blob("big", 1, new byte[300 * 1024])))
                .isInstanceOf(SizeLimitExceededException.class)
                .hasMessageContaining("an entry of type " + Blob.class.getName() + " is 3072")
                .hasMessageContaining("over this client's max-entry-size of 262144 bytes (256.0 KiB)")
                .hasMessageContaining("not written");
        assertThat(space.readById(Blob.class, "big")).isNull();

        // writeMultiple checks every entry before it sends any: nothing written
        assertThatThrownBy(() -> space.writeMultiple(List.of(new Blob("small", 2, new byte[10]), new Blob("big", 3, new byte[300 * 1024]))))
                .isInstanceOf(SizeLimitExceededException.class).hasMessageContaining("max-entry-size");
        assertThat(space.count(Query.all(Blob.class))).isZero();

        // an entry at the limit is written and read back
        byte[] most = data(ENTRY - 64, 7);
        space.write(new Blob("most", 1, most));
        assertThat(space.readById(Blob.class, "most").data()).isEqualTo(most);
    }

    @Test
    void aClientWithLargerLimitsIsRefusedByTheNodeNamingItsLimit() {
        try (Space lax = Spaces.connect(cluster.uri("blobs") + "&max-frame-size=4MiB&max-entry-size=2MiB")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> lax.write(new Blob("big", 1, new byte[300 * 1024])))
                    .isInstanceOf(SizeLimitExceededException.class)
                    .hasMessageContaining("an entry of type " + Blob.class.getName())
                    .hasMessageMatching("(?s).*over node n\\d's max-entry-size of 262144 bytes.*");
            assertThatThrownBy(() -> lax.write(new Blob("huge", 1, new byte[1500 * 1024])))
                    .isInstanceOf(SizeLimitExceededException.class)
                    .hasMessageMatching("(?s)a request frame of 15\\d+ bytes .* exceeds node n\\d's max-frame-size of 1048576 bytes.*");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once, not retried until the operation timeout")
                    .isLessThan(Duration.ofSeconds(15));
            assertThat(lax.count(Query.all(Blob.class))).isZero();
        }
    }

    @Test
    void theNodeRefusesOversizedRequestsSentRawAndKeepsTheConnection() throws Exception {
        ClusterSpec.NodeSpec node = cluster.spec.nodes().get(0);
        try (Socket s = cluster.rawSocket(node, node.id())) {
            s.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(exchange(out, in, new Request.Hello(1, 5, 6, false, FRAME)).status()).isEqualTo(Status.OK);
            assertThat(exchange(out, in, new Request.Auth(100, "EXTERNAL", new byte[0])).status()).isEqualTo(Status.OK);

            Object[] values = BLOB.codec().toValues(new Blob("raw", 1, new byte[300 * 1024]));
            int partition = Partitioning.partitionOf(1, 2);
            Response entry = exchange(out, in, new Request.Mutate(2, "blobs", partition, 1, 1, false, false,
                    new Command.Write(BLOB.name(), values, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE)));
            assertThat(entry.requestId()).isEqualTo(2);
            assertThat(entry.status()).isEqualTo(Status.ERROR);
            assertThat(Responses.readError(entry.body(), io.khora.internal.wire.JavaDeserialization.TRUSTED)).isInstanceOf(SizeLimitExceededException.class)
                    .hasMessageContaining("over node " + node.id() + "'s max-entry-size of 262144 bytes");

            Object[] huge = BLOB.codec().toValues(new Blob("raw", 1, new byte[3 * FRAME]));
            Response frame = exchange(out, in, new Request.Mutate(3, "blobs", partition, 2, 2, false, false,
                    new Command.Write(BLOB.name(), huge, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE)));
            assertThat(frame.requestId()).isEqualTo(3);
            assertThat(frame.status()).isEqualTo(Status.ERROR);
            assertThat(Responses.readError(frame.body(), io.khora.internal.wire.JavaDeserialization.TRUSTED)).isInstanceOf(SizeLimitExceededException.class)
                    .hasMessageContaining("exceeds node " + node.id() + "'s max-frame-size of 1048576 bytes (1.0 MiB)");

            assertThat(exchange(out, in, new Request.Status(4)).status()).as("the connection still serves").isEqualTo(Status.OK);
        }
        assertThat(space.readById(Blob.class, "raw")).isNull();
    }

    private static Response exchange(DataOutputStream out, DataInputStream in, Request r) throws Exception {
        byte[] frame = ProtocolCodec.encode(r);
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
        int length = in.readInt();
        assertThat(length).as("a frame within the limit").isLessThanOrEqualTo(FRAME);
        byte[] answer = new byte[length];
        in.readFully(answer);
        return ProtocolCodec.decodeResponse(answer);
    }

    @Test
    void aRequestOverTheClientsFrameLimitFailsBeforeItIsSentAndNothingIsApplied() {
        io.khora.Transaction tx = space.beginTransaction();
        for (int i = 0; i < 6; i++) {
            space.with(tx).write(new Blob("tx" + i, 1, new byte[200 * 1024])); // one partition: one prepare of 1.2 MB
        }
        assertThatThrownBy(tx::commit).isInstanceOf(TransactionException.class)
                .hasMessageContaining("rolled back")
                .hasMessageContaining("exceeds this client's max-frame-size of 1048576 bytes (1.0 MiB)")
                .hasRootCauseInstanceOf(SizeLimitExceededException.class);
        assertThat(space.count(Query.all(Blob.class))).isZero();
    }

    @Test
    void aReadMultipleLargerThanAFrameReturnsEveryEntry() {
        List<Blob> written = writeBlobs(40, 100 * 1024); // 4 MB; each partition holds 2 MB, two frames' worth
        List<Blob> read = space.readMultiple(Query.all(Blob.class), 1000);
        assertThat(read).hasSize(40);
        for (Blob b : read) {
            assertThat(b.data()).isEqualTo(written.get(Integer.parseInt(b.id().substring(1))).data());
        }
        List<Blob> shelf = space.readMultiple(Query.of(Blob.class, "shelf = ?", 2), 1000);
        assertThat(shelf).extracting(Blob::id).hasSize(10).allMatch(id -> Integer.parseInt(id.substring(1)) % 4 == 2);
    }

    @Test
    void aTakeMultipleLargerThanAFrameTakesEveryEntryOnceAcrossPagesAndLeavesNothingInTheCallMemory() {
        List<Blob> written = writeBlobs(40, 100 * 1024);
        long remembered = rememberedAfterMarkers();

        List<Blob> taken = space.takeMultiple(Query.all(Blob.class), 1000);
        assertThat(taken.stream().mapToLong(b -> b.data().length).sum()).as("several frames' worth").isGreaterThan(3L * FRAME);
        Set<String> ids = new HashSet<>();
        for (Blob b : taken) {
            assertThat(ids.add(b.id())).as("%s received once", b.id()).isTrue();
            assertThat(b.data()).isEqualTo(written.get(Integer.parseInt(b.id().substring(1))).data());
        }
        assertThat(ids).hasSize(40);
        assertThat(space.count(Query.all(Blob.class))).isZero();
        assertThat(space.readById(Blob.class, "b0")).isNull();
        assertThat(rememberedAfterMarkers()).as("no take's answer stays remembered once the client moved on").isEqualTo(remembered);

        // a bounded takeMultiple over pages takes exactly max
        writeBlobs(30, 100 * 1024);
        assertThat(space.takeMultiple(Query.all(Blob.class), 17)).hasSize(17).extracting(Blob::id).doesNotHaveDuplicates();
        assertThat(space.count(Query.all(Blob.class))).isEqualTo(13);
    }

    @Test
    void aTakeAnswersInOneFrameTakingOnlyWhatItHoldsAndSaysWhenMatchesAreLeft() throws Exception {
        int partition = Partitioning.partitionOf(1, 2);
        List<Blob> blobs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            blobs.add(new Blob("b" + i, 1, data(100 * 1024, i)));
        }
        space.writeMultiple(blobs); // 2 MB in one partition
        ClusterSpec.NodeSpec leader = cluster.spec.node(cluster.leaderOf("blobs", partition)).orElseThrow();
        try (Socket s = cluster.rawSocket(leader, leader.id())) {
            s.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(exchange(out, in, new Request.Hello(1, 7, 8, false, FRAME)).status()).isEqualTo(Status.OK);
            assertThat(exchange(out, in, new Request.Auth(100, "EXTERNAL", new byte[0])).status()).isEqualTo(Status.OK);
            Command.TakeQuery unbounded = new Command.TakeQuery(BLOB.name(), Command.QuerySpec.all(), 1000);
            Set<Object> ids = new HashSet<>();
            boolean more = true;
            int takes = 0;
            while (more) {
                takes++;
                Response r = exchange(out, in, new Request.Mutate(1 + takes, "blobs", partition, takes, takes, false, false, unbounded));
                assertThat(r.status()).as("one frame with the whole answer, not parts").isEqualTo(Status.OK);
                io.khora.cluster.raft.TakenEntries got = (io.khora.cluster.raft.TakenEntries) Responses.readMutationResult(unbounded, r.body(), io.khora.internal.wire.JavaDeserialization.TRUSTED);
                assertThat(got).isNotEmpty();
                got.forEach(e -> assertThat(ids.add(e.values()[BLOB.idIndex()])).isTrue());
                more = got.more();
            }
            assertThat(takes).as("the node's take budget split the take").isGreaterThan(1);
            assertThat(ids).hasSize(20);
        }
        assertThat(space.count(Query.all(Blob.class))).isZero();
    }

    /**
     * Writes a marker to every partition (so this client reports its earlier calls there answered) and
     * returns how many call responses the partitions' leaders remember.
     */
    private static long rememberedAfterMarkers() {
        long total = 0;
        for (int p = 0; p < 2; p++) {
            int shelf = 0;
            while (Partitioning.partitionOf(shelf, 2) != p) {
                shelf++;
            }
            space.write(new Marker("marker" + p, shelf));
            total += cluster.leaderReplica("blobs", p).stateMachine().calls().responses();
        }
        return total;
    }
}

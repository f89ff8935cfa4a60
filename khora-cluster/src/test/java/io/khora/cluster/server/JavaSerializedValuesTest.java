package io.khora.cluster.server;

import io.khora.Lease;
import io.khora.Query;
import io.khora.Space;
import io.khora.SpaceException;
import io.khora.Spaces;
import io.khora.WriteMode;
import io.khora.cluster.fixtures.Parcel;
import io.khora.cluster.fixtures.Recorder;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Response;
import io.khora.cluster.protocol.Responses;
import io.khora.cluster.protocol.Status;
import io.khora.cluster.raft.Command;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.internal.wire.JavaDeserialization;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * No Java deserialization from the network, through real sockets: a value tagged JAVA_SERIALIZED sent to a
 * node — raw, in a write or a query's arguments, or by the ordinary client — is refused with an error
 * naming the class and where it was found; {@link Recorder#readObject} never runs and nothing is applied.
 * A node whose {@code java-serialization-allow} names the class does deserialize it (so the recorder
 * would have seen a call).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JavaSerializedValuesTest {
    private static final TypeDescriptor PARCEL = TypeIntrospector.describe(Parcel.class);
    private static final JavaDeserialization ANSWERS = JavaDeserialization.refused("a test's answer");

    static LocalCluster refusing;
    static LocalCluster allowing;

    @BeforeAll
    static void start() throws Exception {
        refusing = LocalCluster.configure("java-refusing", 1, "parcels", 1, 1, 1).startAll(Duration.ofSeconds(60));
        allowing = LocalCluster.configure("java-allowing", 1, "parcels", 1, 1, 1)
                .withNodeSettings(b -> b.javaSerializationAllow(Recorder.class.getName()))
                .startAll(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (refusing != null) {
            refusing.close();
        }
        if (allowing != null) {
            allowing.close();
        }
    }

    @Test
    void aJavaSerializedValueSentRawIsRefusedNamingItsClassAndNothingIsDeserializedOrApplied() throws Exception {
        int reads = Recorder.READS.get();
        ClusterSpec.NodeSpec node = refusing.spec.nodes().get(0);
        try (RawConnection c = new RawConnection(node, null, 30_000, refusing.certificates().ca())) {
            assertThat(c.exchange(new Request.Hello(1, 11, 12, false, 1 << 20)).status()).isEqualTo(Status.OK);
            Object[] values = PARCEL.codec().toValues(new Parcel("p1", new Recorder("raw")));
            Response write = c.exchange(new Request.Mutate(2, "parcels", 0, 1, 1, false, false,
                    new Command.Write(PARCEL.name(), values, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE)));
            assertThat(write.requestId()).isEqualTo(2);
            assertThat(write.status()).isEqualTo(Status.ERROR);
            assertThat(Responses.readError(write.body(), ANSWERS)).isInstanceOf(SpaceException.class)
                    .hasMessageContaining("not decoded, so not applied")
                    .hasMessageContaining("a Java-serialized value (class " + Recorder.class.getName())
                    .hasMessageContaining("of a request from /127.0.0.1:" + c.socket.getLocalPort() + " is refused")
                    .hasMessageContaining("java-serialization-allow");

            Response query = c.exchange(new Request.Count(3, "parcels", 0, PARCEL.name(),
                    Command.QuerySpec.text("content = ?", new Recorder("in a query"))));
            assertThat(query.status()).isEqualTo(Status.ERROR);
            assertThat(Responses.readError(query.body(), ANSWERS).getMessage()).contains("class " + Recorder.class.getName());

            Response next = c.exchange(new Request.Status(4)); // unauthenticated: refused, but answered — the connection still serves
            assertThat(next.requestId()).as("the connection still serves").isEqualTo(4);
            assertThat(Responses.readError(next.body(), ANSWERS).getMessage()).contains("authentication required");
        }
        assertThat(Recorder.READS).as("readObject never ran").hasValue(reads);
        try (Space space = Spaces.connect(refusing.uri("parcels"))) {
            assertThat(space.count(Query.all(Parcel.class))).isZero();
        }
    }

    @Test
    void theOrdinaryClientWritingAJavaSerializedValueGetsTheRefusalAtOnce() {
        int reads = Recorder.READS.get();
        try (Space space = Spaces.connect(refusing.uri("parcels"))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> space.write(new Parcel("p2", new Recorder("client"))))
                    .isInstanceOf(SpaceException.class)
                    .hasMessageContaining("not decoded, so not applied")
                    .hasMessageContaining("a Java-serialized value (class " + Recorder.class.getName());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not retried").isLessThan(Duration.ofSeconds(10));
            assertThat(space.readById(Parcel.class, "p2")).isNull();
        }
        assertThat(Recorder.READS).hasValue(reads);
    }

    @Test
    void aNodeWhoseAllowListNamesTheClassDeserializesIt() {
        int reads = Recorder.READS.get();
        try (Space space = Spaces.connect(allowing.uri("parcels"))) {
            space.write(new Parcel("p3", new Recorder("allowed")));
            assertThat(space.readById(Parcel.class, "p3").content()).isEqualTo(new Recorder("allowed"));
        }
        assertThat(Recorder.READS.get()).as("the node (and the client reading it back) ran readObject").isGreaterThan(reads);
    }

    @Test
    void aClientKeepsItsOwnChoiceForTheAnswersItDecodes() {
        try (Space writer = Spaces.connect(allowing.uri("parcels"));
             Space careful = io.khora.cluster.client.RemoteSpace.connect(io.khora.cluster.client.KhoraUri.parse(allowing.uri("parcels")),
                     JavaDeserialization.refused("an answer of the cluster"))) {
            writer.write(new Parcel("p5", new Recorder("stored")));
            int reads = Recorder.READS.get();
            assertThatThrownBy(() -> careful.readById(Parcel.class, "p5"))
                    .hasMessageContaining("a Java-serialized value (class " + Recorder.class.getName())
                    .hasMessageContaining("of an answer of the cluster is refused");
            assertThat(Recorder.READS).hasValue(reads);
            assertThat(writer.readById(Parcel.class, "p5").content()).as("the default client deserializes, as before")
                    .isEqualTo(new Recorder("stored"));
        }
    }

    @Test
    void anAllowListNotNamingTheClassRefusesIt() throws Exception {
        int reads = Recorder.READS.get();
        try (LocalCluster other = LocalCluster.configure("java-other", 1, "parcels", 1, 1, 1)
                .withNodeSettings(b -> b.javaSerializationAllow("java.lang.*;java.util.*"))
                .startAll(Duration.ofSeconds(60));
             Space space = Spaces.connect(other.uri("parcels"))) {
            assertThatThrownBy(() -> space.write(new Parcel("p4", new Recorder("not listed"))))
                    .hasMessageContaining("class " + Recorder.class.getName() + " is not allowed by the node's java-serialization-allow"
                            + " 'java.lang.*;java.util.*'");
            assertThat(space.count(Query.all(Parcel.class))).isZero();
        }
        assertThat(Recorder.READS).hasValue(reads);
    }
}

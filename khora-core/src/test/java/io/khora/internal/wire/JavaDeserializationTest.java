package io.khora.internal.wire;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Java-serialized value is deserialized as the input's {@link JavaDeserialization} decides: trusted
 * input as before, refused input never (not one {@code readObject} runs), an allow-list only for
 * the classes it names.
 */
class JavaDeserializationTest {
    /** Records every deserialization. */
    static final class Recorder implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READS = new AtomicInteger();
        final String name;
        final int[] numbers;
        final Serializable inner;

        Recorder(String name, Serializable inner) {
            this.name = name;
            this.numbers = new int[] {1, 2, 3};
            this.inner = inner;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            READS.incrementAndGet();
            in.defaultReadObject();
        }
    }

    /** Another class, not in the allow-lists below; records its deserializations too. */
    static final class Stranger implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READS = new AtomicInteger();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            READS.incrementAndGet();
            in.defaultReadObject();
        }
    }

    private static final String RECORDER = Recorder.class.getName();

    @BeforeEach
    void reset() {
        Recorder.READS.set(0);
        Stranger.READS.set(0);
    }

    private static byte[] encode(Object value) {
        WireOutput out = new WireOutput(64);
        out.writeValue(List.of("before", value));
        return out.toByteArray();
    }

    @Test
    void trustedInputIsDeserializedAsBefore() {
        Object v = new WireInput(encode(new Recorder("a", null)), JavaDeserialization.TRUSTED).readValue();
        assertThat(((Recorder) ((List<?>) v).get(1)).name).isEqualTo("a");
        assertThat(Recorder.READS).hasValue(1);
    }

    @Test
    void refusedInputDeserializesNothingAndNamesTheClassTheSourceAndTheSetting() {
        byte[] bytes = encode(new Recorder("a", new Stranger()));
        assertThatThrownBy(() -> new WireInput(bytes, JavaDeserialization.refused("a request from 10.1.2.3:4567")).readValue())
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("a Java-serialized value (class " + RECORDER + ", ")
                .hasMessageContaining("at offset 10 of a request from 10.1.2.3:4567 is refused")
                .hasMessageContaining("Java objects from the network are not deserialized here")
                .hasMessageContaining("nothing was deserialized")
                .hasMessageContaining("java-serialization-allow");
        assertThat(Recorder.READS).hasValue(0);
        assertThat(Stranger.READS).hasValue(0);
    }

    @Test
    void refusedBytesThatAreNotASerializationStreamAreRefusedToo() {
        WireOutput out = new WireOutput(16);
        out.writeByte(Tags.JAVA_SERIALIZED);
        out.writeBytes(new byte[] {1, 2, 3});
        assertThatThrownBy(() -> new WireInput(out.toByteArray(), JavaDeserialization.refused("a log entry")).readValue())
                .hasMessageContaining("a Java-serialized value (of a class not named in its first bytes, 3 bytes) at offset 0 of a log entry");
    }

    @Test
    void anAllowListDeserializesTheClassesItNamesAndRefusesOthers() {
        String pattern = RECORDER + ";java.lang.*";
        JavaDeserialization allow = JavaDeserialization.allowList(pattern, "a request from 10.1.2.3:4567");
        Object v = new WireInput(encode(new Recorder("a", "text")), allow).readValue();
        assertThat(((Recorder) ((List<?>) v).get(1)).numbers).containsExactly(1, 2, 3); // a primitive array needs no entry
        assertThat(Recorder.READS).hasValue(1);

        assertThatThrownBy(() -> new WireInput(encode(new Stranger()), allow).readValue())
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("a Java-serialized value (class " + Stranger.class.getName())
                .hasMessageContaining("is not allowed by the node's java-serialization-allow '" + pattern + "'")
                .hasMessageContaining("of a request from 10.1.2.3:4567");
        assertThat(Stranger.READS).hasValue(0);

        // a class the allow-list does not name, inside one it does, is refused before it is read
        assertThatThrownBy(() -> new WireInput(encode(new Recorder("b", new Stranger())), allow).readValue())
                .hasMessageContaining("class " + Stranger.class.getName() + " is not allowed");
        assertThat(Stranger.READS).hasValue(0);
    }

    @Test
    void anAllowListRefusesWhatItsPatternRejects() {
        JavaDeserialization allow = JavaDeserialization.allowList("!" + RECORDER + ";io.khora.**", "a snapshot");
        assertThatThrownBy(() -> new WireInput(encode(new Recorder("a", null)), allow).readValue())
                .hasMessageContaining("class " + RECORDER + " is not allowed");
        assertThat(Recorder.READS).hasValue(0);
    }

    @Test
    void aBadAllowListIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> JavaDeserialization.allowList("  ", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java-serialization-allow is empty");
        assertThatThrownBy(() -> JavaDeserialization.allowList("maxdepth=lots", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java-serialization-allow 'maxdepth=lots' is not a valid ObjectInputFilter pattern");
    }

    @Test
    void fromKeepsTheDecisionAndNamesTheNewSource() {
        JavaDeserialization network = JavaDeserialization.network(null);
        assertThat(network.refusesAll()).isTrue();
        assertThat(network.from("a peer's answer").source()).isEqualTo("a peer's answer");
        assertThat(network.from("a peer's answer").refusesAll()).isTrue();
        JavaDeserialization allowing = JavaDeserialization.network("java.lang.*");
        assertThat(allowing.from("a log entry").allowPattern()).isEqualTo("java.lang.*");
        assertThat(JavaDeserialization.TRUSTED.from("anything")).isSameAs(JavaDeserialization.TRUSTED);
    }

    @Test
    void theAnnouncedClassIsReadWithoutLoadingItAndKeptPrintable() {
        byte[] stream = JavaSerialization.serialize(new Recorder("a", null));
        assertThat(JavaDeserialization.announcedClass(stream, 0, stream.length)).isEqualTo(RECORDER);
        byte[] odd = stream.clone();
        odd[8] = '\n'; // the name starts at byte 8
        assertThat(JavaDeserialization.announcedClass(odd, 0, odd.length)).startsWith("?");
        assertThat(JavaDeserialization.announcedClass(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5}, 0, 4)).isNull();
    }
}

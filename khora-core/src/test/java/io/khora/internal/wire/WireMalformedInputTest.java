package io.khora.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.khora.SpaceException;
import io.khora.document.SpaceDocument;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class WireMalformedInputTest {

    enum Small { ONE }

    record Pair(String a, int b) { }

    /** A sample that exercises most tags, to cut and corrupt. */
    static Object sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "héllo 😀");
        m.put("i", -12345);
        m.put("l", Long.MIN_VALUE);
        m.put("d", 3.25);
        m.put("f", 1.5f);
        m.put("bd", new BigDecimal("-12.3400"));
        m.put("u", new UUID(1, 2));
        m.put("t", Instant.ofEpochSecond(1_700_000_000L, 5));
        m.put("z", ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneId.of("Asia/Tokyo")));
        m.put("e", Small.ONE);
        m.put("r", new Pair("x", 2));
        m.put("arr", new int[] {1, -2, 3});
        m.put("dbl", new double[] {0.5});
        m.put("strs", new String[] {"a", null});
        m.put("set", new TreeSet<>(List.of(3, 1)));
        m.put("doc", new SpaceDocument("T", Map.of("k", List.of(true, 'c', (short) 4, (byte) 5))));
        m.put("bytes", new byte[] {1, 2, 3});
        return List.of(m, List.of(), "tail");
    }

    private static byte[] encode(Object v) {
        WireOutput out = new WireOutput();
        out.writeValue(v);
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void truncatedAtEveryOffsetFailsWithWireFormatException() {
        byte[] full = encode(sample());
        assertThat(new WireInput(full, JavaDeserialization.TRUSTED).readValue()).isNotNull();
        for (int cut = 0; cut < full.length; cut++) {
            WireInput in = new WireInput(full, 0, cut, JavaDeserialization.TRUSTED);
            Throwable t = catchThrowable(in::readValue);
            assertThat(t).as("input cut to %d of %d bytes", cut, full.length).isInstanceOf(WireFormatException.class);
            assertThat(t.getMessage()).contains("at offset");
            assertThat(((WireFormatException) t).offset()).isBetween(0, cut);
        }
    }

    @Test
    void randomCorruptionFailsOnlyWithWireFormatException() {
        byte[] full = encode(sample());
        Random random = new Random(20240611L);
        int decoded = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] corrupt = full.clone();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(corrupt.length);
                corrupt[at] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : (byte) (corrupt[at] ^ (1 << random.nextInt(8)));
            }
            try {
                new WireInput(corrupt, JavaDeserialization.TRUSTED).readValue();
                decoded++; // a flip inside a payload can still decode: fine
            } catch (WireFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(decoded).isLessThan(20_000);
    }

    @Test
    void corruptLengthClaimingTwoGigabytesFailsWithoutAllocating() {
        // string, byte[], list, long[] and map counts of 0x7FFFFFFF with only a few bytes behind them
        int[][] inputs = {
                {Tags.STRING, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 'a', 'b'},
                {Tags.BYTE_ARRAY, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 2, 3},
                {Tags.LIST, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, Tags.NULL},
                {Tags.LONG_ARRAY, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0},
                {Tags.DOUBLE_ARRAY, 0x02, 0, 0, 0, 0, 0, 0, 0, 0}, // 2 doubles claimed, 1 present
                {Tags.MAP, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, Tags.NULL, Tags.NULL},
                {Tags.JAVA_SERIALIZED, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0},
                {Tags.STRING, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, // 4 GB: does not fit an int
        };
        for (int[] input : inputs) {
            Throwable t = catchThrowable(() -> new WireInput(bytes(input), JavaDeserialization.TRUSTED).readValue());
            assertThat(t).isInstanceOf(WireFormatException.class);
            assertThat(t.getMessage()).containsAnyOf("exceeds", "longer than 32 bits");
        }
        assertThat(catchThrowable(() -> new WireInput(bytes(input(Tags.STRING, 0xFF, 0xFF, 0xFF, 0xFF, 0x07)), JavaDeserialization.TRUSTED).readValue()))
                .hasMessageContaining("a string of 2147483647 bytes exceeds the 0 bytes that remain at offset 1");
    }

    private static int[] input(int... values) {
        return values;
    }

    @Test
    void unknownTagIsReportedClearly() {
        assertThatThrownBy(() -> new WireInput(bytes(Tags.LIST, 2, Tags.NULL, 0x7A), JavaDeserialization.TRUSTED).readValue())
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("unknown type tag 0x7A")
                .hasMessageContaining("at offset 3");
        assertThatThrownBy(() -> new WireInput(bytes(0x00), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("unknown type tag 0x00").hasMessageContaining("zero-filled");
        assertThatThrownBy(() -> new WireInput(new byte[0], JavaDeserialization.TRUSTED).readValue())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void malformedPrimitivesAreRejected() {
        assertThatThrownBy(() -> new WireInput(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x7F), JavaDeserialization.TRUSTED).readVarInt())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("longer than 32 bits");
        assertThatThrownBy(() -> new WireInput(bytes(0x80, 0x80), JavaDeserialization.TRUSTED).readVarInt())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("cut off");
        assertThatThrownBy(() -> new WireInput(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02), JavaDeserialization.TRUSTED).readVarLong())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("longer than 64 bits");
        assertThatThrownBy(() -> new WireInput(bytes(Tags.STRING, 2, 0xC3, 0x28), JavaDeserialization.TRUSTED).readValue())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("malformed UTF-8")
                .hasMessageContaining("at offset 2");
        assertThatThrownBy(() -> new WireInput(bytes(Tags.STRING, 2, 0xC0, 0x80), JavaDeserialization.TRUSTED).readValue())
                .as("overlong NUL").hasMessageContaining("malformed UTF-8");
        assertThatThrownBy(() -> new WireInput(bytes(Tags.STRING, 4, 0xF4, 0x90, 0x80, 0x80), JavaDeserialization.TRUSTED).readValue())
                .as("above U+10FFFF").hasMessageContaining("malformed UTF-8");
        assertThatThrownBy(() -> new WireInput(bytes(Tags.BIG_INTEGER, 0), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("zero bytes");
        assertThatThrownBy(() -> new WireInput(bytes(Tags.BOOLEAN_ARRAY, 1, 2), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("boolean");
        assertThatThrownBy(() -> new WireInput(bytes(Tags.SHORT, 0xFE, 0xFF, 0x07), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("short value out of range");
        WireOutput instant = new WireOutput();
        instant.writeByte(Tags.INSTANT);
        instant.writeSignedVarLong(Long.MAX_VALUE);
        instant.writeVarInt(0);
        assertThatThrownBy(() -> new WireInput(instant.toByteArray(), JavaDeserialization.TRUSTED).readValue())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("invalid Instant");
        WireOutput nanos = new WireOutput();
        nanos.writeByte(Tags.DURATION);
        nanos.writeSignedVarLong(1);
        nanos.writeVarInt(1_000_000_000);
        assertThatThrownBy(() -> new WireInput(nanos.toByteArray(), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("nanosecond field out of range");
    }

    @Test
    void unknownClassesAndConstantsAreNamed() {
        WireOutput out = new WireOutput();
        out.writeByte(Tags.ENUM);
        out.writeString("com.example.NoSuchEnum");
        out.writeString("X");
        assertThatThrownBy(() -> new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED).readValue())
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("unknown enum class com.example.NoSuchEnum").hasMessageContaining("at offset 0");

        out.reset();
        out.writeByte(Tags.ENUM);
        out.writeString(Small.class.getName());
        out.writeString("TWO");
        assertThatThrownBy(() -> new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("enum " + Small.class.getName() + " has no constant TWO");

        out.reset();
        out.writeByte(Tags.ENUM);
        out.writeString(String.class.getName());
        out.writeString("X");
        assertThatThrownBy(() -> new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED).readValue()).hasMessageContaining("is not an enum");

        out.reset();
        out.writeByte(Tags.RECORD);
        out.writeString("com.example.Gone");
        out.writeVarInt(0);
        assertThatThrownBy(() -> new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("unknown record class com.example.Gone");

        out.reset();
        out.writeByte(Tags.RECORD);
        out.writeString(Pair.class.getName());
        out.writeVarInt(3);
        out.writeValue("a");
        out.writeValue(1);
        out.writeValue(2);
        assertThatThrownBy(() -> new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("has 2 components here but 3 on the wire");

        out.reset();
        out.writeByte(Tags.RECORD);
        out.writeString(Pair.class.getName());
        out.writeVarInt(2);
        out.writeValue("a");
        out.writeValue("not an int");
        assertThatThrownBy(() -> new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("component b of type int cannot take the decoded value of class java.lang.String");

        out.reset();
        out.writeByte(Tags.RECORD);
        out.writeString(WireRoundTripTest.Validated.class.getName());
        out.writeVarInt(1);
        out.writeValue(-1);
        assertThatThrownBy(() -> new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("rejected the decoded components").hasMessageContaining("must be positive");

        out.reset();
        out.writeByte(Tags.TYPED_ARRAY);
        out.writeString(String.class.getName());
        out.writeVarInt(1);
        out.writeValue(5);
        assertThatThrownBy(() -> new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED).readValue())
                .hasMessageContaining("cannot hold a value of class java.lang.Integer");
    }

    @Test
    void unencodableValueNamesItsClass() {
        WireOutput out = new WireOutput();
        out.writeValue("kept");
        int size = out.size();
        assertThatThrownBy(() -> out.writeValue(new Object()))
                .isInstanceOf(WireFormatException.class).isInstanceOf(SpaceException.class)
                .hasMessage("cannot encode a value of class java.lang.Object: make it Serializable, a record, or use supported types");
        Thread notSerializable = new Thread(() -> { });
        assertThatThrownBy(() -> out.writeValue(Map.of("k", List.of(1, notSerializable))))
                .hasMessageContaining("cannot encode a value of class java.lang.Thread");
        assertThat(out.size()).as("a failed write leaves the output as it was").isEqualTo(size);
        assertThat(new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED).readValue()).isEqualTo("kept");
    }

    @Test
    void cyclesAndDeepNestingAreBounded() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThatThrownBy(() -> new WireOutput().writeValue(cycle))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("nested deeper than 64 levels (a cycle?)");

        Object nested = "leaf";
        for (int i = 0; i < 64; i++) {
            nested = List.of(nested);
        }
        Object ok = nested;
        assertThat(new WireInput(encode(ok), JavaDeserialization.TRUSTED).readValue()).isEqualTo(ok);
        Object tooDeep = List.of(nested);
        assertThatThrownBy(() -> encode(tooDeep)).hasMessageContaining("nested deeper than 64");

        byte[] deep = new byte[100_000]; // lists of one element, 50,000 deep: no stack overflow
        for (int i = 0; i < deep.length; i += 2) {
            deep[i] = (byte) Tags.LIST;
            deep[i + 1] = 1;
        }
        assertThatThrownBy(() -> new WireInput(deep, JavaDeserialization.TRUSTED).readValue())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("nested deeper than 64 levels")
                .hasMessageContaining("at offset 128");
    }

    @Test
    void sortedCollectionsOfIncomparableElementsFailClearly() {
        WireOutput out = new WireOutput();
        out.writeByte(Tags.SORTED_SET);
        out.writeVarInt(2);
        out.writeValue(1);
        out.writeValue("x");
        assertThatThrownBy(() -> new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED).readValue())
                .isInstanceOf(WireFormatException.class).hasMessageContaining("cannot be ordered naturally");
    }
}

package io.khora.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.khora.document.SpaceDocument;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class WireRoundTripTest {

    enum Color { RED, GREEN }

    /** Constants with bodies are subclasses: the wire must name the declaring enum. */
    enum Op {
        ADD { @Override int apply(int a, int b) { return a + b; } },
        SUB { @Override int apply(int a, int b) { return a - b; } };

        abstract int apply(int a, int b);
    }

    record Point(int x, long y, double z, boolean flag, char c, String label) { }

    record Order(String id, Point at, List<String> tags, Map<String, Object> attributes, Color color,
                 BigDecimal price, int[] counts) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Order other && id.equals(other.id) && Objects.equals(at, other.at)
                    && Objects.equals(tags, other.tags) && Objects.equals(attributes, other.attributes)
                    && color == other.color && Objects.equals(price, other.price) && Arrays.equals(counts, other.counts);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }
    }

    private record Hidden(String secret) { }

    record Validated(int positive) {
        Validated {
            if (positive <= 0) {
                throw new IllegalArgumentException("must be positive: " + positive);
            }
        }
    }

    static final class Legacy implements Serializable {
        private static final long serialVersionUID = 1L;
        final String name;
        final int version;

        Legacy(String name, int version) {
            this.name = name;
            this.version = version;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Legacy l && l.name.equals(name) && l.version == version;
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    static byte[] encode(Object value) {
        WireOutput out = new WireOutput();
        out.writeValue(value);
        return out.toByteArray();
    }

    static Object decode(byte[] bytes) {
        WireInput in = new WireInput(bytes, JavaDeserialization.TRUSTED);
        Object v = in.readValue();
        assertThat(in.remaining()).as("bytes left after the value").isZero();
        return v;
    }

    static Object roundTrip(Object value) {
        byte[] bytes = encode(value);
        Object back = decode(bytes);
        assertThat(encode(back)).as("re-encoding the decoded value of %s", value).isEqualTo(bytes);
        return back;
    }

    private static void assertRoundTrips(Object value) {
        Object back = roundTrip(value);
        if (value != null && value.getClass().isArray()) {
            assertThat(back).isInstanceOf(value.getClass());
            assertThat(Arrays.deepEquals(new Object[] {value}, new Object[] {back})).as("array %s", value).isTrue();
        } else {
            assertThat(back).isEqualTo(value);
            if (value != null) {
                assertThat(back.getClass()).isEqualTo(value.getClass());
            }
        }
    }

    @Test
    void nullAndScalars() {
        for (Object v : new Object[] {null, true, false, (byte) 0, (byte) -128, (byte) 127, (short) 0,
                Short.MIN_VALUE, Short.MAX_VALUE, 'a', '\u0000', '\uffff', '\ud800', 0, 1, -1, 63, -64, 64,
                Integer.MIN_VALUE, Integer.MAX_VALUE, 0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0.0f, -0.0f,
                Float.NaN, Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 0.0, -0.0, Double.NaN, Double.MAX_VALUE,
                Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertRoundTrips(v);
        }
        // -0.0 and 0.0 stay distinct (Double.equals compares bits)
        assertThat((Double) roundTrip(-0.0)).isEqualTo(-0.0);
        assertThat(Double.doubleToRawLongBits((Double) roundTrip(Double.longBitsToDouble(0x7ff8dead00000001L))))
                .isEqualTo(0x7ff8dead00000001L);
    }

    @Test
    void smallNumbersAreCompact() {
        assertThat(encode(null)).hasSize(1);
        assertThat(encode(true)).hasSize(1);
        assertThat(encode(0)).hasSize(2);
        assertThat(encode(-1)).hasSize(2);
        assertThat(encode(63)).hasSize(2);
        assertThat(encode(64)).hasSize(3);
        assertThat(encode(Integer.MIN_VALUE)).hasSize(6);
        assertThat(encode(7L)).hasSize(2);
        assertThat(encode(Long.MIN_VALUE)).hasSize(11);
        assertThat(encode("")).hasSize(2);
        assertThat(encode("abc")).hasSize(5);
        assertThat(encode(List.of(1, 2, 3))).hasSize(2 + 3 * 2);
    }

    @Test
    void strings() {
        for (String s : new String[] {"", "a", "hello, world", "Grüße", "日本語テキスト", "emoji 😀 and 𝄞 clef",
                "\ud83d\ude00", "lone high \ud800 surrogate", "lone low \udc00", "\udc00\ud800 reversed pair",
                "ends with high \ud83d", "\u0000 nul", "\u007f\u0080\u07ff\u0800\uffff", "x".repeat(100_000),
                "é".repeat(70_000)}) {
            assertRoundTrips(s);
        }
        // well-formed text is standard UTF-8
        assertThat(Arrays.copyOfRange(encode("€😀"), 2, 9))
                .isEqualTo("€😀".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void bigNumbers() {
        assertRoundTrips(BigInteger.ZERO);
        assertRoundTrips(BigInteger.ONE.negate());
        assertRoundTrips(BigInteger.TWO.pow(10_000).negate());
        assertRoundTrips(new BigDecimal("0.00"));
        assertRoundTrips(new BigDecimal("-123456789.987654321"));
        assertRoundTrips(new BigDecimal(BigInteger.TEN.pow(5_000).add(BigInteger.ONE), 2_500));
        assertRoundTrips(new BigDecimal(BigInteger.valueOf(7), Integer.MIN_VALUE));
        assertRoundTrips(new BigDecimal(BigInteger.valueOf(-7), Integer.MAX_VALUE));
        assertThat(roundTrip(new BigDecimal("1.50"))).isEqualTo(new BigDecimal("1.50")).isNotEqualTo(new BigDecimal("1.5"));
    }

    @Test
    void arrays() {
        assertRoundTrips(new byte[0]);
        assertRoundTrips(new byte[] {1, -1, 0, 127, -128});
        assertRoundTrips(new boolean[] {true, false, true});
        assertRoundTrips(new short[] {Short.MIN_VALUE, 0, Short.MAX_VALUE});
        assertRoundTrips(new char[] {'a', '\uffff', '\ud800'});
        assertRoundTrips(new int[] {});
        assertRoundTrips(new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE});
        assertRoundTrips(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE});
        assertRoundTrips(new float[] {Float.NaN, -0.0f, 1.5f});
        assertRoundTrips(new double[] {Double.NaN, -0.0, Double.MAX_VALUE});
        assertRoundTrips(new Object[] {});
        assertRoundTrips(new Object[] {null, 1, "two", List.of(3), new int[] {4}});
        assertRoundTrips(new String[] {"a", null, "c"});
        assertRoundTrips(new Integer[] {1, null});
        assertRoundTrips(new int[][] {{1, 2}, {}, null});
        assertRoundTrips(new Color[] {Color.RED, Color.GREEN});
        assertRoundTrips(new Point[] {new Point(1, 2, 3, true, 'x', "p")});
    }

    @Test
    void collectionsAndMaps() {
        assertThat(roundTrip(List.of())).isEqualTo(new ArrayList<>()).isInstanceOf(ArrayList.class);
        assertThat(roundTrip(Arrays.asList(1, null, "x"))).isEqualTo(Arrays.asList(1, null, "x"));
        assertThat(roundTrip(new java.util.LinkedList<>(List.of(1, 2)))).isEqualTo(List.of(1, 2))
                .isInstanceOf(ArrayList.class);
        Set<Object> ordered = new LinkedHashSet<>(List.of("z", "a", "m"));
        Object set = roundTrip(ordered);
        assertThat(set).isInstanceOf(LinkedHashSet.class).isEqualTo(ordered);
        assertThat(new ArrayList<Object>((Set<?>) set)).containsExactly("z", "a", "m");
        assertThat(roundTrip(new TreeSet<>(List.of(3, 1, 2)))).isInstanceOf(TreeSet.class).isEqualTo(Set.of(1, 2, 3));
        assertThat(roundTrip(Collections.emptySet())).isEqualTo(Set.of());

        // a comparator cannot travel: its order is kept, in a LinkedHashSet
        TreeSet<String> reversed = new TreeSet<>(Comparator.reverseOrder());
        reversed.addAll(List.of("a", "c", "b"));
        Object back = roundTrip(reversed);
        assertThat(back).isInstanceOf(LinkedHashSet.class);
        assertThat(new ArrayList<Object>((Set<?>) back)).containsExactly("c", "b", "a");

        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("b", 1);
        map.put(null, null);
        map.put(7, List.of(Map.of("deep", new TreeMap<>(Map.of("k", "v")))));
        Object mapBack = roundTrip(map);
        assertThat(mapBack).isInstanceOf(LinkedHashMap.class).isEqualTo(map);
        assertThat(new ArrayList<Object>(((Map<?, ?>) mapBack).keySet())).containsExactly("b", null, 7);
        assertThat(roundTrip(new TreeMap<>(Map.of(2, "b", 1, "a")))).isInstanceOf(TreeMap.class)
                .isEqualTo(Map.of(1, "a", 2, "b"));
        assertThat(roundTrip(new HashMap<>())).isEqualTo(Map.of());
        assertThat(roundTrip(List.of(List.of(List.of()), Set.of(), Map.of()))).isEqualTo(
                List.of(List.of(List.of()), Set.of(), Map.of()));
    }

    @Test
    void uuidAndTime() {
        for (Object v : new Object[] {UUID.randomUUID(), new UUID(0, 0), new UUID(-1, Long.MIN_VALUE),
                Instant.EPOCH, Instant.MIN, Instant.MAX, Instant.ofEpochSecond(-1, 999_999_999), Instant.now(),
                LocalDate.MIN, LocalDate.MAX, LocalDate.of(2024, 2, 29), LocalTime.MIDNIGHT, LocalTime.MAX,
                LocalTime.of(13, 45, 7, 123_456_789), LocalDateTime.MIN, LocalDateTime.MAX,
                LocalDateTime.of(1969, 12, 31, 23, 59, 59, 1),
                OffsetDateTime.of(2024, 3, 31, 2, 30, 0, 5, ZoneOffset.ofHoursMinutes(-9, -30)), OffsetDateTime.MIN,
                OffsetDateTime.MAX, ZonedDateTime.of(2024, 3, 31, 3, 30, 0, 0, ZoneId.of("Europe/Paris")),
                ZonedDateTime.of(2024, 10, 27, 2, 30, 0, 0, ZoneId.of("Europe/Paris")).withLaterOffsetAtOverlap(),
                ZonedDateTime.of(2024, 10, 27, 2, 30, 0, 0, ZoneId.of("Europe/Paris")).withEarlierOffsetAtOverlap(),
                ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC")), Duration.ZERO,
                Duration.ofSeconds(Long.MIN_VALUE), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
                Duration.ofNanos(-1), new Date(0), new Date(-123_456_789_000L), new Date(),
                java.sql.Timestamp.valueOf("2024-01-02 03:04:05.123456789"), java.sql.Date.valueOf("1999-12-31"),
                java.sql.Time.valueOf("23:59:58")}) {
            assertRoundTrips(v);
        }
    }

    @Test
    void enums() {
        assertRoundTrips(Color.RED);
        assertThat(roundTrip(Op.SUB)).isSameAs(Op.SUB);
        assertThat(roundTrip(List.of(Op.ADD, Color.GREEN))).isEqualTo(List.of(Op.ADD, Color.GREEN));
        assertRoundTrips(java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void records() {
        Point p = new Point(-3, Long.MAX_VALUE, Double.NaN, true, '€', null);
        assertRoundTrips(p);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("when", Instant.ofEpochSecond(42));
        attrs.put("nested", List.of(p, Color.GREEN));
        assertRoundTrips(new Order("o-1", p, List.of("a", "b"), attrs, Color.RED, new BigDecimal("9.99"), new int[] {1, 2}));
        assertRoundTrips(new Order("o-2", null, List.of(), Map.of(), null, null, null));
        assertRoundTrips(new Hidden("private records work too"));
        assertRoundTrips(new Validated(5));
    }

    @Test
    void documents() {
        SpaceDocument doc = new SpaceDocument("Trade", Map.of("id", 7L, "symbol", "ACME"));
        doc.setProperty("legs", List.of(new SpaceDocument("Leg", Map.of("qty", 100)), new SpaceDocument("Leg")));
        doc.setProperty("price", new BigDecimal("101.25"));
        assertRoundTrips(doc);
        assertRoundTrips(new SpaceDocument("Empty"));
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("gone", null);
        assertRoundTrips(new SpaceDocument("T", withNull));
    }

    @Test
    void serializableFallback() {
        assertRoundTrips(new Legacy("old", 3));
        assertThat(encode(new Legacy("old", 3))[0] & 0xFF).isEqualTo(Tags.JAVA_SERIALIZED);
        // collections that are neither List nor Set, and subclasses of value types, take the slow path
        assertThat(new ArrayList<Object>((ArrayDeque<?>) roundTrip(new ArrayDeque<>(List.of(1, 2))))).containsExactly(1, 2);
        assertThat(roundTrip(List.of(new Legacy("in a list", 1), Map.of("k", new Legacy("in a map", 2)))))
                .isEqualTo(List.of(new Legacy("in a list", 1), Map.of("k", new Legacy("in a map", 2))));
    }

    @Test
    void primitiveMethods() {
        WireOutput out = new WireOutput(1);
        int[] ints = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, -1, Integer.MIN_VALUE};
        long[] longs = {0, 1, 127, 128, Long.MAX_VALUE, -1, Long.MIN_VALUE, 1L << 62};
        for (int v : ints) {
            out.writeVarInt(v);
            out.writeSignedVarInt(v);
            out.writeInt(v);
        }
        for (long v : longs) {
            out.writeVarLong(v);
            out.writeSignedVarLong(v);
            out.writeLong(v);
        }
        out.writeByte(0xAB);
        out.writeBoolean(true);
        out.writeFloat(-0.0f);
        out.writeDouble(Math.PI);
        out.writeString("ß😀");
        out.writeBytes(new byte[] {9, 8, 7}, 1, 2);
        WireInput in = new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED);
        for (int v : ints) {
            assertThat(in.readVarInt()).isEqualTo(v);
            assertThat(in.readSignedVarInt()).isEqualTo(v);
            assertThat(in.readInt()).isEqualTo(v);
        }
        for (long v : longs) {
            assertThat(in.readVarLong()).isEqualTo(v);
            assertThat(in.readSignedVarLong()).isEqualTo(v);
            assertThat(in.readLong()).isEqualTo(v);
        }
        assertThat(in.readByte()).isEqualTo((byte) 0xAB);
        assertThat(in.readBoolean()).isTrue();
        assertThat(in.readFloat()).isEqualTo(-0.0f);
        assertThat(in.readDouble()).isEqualTo(Math.PI);
        assertThat(in.readString()).isEqualTo("ß😀");
        assertThat(in.readBytes()).containsExactly(8, 7);
        assertThat(in.remaining()).isZero();
        assertThatThrownBy(in::readByte).isInstanceOf(WireFormatException.class);
    }

    @Test
    void inputSliceAndReset() {
        WireOutput out = new WireOutput();
        out.writeValue("first");
        int split = out.size();
        out.writeValue(List.of(1, 2));
        byte[] bytes = out.toByteArray();
        byte[] padded = new byte[bytes.length + 10];
        System.arraycopy(bytes, 0, padded, 5, bytes.length);
        WireInput in = new WireInput(padded, 5 + split, bytes.length - split, JavaDeserialization.TRUSTED);
        assertThat(in.readValue()).isEqualTo(List.of(1, 2));
        assertThat(in.position()).isEqualTo(bytes.length - split);
        out.reset();
        assertThat(out.size()).isZero();
        out.writeValue(5);
        assertThat(decode(out.toByteArray())).isEqualTo(5);
    }

    @Test
    void contextClassLoaderFallsBackToOwnLoader() {
        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        t.setContextClassLoader(new ClassLoader(null) { });
        try {
            assertRoundTrips(new Point(1, 2, 3, false, 'q', "via fallback"));
            assertRoundTrips(Color.GREEN);
        } finally {
            t.setContextClassLoader(saved);
        }
    }
}

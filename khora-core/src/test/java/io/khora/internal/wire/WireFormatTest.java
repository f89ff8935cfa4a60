package io.khora.internal.wire;

import io.khora.document.SpaceDocument;
import io.khora.testing.GoldenBytes;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The value encoding ({@link WireOutput#writeValue}, {@link WireInput#readValue}) of every tag is a
 * persistent format: outbox records, Raft log entries and snapshots embed it. Each sample's bytes
 * are checked in under {@code src/test/resources/golden/wire/}; see {@link GoldenBytes}.
 *
 * <p>The record and Java-serialization samples name classes of this test ({@link Point}) or of the
 * JDK ({@link URI}, {@link DayOfWeek}): renaming {@code Point} or this class changes their bytes.
 */
class WireFormatTest {
    static final String FORMAT = "wire";

    /** A record value (tag 0x62): its bytes name this class. */
    record Point(int x, String label) {
    }

    /** One sample per tag (and per edge of the tag's body), each built only from fixed values. */
    static Map<String, Object> samples() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("01-null", null);
        s.put("02-false", Boolean.FALSE);
        s.put("03-true", Boolean.TRUE);
        s.put("04-byte", (byte) -7);
        s.put("05-short", (short) -300);
        s.put("06-char", '\u00e9');
        s.put("07-int-small", 5);
        s.put("07-int-negative", -1);
        s.put("07-int-max", Integer.MAX_VALUE);
        s.put("07-int-min", Integer.MIN_VALUE);
        s.put("08-long", 1_234_567_890_123L);
        s.put("08-long-min", Long.MIN_VALUE);
        s.put("09-float", 1.5f);
        s.put("09-float-nan", Float.NaN);
        s.put("0a-double", -2.25);
        s.put("0a-double-negative-zero", -0.0d);
        s.put("0b-string-empty", "");
        s.put("0b-string", "Khora \u00e9\u4e2d\uD83D\uDE00");
        s.put("0b-string-unpaired-surrogate", "a\uD800b");
        s.put("0c-big-integer", new BigInteger("-123456789012345678901234567890"));
        s.put("0d-big-decimal", new BigDecimal("12345.6789"));
        s.put("0d-big-decimal-negative-scale", new BigDecimal("-4E+3"));
        s.put("20-byte-array", new byte[] {0, 1, -1, 127, -128});
        s.put("21-boolean-array", new boolean[] {true, false, true});
        s.put("22-short-array", new short[] {0, -1, Short.MAX_VALUE});
        s.put("23-char-array", new char[] {'a', '\u20ac'});
        s.put("24-int-array", new int[] {0, -64, 64, Integer.MIN_VALUE});
        s.put("25-long-array", new long[] {1, -1, Long.MAX_VALUE});
        s.put("26-float-array", new float[] {0.1f, -0f});
        s.put("27-double-array", new double[] {Math.PI, Double.NEGATIVE_INFINITY});
        s.put("28-object-array", new Object[] {"id-1", 42, null, 3.5});
        s.put("29-typed-array", new String[] {"x", null, "y"});
        s.put("29-typed-array-nested", new int[][] {{1, 2}, {}});
        s.put("30-list", new ArrayList<>(List.of("a", 1, 2L)));
        s.put("31-set", new LinkedHashSet<>(List.of("z", "a", "m")));
        s.put("32-sorted-set", new TreeSet<>(List.of(3, 1, 2)));
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("k1", 1);
        map.put(2, List.of("v"));
        map.put(null, null);
        s.put("33-map", map);
        s.put("34-sorted-map", new TreeMap<>(Map.of("b", 2, "a", 1)));
        s.put("40-uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        s.put("41-instant", Instant.parse("2024-02-29T12:34:56.123456789Z"));
        s.put("41-instant-before-epoch", Instant.ofEpochSecond(-1, 5));
        s.put("42-local-date", LocalDate.of(2024, 2, 29));
        s.put("43-local-time", LocalTime.of(23, 59, 58, 7));
        s.put("44-local-date-time", LocalDateTime.of(1969, 7, 20, 20, 17, 40));
        s.put("45-offset-date-time", OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHoursMinutes(-5, -30)));
        s.put("46-zoned-date-time", ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris")));
        s.put("46-zoned-date-time-offset-zone", ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneOffset.UTC));
        s.put("47-duration", Duration.ofSeconds(-90, 500));
        s.put("48-date", new Date(1_700_000_000_123L));
        java.sql.Timestamp ts = new java.sql.Timestamp(1_700_000_000_000L);
        ts.setNanos(123_456_789);
        s.put("49-sql-timestamp", ts);
        s.put("4a-sql-date", new java.sql.Date(1_700_000_000_000L));
        s.put("4b-sql-time", new java.sql.Time(45_296_000L));
        s.put("60-enum", DayOfWeek.WEDNESDAY);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("sym", "ACME");
        props.put("bid", 12.5);
        props.put("nested", new SpaceDocument("Inner", Map.of("n", 1)));
        props.put("tags", new ArrayList<>(List.of("x")));
        s.put("61-document", new SpaceDocument("Quote", props));
        s.put("62-record", new Point(-3, "p"));
        s.put("fe-java-serialized", URI.create("https://khora.io/golden?x=1"));
        return s;
    }

    private static byte[] encode(Object value) {
        WireOutput out = new WireOutput();
        out.writeValue(value);
        return out.toByteArray();
    }

    private static Object decode(byte[] bytes) {
        WireInput in = new WireInput(bytes, JavaDeserialization.TRUSTED);
        Object v = in.readValue();
        assertThat(in.remaining()).as("bytes after the value").isZero();
        return v;
    }

    @Test
    void everyValueTagStillEncodesToItsGoldenBytes() {
        Map<String, java.util.function.Supplier<byte[]>> encodings = new LinkedHashMap<>();
        samples().forEach((name, value) -> encodings.put(name, () -> encode(value)));
        GoldenBytes.assertAllMatch(FORMAT, encodings);
    }

    @Test
    void goldenBytesOfEveryValueTagStillDecodeToTheSample() {
        GoldenBytes.assumeReading();
        Map<String, Object> samples = samples();
        List<String> files = GoldenBytes.samplesToDecode(FORMAT, samples.keySet());
        for (String name : files) {
            assertThat(samples).as("the sample of golden file %s (a retired sample's file stays, with its sample)", name)
                    .containsKey(name);
            Object expected = samples.get(name);
            byte[] golden = GoldenBytes.read(FORMAT, name);
            Object decoded = GoldenBytes.decoded(FORMAT, name, () -> decode(golden));
            assertThat(Objects.deepEquals(decoded, expected)).as("%s decodes to %s, expected %s", name, show(decoded), show(expected))
                    .isTrue();
            if (expected != null) {
                assertThat(decoded).as(name).isExactlyInstanceOf(expected.getClass());
            }
        }
    }

    @Test
    void everyAssignedTagHasAGoldenSample() {
        List<String> tags = new ArrayList<>();
        for (int tag = 0; tag < 256; tag++) {
            if (Tags.name(tag) != null) {
                tags.add(String.format("%02x", tag));
            }
        }
        List<String> sampled = samples().keySet().stream().map(n -> n.substring(0, 2)).distinct().toList();
        assertThat(sampled).as("a new tag needs a golden sample here").containsAll(tags);
    }

    private static String show(Object v) {
        return v instanceof Object[] a ? Arrays.deepToString(a) : v != null && v.getClass().isArray()
                ? Arrays.deepToString(new Object[] {v}) : String.valueOf(v);
    }
}

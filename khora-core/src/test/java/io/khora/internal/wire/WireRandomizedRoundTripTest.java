package io.khora.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.khora.document.SpaceDocument;

import java.lang.reflect.Array;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Thousands of random nested values, from a fixed seed, must round-trip exactly. */
class WireRandomizedRoundTripTest {

    enum Suit { CLUBS, DIAMONDS, HEARTS, SPADES }

    record Card(Suit suit, int rank, String note) { }

    record Box(Object content, List<Object> more) { }

    private static final long SEED = 0x5EED_C0DEL;
    private static final String[] ZONES = {"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Z", "+05:30"};

    private final Random random = new Random(SEED);

    @Test
    void randomValuesRoundTrip() {
        WireOutput out = new WireOutput(16);
        long totalBytes = 0;
        for (int i = 0; i < 5_000; i++) {
            Object value = randomValue(0, true);
            out.reset();
            out.writeValue(value);
            byte[] bytes = out.toByteArray();
            totalBytes += bytes.length;
            WireInput in = new WireInput(bytes, JavaDeserialization.TRUSTED);
            Object back = in.readValue();
            assertThat(in.remaining()).isZero();
            assertThat(normalize(back)).as("value #%d (seed %d)", i, SEED).isEqualTo(normalize(value));
            WireOutput again = new WireOutput();
            again.writeValue(back);
            assertThat(again.toByteArray()).as("re-encoding value #%d", i).isEqualTo(bytes);
        }
        assertThat(totalBytes).isPositive();
    }

    @Test
    void manyValuesInOneBuffer() {
        WireOutput out = new WireOutput();
        List<Object> written = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Object v = randomValue(2, true);
            written.add(v);
            out.writeValue(v);
        }
        WireInput in = new WireInput(out.toByteArray(), JavaDeserialization.TRUSTED);
        for (Object v : written) {
            assertThat(normalize(in.readValue())).isEqualTo(normalize(v));
        }
        assertThat(in.remaining()).isZero();
    }

    /** Arrays become lists (so equals compares contents); everything else compares with equals. */
    private static Object normalize(Object v) {
        if (v == null) {
            return null;
        }
        if (v.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            list.add(v.getClass().getComponentType().getName());
            for (int i = 0; i < Array.getLength(v); i++) {
                list.add(normalize(Array.get(v, i)));
            }
            return list;
        }
        if (v instanceof List<?> l) {
            List<Object> list = new ArrayList<>();
            for (Object e : l) {
                list.add(normalize(e));
            }
            return list;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> map = new LinkedHashMap<>();
            m.forEach((k, x) -> map.put(k, normalize(x)));
            return map;
        }
        if (v instanceof Box b) {
            return List.of("Box", String.valueOf(normalize(b.content())), String.valueOf(normalize(b.more())));
        }
        if (v instanceof SpaceDocument d) {
            return List.of("Doc", d.getTypeName(), normalize(d.getProperties()));
        }
        return v;
    }

    private Object randomValue(int depth, boolean arraysAllowed) {
        int kinds = depth >= 4 ? 24 : 32;
        int kind = random.nextInt(kinds);
        switch (kind) {
            case 0: return null;
            case 1: return random.nextBoolean();
            case 2: return (byte) random.nextInt();
            case 3: return (short) random.nextInt();
            case 4: return (char) random.nextInt(0x10000);
            case 5: return randomInt();
            case 6: return randomLong();
            case 7: return randomFloat();
            case 8: return randomDouble();
            case 9: case 10: return randomString();
            case 11: return new BigInteger(random.nextInt(300), random).subtract(BigInteger.TWO.pow(random.nextInt(200)));
            case 12: return new BigDecimal(new BigInteger(random.nextInt(200), random), random.nextInt(400) - 200);
            case 13: return new UUID(random.nextLong(), random.nextLong());
            case 14: return Suit.values()[random.nextInt(4)];
            case 15: return Instant.ofEpochSecond(random.nextLong() % Instant.MAX.getEpochSecond(), random.nextInt(1_000_000_000));
            case 16: return randomLocalDateTime();
            case 17: {
                LocalDateTime t = randomLocalDateTime();
                return random.nextBoolean()
                        ? OffsetDateTime.of(t, ZoneOffset.ofTotalSeconds(random.nextInt(36 * 3600) - 18 * 3600))
                        : ZonedDateTime.of(t.withYear(1900 + random.nextInt(200)), ZoneId.of(ZONES[random.nextInt(ZONES.length)]));
            }
            case 18: {
                int which = random.nextInt(5);
                return switch (which) {
                    case 0 -> LocalDate.ofEpochDay(random.nextInt(2_000_000) - 1_000_000);
                    case 1 -> LocalTime.ofNanoOfDay(Math.floorMod(random.nextLong(), 86_400_000_000_000L));
                    case 2 -> Duration.ofSeconds(random.nextLong(), random.nextInt(1_000_000_000));
                    case 3 -> new java.util.Date(random.nextLong() >> 20);
                    default -> {
                        java.sql.Timestamp ts = new java.sql.Timestamp(random.nextLong() >> 24);
                        ts.setNanos(random.nextInt(1_000_000_000));
                        yield ts;
                    }
                };
            }
            case 19: return new Card(Suit.values()[random.nextInt(4)], random.nextInt(13) + 1,
                    random.nextBoolean() ? null : randomString());
            case 20: return arraysAllowed ? randomPrimitiveArray() : randomString();
            case 21: case 22: case 23: return randomInt();
            case 24: case 25: {
                int n = random.nextInt(8);
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(depth + 1, arraysAllowed));
                }
                return list;
            }
            case 26: {
                int n = random.nextInt(6);
                Set<Object> set = random.nextBoolean() ? new HashSet<>() : new TreeSet<>();
                for (int i = 0; i < n; i++) {
                    set.add(set instanceof TreeSet ? (Object) randomString() : randomValue(depth + 1, false));
                }
                return set;
            }
            case 27: {
                int n = random.nextInt(6);
                Map<Object, Object> map = random.nextBoolean() ? new HashMap<>() : new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    Object key = map instanceof TreeMap ? (Object) randomInt() : randomValue(depth + 1, false);
                    map.put(key, randomValue(depth + 1, arraysAllowed));
                }
                return map;
            }
            case 28: {
                if (!arraysAllowed) {
                    return randomString();
                }
                int n = random.nextInt(5);
                Object[] a = random.nextBoolean() ? new Object[n] : new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = a instanceof String[] ? (random.nextInt(5) == 0 ? null : randomString()) : randomValue(depth + 1, true);
                }
                return a;
            }
            case 29: {
                Map<String, Object> props = new LinkedHashMap<>();
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    props.put("p" + random.nextInt(10), randomValue(depth + 1, arraysAllowed));
                }
                return new SpaceDocument("Type" + random.nextInt(3), props);
            }
            case 30: return new Box(randomValue(depth + 1, arraysAllowed), List.of(randomInt(), randomString()));
            default: return randomString();
        }
    }

    private int randomInt() {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(128) - 64;
            case 1 -> random.nextInt();
            case 2 -> random.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
            default -> random.nextInt(100_000);
        };
    }

    private long randomLong() {
        return switch (random.nextInt(3)) {
            case 0 -> random.nextInt(1000) - 500;
            case 1 -> random.nextLong();
            default -> random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
        };
    }

    private float randomFloat() {
        return switch (random.nextInt(4)) {
            case 0 -> Float.NaN;
            case 1 -> -0.0f;
            case 2 -> Float.intBitsToFloat(random.nextInt());
            default -> random.nextFloat();
        };
    }

    private double randomDouble() {
        return switch (random.nextInt(5)) {
            case 0 -> Double.NaN;
            case 1 -> -0.0;
            case 2 -> Double.longBitsToDouble(random.nextLong());
            case 3 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.MIN_VALUE;
            default -> random.nextGaussian() * 1e6;
        };
    }

    private String randomString() {
        int n = random.nextInt(random.nextInt(10) == 0 ? 300 : 12);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(6)) {
                case 0, 1, 2 -> sb.append((char) (' ' + random.nextInt(95)));
                case 3 -> sb.append((char) (0x80 + random.nextInt(0x780)));
                case 4 -> sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
                default -> sb.append((char) random.nextInt(0x10000)); // may be a lone surrogate
            }
        }
        return sb.toString();
    }

    private LocalDateTime randomLocalDateTime() {
        return LocalDateTime.of(LocalDate.ofEpochDay(random.nextInt(2_000_000) - 1_000_000),
                LocalTime.ofNanoOfDay(Math.floorMod(random.nextLong(), 86_400_000_000_000L)));
    }

    private Object randomPrimitiveArray() {
        int n = random.nextInt(10);
        return switch (random.nextInt(8)) {
            case 0 -> {
                byte[] a = new byte[n];
                random.nextBytes(a);
                yield a;
            }
            case 1 -> random.ints(n).toArray();
            case 2 -> random.longs(n).toArray();
            case 3 -> random.doubles(n).map(d -> random.nextInt(4) == 0 ? Double.NaN : d).toArray();
            case 4 -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = random.nextBoolean();
                }
                yield a;
            }
            case 5 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (short) random.nextInt();
                }
                yield a;
            }
            case 6 -> {
                char[] a = new char[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (char) random.nextInt(0x10000);
                }
                yield a;
            }
            default -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = randomFloat();
                }
                yield a;
            }
        };
    }
}

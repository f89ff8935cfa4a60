package io.khora.internal.wire;

import io.khora.document.SpaceDocument;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.time.DateTimeException;
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
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Reads what {@link WireOutput} wrote (the layouts are documented there) from a byte array
 * slice. Not thread-safe.
 *
 * <p>Every read is bounds-checked. Truncated or corrupt input fails with a
 * {@link WireFormatException} saying what was expected and at which offset (counted from the
 * start of the slice) — never with an {@code ArrayIndexOutOfBoundsException} or another
 * exception type, and never with an allocation larger than the remaining input can describe:
 * every length and element count is checked against the remaining bytes before anything is
 * allocated. A failed read leaves the position unspecified.
 *
 * <p>Whether a Java-serialized value is deserialized is decided where the input is made: every
 * constructor takes the {@link JavaDeserialization} for where the bytes come from (trusted local
 * data, or network input that a node refuses or filters through an allow-list).
 */
public final class WireInput {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Collections are pre-sized up to this many elements, then grow as they are filled. */
    private static final int MAX_PRESIZE = 4096;

    private final byte[] buf;
    private final JavaDeserialization javaDeserialization;
    private final int start;
    private final int end;
    private int pos;

    /** Reads all of {@code bytes}, treating Java-serialized values as {@code javaDeserialization} says. */
    public WireInput(byte[] bytes, JavaDeserialization javaDeserialization) {
        this(bytes, 0, Objects.requireNonNull(bytes, "bytes").length, javaDeserialization);
    }

    /** Reads {@code length} bytes of {@code bytes} from {@code offset}, treating Java-serialized values as {@code javaDeserialization} says. */
    public WireInput(byte[] bytes, int offset, int length, JavaDeserialization javaDeserialization) {
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(bytes, "bytes").length);
        this.javaDeserialization = Objects.requireNonNull(javaDeserialization, "javaDeserialization");
        this.buf = bytes;
        this.start = offset;
        this.end = offset + length;
        this.pos = offset;
    }

    /** What this input does with Java-serialized values (for input nested in it, read with the same decision). */
    public JavaDeserialization javaDeserialization() {
        return javaDeserialization;
    }

    /** The bytes not read yet. */
    public int remaining() {
        return end - pos;
    }

    /** The current offset from the start of the slice. */
    public int position() {
        return pos - start;
    }

    private WireFormatException error(String message, int at) {
        return new WireFormatException(message, at - start, null);
    }

    private void need(int bytes, String what) {
        if (bytes > end - pos) {
            throw error("truncated input: expected " + what + " (" + bytes + " bytes) but only " + (end - pos)
                    + " remain", pos);
        }
    }

    // ---- primitives --------------------------------------------------------------------------

    /** One byte. */
    public byte readByte() {
        if (pos >= end) {
            throw error("truncated input: expected a byte but none remain", pos);
        }
        return buf[pos++];
    }

    /** One byte that must be 0 or 1. */
    public boolean readBoolean() {
        int at = pos;
        byte b = readByte();
        if (b != 0 && b != 1) {
            throw error("expected a boolean (0 or 1) but found " + b, at);
        }
        return b == 1;
    }

    /** An unsigned 32-bit varint. */
    public int readVarInt() {
        int p = pos;
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (p >= end) {
                throw error("truncated input: expected a varint but it is cut off", pos);
            }
            int b = buf[p++];
            if (shift == 28 && (b & 0xF0) != 0) {
                throw error("malformed varint: longer than 32 bits", pos);
            }
            result |= (b & 0x7F) << shift;
            if (b >= 0) {
                pos = p;
                return result;
            }
        }
        throw new AssertionError("unreachable");
    }

    /** An unsigned 64-bit varint. */
    public long readVarLong() {
        int p = pos;
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (p >= end) {
                throw error("truncated input: expected a varlong but it is cut off", pos);
            }
            long b = buf[p++];
            if (shift == 63 && (b & 0xFE) != 0) {
                throw error("malformed varlong: longer than 64 bits", pos);
            }
            result |= (b & 0x7F) << shift;
            if (b >= 0) {
                pos = p;
                return result;
            }
        }
        throw new AssertionError("unreachable");
    }

    /** A zig-zag varint. */
    public int readSignedVarInt() {
        int z = readVarInt();
        return (z >>> 1) ^ -(z & 1);
    }

    /** A zig-zag varlong. */
    public long readSignedVarLong() {
        long z = readVarLong();
        return (z >>> 1) ^ -(z & 1);
    }

    /** Four bytes, big-endian. */
    public int readInt() {
        need(4, "an int");
        int v = (int) INT.get(buf, pos);
        pos += 4;
        return v;
    }

    /** Eight bytes, big-endian. */
    public long readLong() {
        need(8, "a long");
        long v = (long) LONG.get(buf, pos);
        pos += 8;
        return v;
    }

    /** A float from its raw bits. */
    public float readFloat() {
        return Float.intBitsToFloat(readInt());
    }

    /** A double from its raw bits. */
    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    /** A string written by {@link WireOutput#writeString}. */
    public String readString() {
        int length = readLength("a string");
        String s = Utf8.decode(buf, pos, length, pos - start);
        pos += length;
        return s;
    }

    /** A byte array written by {@link WireOutput#writeBytes}. */
    public byte[] readBytes() {
        int length = readLength("a byte array");
        byte[] bytes = new byte[length];
        System.arraycopy(buf, pos, bytes, 0, length);
        pos += length;
        return bytes;
    }

    /** A varint byte length that must fit in the remaining input. */
    private int readLength(String what) {
        return readCount(what, 1);
    }

    /**
     * A varint count of elements that take at least {@code minBytes} each: it must fit in the
     * remaining input, so a corrupt count cannot cause a huge allocation.
     */
    private int readCount(String what, int minBytes) {
        int at = pos;
        int n = readVarInt();
        if (n < 0 || (long) n * minBytes > end - pos) {
            throw error("corrupt length: " + what + " of " + Integer.toUnsignedString(n)
                    + (minBytes == 1 ? " bytes" : " elements (at least " + minBytes + " bytes each)")
                    + " exceeds the " + (end - pos) + " bytes that remain", at);
        }
        return n;
    }

    // ---- values ------------------------------------------------------------------------------

    /**
     * A value written by {@link WireOutput#writeValue}. Lists come back as {@code ArrayList},
     * sets as {@code LinkedHashSet} (natural-order sorted sets as {@code TreeSet}), maps as
     * {@code LinkedHashMap} (natural-order sorted maps as {@code TreeMap}); enum, record and typed
     * array classes are looked up through the thread context class loader, then this class's.
     */
    public Object readValue() {
        int at = pos;
        try {
            return read(0);
        } catch (WireFormatException e) {
            throw e;
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            throw error("malformed value (" + e + ")", at);
        }
    }

    private Object read(int depth) {
        int at = pos;
        int tag = readByte() & 0xFF;
        switch (tag) {
            case Tags.NULL:
                return null;
            case Tags.FALSE:
                return Boolean.FALSE;
            case Tags.TRUE:
                return Boolean.TRUE;
            case Tags.BYTE:
                return readByte();
            case Tags.SHORT: {
                int v = readSignedVarInt();
                if (v != (short) v) {
                    throw error("short value out of range: " + v, at);
                }
                return (short) v;
            }
            case Tags.CHAR: {
                int v = readVarInt();
                if (v != (char) v) {
                    throw error("char value out of range: " + v, at);
                }
                return (char) v;
            }
            case Tags.INT:
                return readSignedVarInt();
            case Tags.LONG:
                return readSignedVarLong();
            case Tags.FLOAT:
                return readFloat();
            case Tags.DOUBLE:
                return readDouble();
            case Tags.STRING:
                return readString();
            case Tags.BIG_INTEGER:
                return readBigInteger();
            case Tags.BIG_DECIMAL: {
                int scale = readSignedVarInt();
                return new BigDecimal(readBigInteger(), scale);
            }
            case Tags.UUID:
                return new UUID(readLong(), readLong());
            case Tags.ENUM:
                return readEnum(at);
            case Tags.BYTE_ARRAY:
                return readBytes();
            case Tags.BOOLEAN_ARRAY: {
                boolean[] a = new boolean[readCount("a boolean[]", 1)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = readBoolean();
                }
                return a;
            }
            case Tags.SHORT_ARRAY: {
                short[] a = new short[readCount("a short[]", 1)];
                for (int i = 0; i < a.length; i++) {
                    int v = readSignedVarInt();
                    if (v != (short) v) {
                        throw error("short value out of range: " + v, pos);
                    }
                    a[i] = (short) v;
                }
                return a;
            }
            case Tags.CHAR_ARRAY: {
                char[] a = new char[readCount("a char[]", 1)];
                for (int i = 0; i < a.length; i++) {
                    int v = readVarInt();
                    if (v != (char) v) {
                        throw error("char value out of range: " + v, pos);
                    }
                    a[i] = (char) v;
                }
                return a;
            }
            case Tags.INT_ARRAY: {
                int[] a = new int[readCount("an int[]", 1)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = readSignedVarInt();
                }
                return a;
            }
            case Tags.LONG_ARRAY: {
                long[] a = new long[readCount("a long[]", 1)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = readSignedVarLong();
                }
                return a;
            }
            case Tags.FLOAT_ARRAY: {
                float[] a = new float[readCount("a float[]", 4)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = readFloat();
                }
                return a;
            }
            case Tags.DOUBLE_ARRAY: {
                double[] a = new double[readCount("a double[]", 8)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = readDouble();
                }
                return a;
            }
            case Tags.OBJECT_ARRAY: {
                checkDepth(depth, at);
                Object[] a = new Object[readCount("an Object[]", 1)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = read(depth + 1);
                }
                return a;
            }
            case Tags.TYPED_ARRAY:
                checkDepth(depth, at);
                return readTypedArray(depth, at);
            case Tags.LIST: {
                checkDepth(depth, at);
                int n = readCount("a list", 1);
                ArrayList<Object> list = new ArrayList<>(Math.min(n, MAX_PRESIZE));
                for (int i = 0; i < n; i++) {
                    list.add(read(depth + 1));
                }
                return list;
            }
            case Tags.SET: {
                checkDepth(depth, at);
                int n = readCount("a set", 1);
                LinkedHashSet<Object> set = new LinkedHashSet<>(hashCapacity(n));
                for (int i = 0; i < n; i++) {
                    set.add(read(depth + 1));
                }
                return set;
            }
            case Tags.SORTED_SET: {
                checkDepth(depth, at);
                int n = readCount("a sorted set", 1);
                TreeSet<Object> set = new TreeSet<>();
                for (int i = 0; i < n; i++) {
                    int elementAt = pos;
                    Object e = read(depth + 1);
                    try {
                        set.add(e);
                    } catch (ClassCastException | NullPointerException ex) {
                        throw error("sorted set element cannot be ordered naturally (" + ex + ")", elementAt);
                    }
                }
                return set;
            }
            case Tags.MAP: {
                checkDepth(depth, at);
                int n = readCount("a map", 2);
                LinkedHashMap<Object, Object> map = new LinkedHashMap<>(hashCapacity(n));
                for (int i = 0; i < n; i++) {
                    Object key = read(depth + 1);
                    map.put(key, read(depth + 1));
                }
                return map;
            }
            case Tags.SORTED_MAP: {
                checkDepth(depth, at);
                int n = readCount("a sorted map", 2);
                TreeMap<Object, Object> map = new TreeMap<>();
                for (int i = 0; i < n; i++) {
                    int keyAt = pos;
                    Object key = read(depth + 1);
                    Object value = read(depth + 1);
                    try {
                        map.put(key, value);
                    } catch (ClassCastException | NullPointerException ex) {
                        throw error("sorted map key cannot be ordered naturally (" + ex + ")", keyAt);
                    }
                }
                return map;
            }
            case Tags.DOCUMENT: {
                checkDepth(depth, at);
                String type = readString();
                int n = readCount("a document's properties", 2);
                LinkedHashMap<String, Object> properties = new LinkedHashMap<>(hashCapacity(n));
                for (int i = 0; i < n; i++) {
                    String name = readString();
                    properties.put(name, read(depth + 1));
                }
                try {
                    return new SpaceDocument(type, properties);
                } catch (IllegalArgumentException e) {
                    throw new WireFormatException("invalid document (" + e.getMessage() + ")", at - start, e);
                }
            }
            case Tags.RECORD:
                checkDepth(depth, at);
                return readRecord(depth, at);
            case Tags.JAVA_SERIALIZED: {
                int length = readLength("a Java-serialized value");
                Object v = javaDeserialization.deserialize(buf, pos, length, at - start);
                pos += length;
                return v;
            }
            default:
                return readTime(tag, at);
        }
    }

    private static int hashCapacity(int n) {
        return (int) Math.min(MAX_PRESIZE, n / 0.75f + 1);
    }

    private void checkDepth(int depth, int at) {
        if (depth >= WireOutput.MAX_DEPTH) {
            throw error("value nested deeper than " + WireOutput.MAX_DEPTH + " levels", at);
        }
    }

    private BigInteger readBigInteger() {
        int at = pos;
        int length = readLength("a BigInteger");
        if (length == 0) {
            throw error("corrupt BigInteger: zero bytes", at);
        }
        BigInteger v = new BigInteger(buf, pos, length);
        pos += length;
        return v;
    }

    private Object readEnum(int at) {
        String className = readString();
        String constant = readString();
        Class<?> type = ClassResolver.resolve(className, "enum", at - start);
        if (!type.isEnum()) {
            throw error("class " + className + " is not an enum", at);
        }
        for (Object e : type.getEnumConstants()) {
            if (((Enum<?>) e).name().equals(constant)) {
                return e;
            }
        }
        throw error("enum " + className + " has no constant " + constant, at);
    }

    private Object readTypedArray(int depth, int at) {
        String componentName = readString();
        Class<?> component = ClassResolver.resolve(componentName, "array component", at - start);
        if (component.isPrimitive()) {
            throw error("typed array of primitive component " + componentName, at);
        }
        int n = readCount("an array of " + componentName, 1);
        Object[] a = (Object[]) Array.newInstance(component, n);
        for (int i = 0; i < n; i++) {
            int elementAt = pos;
            Object e = read(depth + 1);
            if (e != null && !component.isInstance(e)) {
                throw error("an array of " + componentName + " cannot hold a value of class " + e.getClass().getName(),
                        elementAt);
            }
            a[i] = e;
        }
        return a;
    }

    private Object readRecord(int depth, int at) {
        String className = readString();
        Class<?> type = ClassResolver.resolve(className, "record", at - start);
        if (!type.isRecord()) {
            throw error("class " + className + " is not a record", at);
        }
        RecordCodec codec;
        try {
            codec = RecordCodec.of(type);
        } catch (WireFormatException e) {
            throw new WireFormatException(e.getMessage(), at - start, e);
        }
        int n = readCount("record " + className + "'s components", 1);
        if (n != codec.size()) {
            throw error("record " + className + " has " + codec.size() + " components here but " + n
                    + " on the wire (a different version of the class?)", at);
        }
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = read(depth + 1);
        }
        return codec.construct(values, at - start);
    }

    private Object readTime(int tag, int at) {
        try {
            switch (tag) {
                case Tags.INSTANT: {
                    long seconds = readSignedVarLong();
                    return Instant.ofEpochSecond(seconds, readNano());
                }
                case Tags.LOCAL_DATE:
                    return LocalDate.ofEpochDay(readSignedVarLong());
                case Tags.LOCAL_TIME:
                    return LocalTime.ofNanoOfDay(readVarLong());
                case Tags.LOCAL_DATE_TIME:
                    return readLocalDateTime();
                case Tags.OFFSET_DATE_TIME: {
                    LocalDateTime t = readLocalDateTime();
                    return OffsetDateTime.of(t, ZoneOffset.ofTotalSeconds(readSignedVarInt()));
                }
                case Tags.ZONED_DATE_TIME: {
                    LocalDateTime t = readLocalDateTime();
                    ZoneOffset offset = ZoneOffset.ofTotalSeconds(readSignedVarInt());
                    ZoneId zone = ZoneId.of(readString());
                    return ZonedDateTime.ofLocal(t, zone, offset);
                }
                case Tags.DURATION: {
                    long seconds = readSignedVarLong();
                    return Duration.ofSeconds(seconds, readNano());
                }
                case Tags.DATE:
                    return new Date(readSignedVarLong());
                case Tags.SQL_TIMESTAMP: {
                    java.sql.Timestamp t = new java.sql.Timestamp(readSignedVarLong());
                    t.setNanos(readNano());
                    return t;
                }
                case Tags.SQL_DATE:
                    return new java.sql.Date(readSignedVarLong());
                case Tags.SQL_TIME:
                    return new java.sql.Time(readSignedVarLong());
                default:
                    throw error("unknown type tag 0x" + String.format("%02X", tag)
                            + (tag == 0x00 || tag == 0xFF ? " (zero-filled or erased bytes?)"
                                    : " (written by a newer version, or corrupt input?)"), at);
            }
        } catch (DateTimeException | ArithmeticException | IllegalArgumentException e) {
            throw new WireFormatException("invalid " + Tags.name(tag) + " (" + e.getMessage() + ")", at - start, e);
        }
    }

    private int readNano() {
        int at = pos;
        int nano = readVarInt();
        if (nano < 0 || nano > 999_999_999) {
            throw error("nanosecond field out of range: " + Integer.toUnsignedString(nano), at);
        }
        return nano;
    }

    private LocalDateTime readLocalDateTime() {
        long day = readSignedVarLong();
        return LocalDateTime.of(LocalDate.ofEpochDay(day), LocalTime.ofNanoOfDay(readVarLong()));
    }
}

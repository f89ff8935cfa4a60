package io.khora.internal.wire;

import io.khora.document.SpaceDocument;

import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.UUID;

/**
 * A growable byte buffer that writes Khora's compact binary encoding; {@link WireInput} reads it.
 * Not thread-safe; reuse one per thread with {@link #reset()}.
 *
 * <h2>Primitive layouts</h2>
 * <ul>
 *   <li><b>varint</b> ({@link #writeVarInt}, {@link #writeVarLong}): unsigned LEB128 — seven bits
 *       per byte, least significant group first, high bit set on every byte but the last; at most
 *       5 bytes for an int, 10 for a long.</li>
 *   <li><b>signed varint</b> ({@link #writeSignedVarInt}, {@link #writeSignedVarLong}): zig-zag
 *       ({@code (n << 1) ^ (n >> 31)}, resp. {@code >> 63}), then varint, so small negative
 *       numbers stay short.</li>
 *   <li><b>fixed</b> ({@link #writeInt}, {@link #writeLong}, {@link #writeFloat},
 *       {@link #writeDouble}): big-endian; floats and doubles as their raw IEEE 754 bits (NaN
 *       payloads and -0.0 are kept).</li>
 *   <li><b>string</b> ({@link #writeString}): varint byte length, then UTF-8 (an unpaired
 *       surrogate in its three-byte form, so every Java {@code String} round-trips).</li>
 *   <li><b>bytes</b> ({@link #writeBytes}): varint length, then the bytes.</li>
 * </ul>
 *
 * <h2>Value layouts ({@link #writeValue(Object)})</h2>
 * One tag byte, then the body below. {@code count} is a varint.
 * <table>
 *   <caption>tags</caption>
 *   <tr><th>tag</th><th>value</th><th>body</th></tr>
 *   <tr><td>0x01</td><td>null</td><td>—</td></tr>
 *   <tr><td>0x02 / 0x03</td><td>Boolean false / true</td><td>—</td></tr>
 *   <tr><td>0x04</td><td>Byte</td><td>1 byte</td></tr>
 *   <tr><td>0x05</td><td>Short</td><td>signed varint</td></tr>
 *   <tr><td>0x06</td><td>Character</td><td>varint (0–0xFFFF)</td></tr>
 *   <tr><td>0x07</td><td>Integer</td><td>signed varint</td></tr>
 *   <tr><td>0x08</td><td>Long</td><td>signed varlong</td></tr>
 *   <tr><td>0x09</td><td>Float</td><td>fixed 4 bytes</td></tr>
 *   <tr><td>0x0A</td><td>Double</td><td>fixed 8 bytes</td></tr>
 *   <tr><td>0x0B</td><td>String</td><td>string</td></tr>
 *   <tr><td>0x0C</td><td>BigInteger</td><td>bytes: two's complement, big-endian, at least 1</td></tr>
 *   <tr><td>0x0D</td><td>BigDecimal</td><td>signed varint scale, then bytes of the unscaled
 *       BigInteger</td></tr>
 *   <tr><td>0x20</td><td>byte[]</td><td>bytes</td></tr>
 *   <tr><td>0x21</td><td>boolean[]</td><td>count, one byte (0 or 1) each</td></tr>
 *   <tr><td>0x22 / 0x23</td><td>short[] / char[]</td><td>count, signed varints / varints</td></tr>
 *   <tr><td>0x24 / 0x25</td><td>int[] / long[]</td><td>count, signed varints / varlongs</td></tr>
 *   <tr><td>0x26 / 0x27</td><td>float[] / double[]</td><td>count, fixed 4 / 8 bytes each</td></tr>
 *   <tr><td>0x28</td><td>Object[]</td><td>count, values</td></tr>
 *   <tr><td>0x29</td><td>any other reference array ({@code String[]}, {@code int[][]}…)</td>
 *       <td>string component class name ({@link Class#getName()}), count, values</td></tr>
 *   <tr><td>0x30</td><td>List (read as ArrayList)</td><td>count, values</td></tr>
 *   <tr><td>0x31</td><td>Set (read as LinkedHashSet); also a SortedSet with a comparator, whose
 *       comparator cannot travel (its order is kept, not its sortedness)</td><td>count, values</td></tr>
 *   <tr><td>0x32</td><td>SortedSet in natural order (read as TreeSet)</td><td>count, values</td></tr>
 *   <tr><td>0x33</td><td>Map (read as LinkedHashMap); also a SortedMap with a comparator</td>
 *       <td>count, then key and value of each entry</td></tr>
 *   <tr><td>0x34</td><td>SortedMap in natural order (read as TreeMap)</td><td>as 0x33</td></tr>
 *   <tr><td>0x40</td><td>UUID</td><td>fixed 8 most, fixed 8 least significant bits</td></tr>
 *   <tr><td>0x41</td><td>Instant</td><td>signed varlong epoch second, varint nano</td></tr>
 *   <tr><td>0x42</td><td>LocalDate</td><td>signed varlong epoch day</td></tr>
 *   <tr><td>0x43</td><td>LocalTime</td><td>varlong nano of day</td></tr>
 *   <tr><td>0x44</td><td>LocalDateTime</td><td>signed varlong epoch day, varlong nano of day</td></tr>
 *   <tr><td>0x45</td><td>OffsetDateTime</td><td>as 0x44, then signed varint offset seconds</td></tr>
 *   <tr><td>0x46</td><td>ZonedDateTime</td><td>as 0x45, then string zone id</td></tr>
 *   <tr><td>0x47</td><td>Duration</td><td>signed varlong seconds, varint nano</td></tr>
 *   <tr><td>0x48</td><td>java.util.Date</td><td>signed varlong epoch milli</td></tr>
 *   <tr><td>0x49</td><td>java.sql.Timestamp</td><td>signed varlong epoch milli, varint nanos</td></tr>
 *   <tr><td>0x4A / 0x4B</td><td>java.sql.Date / java.sql.Time</td><td>signed varlong epoch milli</td></tr>
 *   <tr><td>0x60</td><td>enum</td><td>string declaring class name, string constant name</td></tr>
 *   <tr><td>0x61</td><td>{@link SpaceDocument}</td><td>string type name, count, then string
 *       name and value of each property</td></tr>
 *   <tr><td>0x62</td><td>record</td><td>string class name, count of components, values in
 *       component order; read back through the canonical constructor</td></tr>
 *   <tr><td>0xFE</td><td>any other {@link Serializable}</td><td>bytes of a Java serialization
 *       stream — the <b>slow path</b> (a class descriptor per value, reflection, the class's own
 *       readObject code): only for trusted peers; prefer records and the types above</td></tr>
 * </table>
 * Exact classes only for the JDK value types: a subclass of, say, {@code BigDecimal} or
 * {@code Date} goes through Java serialization.
 *
 * <h2>Evolution</h2>
 * Tags are never renumbered or reused. {@code 0x00} and {@code 0xFF} are never valid (they catch
 * zero-filled and erased bytes). Free tags are reserved by range: {@code 0x0E–0x1F} scalars,
 * {@code 0x2A–0x2F} arrays, {@code 0x35–0x3F} collections, {@code 0x4C–0x5F} JDK value types,
 * {@code 0x63–0x6F} structured types, {@code 0x70–0x7F} back-references (a future string and
 * class-name table), {@code 0x80–0xEF} future types that must carry a varint byte length right
 * after the tag (so that a reader can skip what it does not know), {@code 0xF0–0xFD} application
 * extensions. A new type therefore never changes how existing bytes read; a reader that meets a
 * tag it does not know fails with a {@link WireFormatException} naming the tag and offset. A
 * message or log record that embeds values carries its own format version.
 *
 * <h2>Limits</h2>
 * Containers nest at most {@value #MAX_DEPTH} levels; deeper values (and cycles, which would
 * nest forever) fail with a {@link WireFormatException}. Strings, numbers and collections are
 * written without allocating beyond the buffer itself. A failed {@link #writeValue} leaves the
 * output as it was before the call.
 */
public final class WireOutput {
    /** How deep containers (collections, maps, arrays, documents, records) may nest. */
    public static final int MAX_DEPTH = 64;

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] buf;
    private int size;

    /** An empty output with a small initial capacity. */
    public WireOutput() {
        this(128);
    }

    /** An empty output with room for {@code initialCapacity} bytes before it grows. */
    public WireOutput(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initial capacity must not be negative: " + initialCapacity);
        }
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** The number of bytes written since creation or the last {@link #reset()}. */
    public int size() {
        return size;
    }

    /** Forgets what was written, keeping the buffer for reuse. */
    public void reset() {
        size = 0;
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int bytes) {
        if (bytes > buf.length - size) {
            grow(bytes);
        }
    }

    private void grow(long bytes) {
        long needed = size + bytes;
        if (needed > MAX_ARRAY) {
            throw new WireFormatException("encoding would exceed the maximum of " + MAX_ARRAY + " bytes");
        }
        buf = Arrays.copyOf(buf, (int) Math.min(MAX_ARRAY, Math.max(needed, buf.length * 2L)));
    }

    // ---- primitives --------------------------------------------------------------------------

    /** The low eight bits of {@code b}. */
    public void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    /** One byte, 1 or 0. */
    public void writeBoolean(boolean b) {
        writeByte(b ? 1 : 0);
    }

    /** {@code v} as an unsigned 32-bit varint (1–5 bytes; negative numbers take 5). */
    public void writeVarInt(int v) {
        ensure(5);
        putVarInt(v);
    }

    private void putVarInt(int v) {
        byte[] b = buf;
        int p = size;
        while ((v & ~0x7F) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        size = p;
    }

    /** {@code v} as an unsigned 64-bit varint (1–10 bytes). */
    public void writeVarLong(long v) {
        ensure(10);
        byte[] b = buf;
        int p = size;
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        size = p;
    }

    /** {@code v} zig-zag encoded, then as a varint: small magnitudes of either sign are short. */
    public void writeSignedVarInt(int v) {
        writeVarInt((v << 1) ^ (v >> 31));
    }

    /** {@code v} zig-zag encoded, then as a varlong. */
    public void writeSignedVarLong(long v) {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    /** Four bytes, big-endian. */
    public void writeInt(int v) {
        ensure(4);
        INT.set(buf, size, v);
        size += 4;
    }

    /** Eight bytes, big-endian. */
    public void writeLong(long v) {
        ensure(8);
        LONG.set(buf, size, v);
        size += 8;
    }

    /** The raw IEEE 754 bits, four bytes big-endian. */
    public void writeFloat(float v) {
        writeInt(Float.floatToRawIntBits(v));
    }

    /** The raw IEEE 754 bits, eight bytes big-endian. */
    public void writeDouble(double v) {
        writeLong(Double.doubleToRawLongBits(v));
    }

    /** A non-null string: varint UTF-8 length, then the UTF-8 bytes. Use {@link #writeValue} for null. */
    public void writeString(String s) {
        long length = Utf8.encodedLength(s);
        if (length > MAX_ARRAY - 5) {
            throw new WireFormatException("string of " + length + " UTF-8 bytes is too long to encode");
        }
        ensure(5 + (int) length);
        putVarInt((int) length);
        size = Utf8.encode(s, buf, size);
    }

    /** A non-null byte array: varint length, then the bytes. */
    public void writeBytes(byte[] bytes) {
        writeBytes(bytes, 0, bytes.length);
    }

    /** {@code length} bytes of {@code bytes} from {@code offset}: varint length, then the bytes. */
    public void writeBytes(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        ensure(5);
        putVarInt(length);
        ensure(length);
        System.arraycopy(bytes, offset, buf, size, length);
        size += length;
    }

    // ---- values ------------------------------------------------------------------------------

    /**
     * Writes {@code value} with its type tag (see the class comment for the layouts). Fails with a
     * {@link WireFormatException} naming the class if a value (or one nested in it) cannot be
     * encoded, or if containers nest deeper than {@value #MAX_DEPTH}; the output is then as it
     * was before the call.
     */
    public void writeValue(Object value) {
        int start = size;
        try {
            write(value, 0);
        } catch (RuntimeException | StackOverflowError e) {
            size = start;
            throw e instanceof WireFormatException w ? w
                    : new WireFormatException("cannot encode a value of class "
                            + (value == null ? "null" : value.getClass().getName()) + ": " + e, e);
        }
    }

    private void write(Object v, int depth) {
        if (v == null) {
            writeByte(Tags.NULL);
            return;
        }
        Class<?> c = v.getClass();
        if (c == String.class) {
            writeByte(Tags.STRING);
            writeString((String) v);
        } else if (c == Integer.class) {
            ensure(6);
            buf[size++] = Tags.INT;
            int i = (Integer) v;
            putVarInt((i << 1) ^ (i >> 31));
        } else if (c == Long.class) {
            writeByte(Tags.LONG);
            writeSignedVarLong((Long) v);
        } else if (c == Boolean.class) {
            writeByte((Boolean) v ? Tags.TRUE : Tags.FALSE);
        } else if (c == Double.class) {
            writeByte(Tags.DOUBLE);
            writeDouble((Double) v);
        } else if (c == Float.class) {
            writeByte(Tags.FLOAT);
            writeFloat((Float) v);
        } else if (c == Short.class) {
            writeByte(Tags.SHORT);
            writeSignedVarInt((Short) v);
        } else if (c == Byte.class) {
            writeByte(Tags.BYTE);
            writeByte((Byte) v);
        } else if (c == Character.class) {
            writeByte(Tags.CHAR);
            writeVarInt((Character) v);
        } else if (c == BigDecimal.class) {
            BigDecimal d = (BigDecimal) v;
            writeByte(Tags.BIG_DECIMAL);
            writeSignedVarInt(d.scale());
            writeBytes(d.unscaledValue().toByteArray());
        } else if (c == BigInteger.class) {
            writeByte(Tags.BIG_INTEGER);
            writeBytes(((BigInteger) v).toByteArray());
        } else if (c == UUID.class) {
            UUID u = (UUID) v;
            writeByte(Tags.UUID);
            writeLong(u.getMostSignificantBits());
            writeLong(u.getLeastSignificantBits());
        } else if (v instanceof Enum<?> e) {
            writeByte(Tags.ENUM);
            writeString(e.getDeclaringClass().getName());
            writeString(e.name());
        } else if (v instanceof Collection<?> col && (v instanceof List || v instanceof Set)) {
            writeCollection(col, depth);
        } else if (v instanceof Map<?, ?> map) {
            writeMap(map, depth);
        } else if (c.isArray()) {
            writeArray(v, c, depth);
        } else if (!writeTime(v, c)) {
            if (v instanceof SpaceDocument doc) {
                checkDepth(depth, c);
                writeByte(Tags.DOCUMENT);
                writeString(doc.getTypeName());
                Map<String, Object> properties = doc.getProperties();
                writeVarInt(properties.size());
                for (Map.Entry<String, Object> p : properties.entrySet()) {
                    writeString(p.getKey());
                    write(p.getValue(), depth + 1);
                }
            } else if (c.isRecord()) {
                checkDepth(depth, c);
                RecordCodec codec = RecordCodec.of(c);
                writeByte(Tags.RECORD);
                writeString(c.getName());
                writeVarInt(codec.size());
                for (int i = 0; i < codec.size(); i++) {
                    write(codec.get(v, i), depth + 1);
                }
            } else if (v instanceof Serializable) {
                byte[] bytes = JavaSerialization.serialize(v);
                writeByte(Tags.JAVA_SERIALIZED);
                writeBytes(bytes);
            } else {
                throw new WireFormatException("cannot encode a value of class " + c.getName()
                        + ": make it Serializable, a record, or use supported types");
            }
        }
    }

    private static void checkDepth(int depth, Class<?> c) {
        if (depth >= MAX_DEPTH) {
            throw new WireFormatException("cannot encode a value nested deeper than " + MAX_DEPTH
                    + " levels (a cycle?): reached a " + c.getName() + " at that depth");
        }
    }

    private void writeCollection(Collection<?> col, int depth) {
        checkDepth(depth, col.getClass());
        int tag;
        if (col instanceof List) {
            tag = Tags.LIST;
        } else if (col instanceof SortedSet<?> sorted && sorted.comparator() == null) {
            tag = Tags.SORTED_SET;
        } else {
            tag = Tags.SET;
        }
        int n = col.size();
        writeByte(tag);
        writeVarInt(n);
        int written = 0;
        if (col instanceof RandomAccess && col instanceof List<?> list) {
            for (int i = 0; i < n; i++) {
                write(list.get(i), depth + 1);
            }
            written = n;
        } else {
            for (Object e : col) {
                if (written == n) {
                    break;
                }
                write(e, depth + 1);
                written++;
            }
        }
        if (written != n) {
            throw new WireFormatException("collection of class " + col.getClass().getName()
                    + " changed size while being encoded");
        }
    }

    private void writeMap(Map<?, ?> map, int depth) {
        checkDepth(depth, map.getClass());
        int n = map.size();
        writeByte(map instanceof SortedMap<?, ?> sorted && sorted.comparator() == null ? Tags.SORTED_MAP : Tags.MAP);
        writeVarInt(n);
        int written = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (written == n) {
                break;
            }
            write(e.getKey(), depth + 1);
            write(e.getValue(), depth + 1);
            written++;
        }
        if (written != n) {
            throw new WireFormatException("map of class " + map.getClass().getName() + " changed size while being encoded");
        }
    }

    private void writeArray(Object v, Class<?> c, int depth) {
        if (c == byte[].class) {
            writeByte(Tags.BYTE_ARRAY);
            writeBytes((byte[]) v);
        } else if (c == int[].class) {
            int[] a = (int[]) v;
            writeByte(Tags.INT_ARRAY);
            writeVarInt(a.length);
            for (int x : a) {
                writeSignedVarInt(x);
            }
        } else if (c == long[].class) {
            long[] a = (long[]) v;
            writeByte(Tags.LONG_ARRAY);
            writeVarInt(a.length);
            for (long x : a) {
                writeSignedVarLong(x);
            }
        } else if (c == double[].class) {
            double[] a = (double[]) v;
            writeByte(Tags.DOUBLE_ARRAY);
            writeVarInt(a.length);
            for (double x : a) {
                writeDouble(x);
            }
        } else if (c == float[].class) {
            float[] a = (float[]) v;
            writeByte(Tags.FLOAT_ARRAY);
            writeVarInt(a.length);
            for (float x : a) {
                writeFloat(x);
            }
        } else if (c == boolean[].class) {
            boolean[] a = (boolean[]) v;
            writeByte(Tags.BOOLEAN_ARRAY);
            writeVarInt(a.length);
            ensure(a.length);
            for (boolean x : a) {
                buf[size++] = (byte) (x ? 1 : 0);
            }
        } else if (c == short[].class) {
            short[] a = (short[]) v;
            writeByte(Tags.SHORT_ARRAY);
            writeVarInt(a.length);
            for (short x : a) {
                writeSignedVarInt(x);
            }
        } else if (c == char[].class) {
            char[] a = (char[]) v;
            writeByte(Tags.CHAR_ARRAY);
            writeVarInt(a.length);
            for (char x : a) {
                writeVarInt(x);
            }
        } else {
            checkDepth(depth, c);
            Object[] a = (Object[]) v;
            if (c == Object[].class) {
                writeByte(Tags.OBJECT_ARRAY);
            } else {
                writeByte(Tags.TYPED_ARRAY);
                writeString(c.getComponentType().getName());
            }
            writeVarInt(a.length);
            for (Object x : a) {
                write(x, depth + 1);
            }
        }
    }

    /** The java.time and java.util/java.sql date types; false if {@code v} is none of them. */
    private boolean writeTime(Object v, Class<?> c) {
        if (c == Instant.class) {
            Instant i = (Instant) v;
            writeByte(Tags.INSTANT);
            writeSignedVarLong(i.getEpochSecond());
            writeVarInt(i.getNano());
        } else if (c == LocalDate.class) {
            writeByte(Tags.LOCAL_DATE);
            writeSignedVarLong(((LocalDate) v).toEpochDay());
        } else if (c == LocalTime.class) {
            writeByte(Tags.LOCAL_TIME);
            writeVarLong(((LocalTime) v).toNanoOfDay());
        } else if (c == LocalDateTime.class) {
            writeByte(Tags.LOCAL_DATE_TIME);
            writeLocalDateTime((LocalDateTime) v);
        } else if (c == OffsetDateTime.class) {
            OffsetDateTime o = (OffsetDateTime) v;
            writeByte(Tags.OFFSET_DATE_TIME);
            writeLocalDateTime(o.toLocalDateTime());
            writeSignedVarInt(o.getOffset().getTotalSeconds());
        } else if (c == ZonedDateTime.class) {
            ZonedDateTime z = (ZonedDateTime) v;
            writeByte(Tags.ZONED_DATE_TIME);
            writeLocalDateTime(z.toLocalDateTime());
            writeSignedVarInt(z.getOffset().getTotalSeconds());
            writeString(z.getZone().getId());
        } else if (c == Duration.class) {
            Duration d = (Duration) v;
            writeByte(Tags.DURATION);
            writeSignedVarLong(d.getSeconds());
            writeVarInt(d.getNano());
        } else if (c == Date.class) {
            writeByte(Tags.DATE);
            writeSignedVarLong(((Date) v).getTime());
        } else if (c == java.sql.Timestamp.class) {
            java.sql.Timestamp t = (java.sql.Timestamp) v;
            writeByte(Tags.SQL_TIMESTAMP);
            writeSignedVarLong(t.getTime());
            writeVarInt(t.getNanos());
        } else if (c == java.sql.Date.class) {
            writeByte(Tags.SQL_DATE);
            writeSignedVarLong(((java.sql.Date) v).getTime());
        } else if (c == java.sql.Time.class) {
            writeByte(Tags.SQL_TIME);
            writeSignedVarLong(((java.sql.Time) v).getTime());
        } else {
            return false;
        }
        return true;
    }

    private void writeLocalDateTime(LocalDateTime t) {
        writeSignedVarLong(t.toLocalDate().toEpochDay());
        writeVarLong(t.toLocalTime().toNanoOfDay());
    }
}

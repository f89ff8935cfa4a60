package io.khora.internal.wire;

/**
 * The one-byte type tags of {@link WireOutput#writeValue(Object)}; the layout after each tag is
 * documented in {@link WireOutput}. Tags are a persistent format: never renumber or reuse one.
 *
 * <p>Ranges: {@code 0x00} and {@code 0xFF} are never valid (they catch zero-filled and
 * erased data); {@code 0x01–0x1F} scalars; {@code 0x20–0x2F} arrays; {@code 0x30–0x3F}
 * collections; {@code 0x40–0x5F} JDK value types (UUID, time); {@code 0x60–0x6F} structured
 * user types (enum, document, record); {@code 0x70–0x7F} reserved for back-references (a
 * future class-name/string table); {@code 0x80–0xEF} reserved for future types, each of which
 * must be followed by a varint byte length so a reader could skip it; {@code 0xF0–0xFD}
 * reserved for application extensions; {@code 0xFE} Java serialization (the slow path).
 */
final class Tags {
    static final int NULL = 0x01;
    static final int FALSE = 0x02;
    static final int TRUE = 0x03;
    static final int BYTE = 0x04;
    static final int SHORT = 0x05;
    static final int CHAR = 0x06;
    static final int INT = 0x07;
    static final int LONG = 0x08;
    static final int FLOAT = 0x09;
    static final int DOUBLE = 0x0A;
    static final int STRING = 0x0B;
    static final int BIG_INTEGER = 0x0C;
    static final int BIG_DECIMAL = 0x0D;

    static final int BYTE_ARRAY = 0x20;
    static final int BOOLEAN_ARRAY = 0x21;
    static final int SHORT_ARRAY = 0x22;
    static final int CHAR_ARRAY = 0x23;
    static final int INT_ARRAY = 0x24;
    static final int LONG_ARRAY = 0x25;
    static final int FLOAT_ARRAY = 0x26;
    static final int DOUBLE_ARRAY = 0x27;
    static final int OBJECT_ARRAY = 0x28;
    static final int TYPED_ARRAY = 0x29;

    static final int LIST = 0x30;
    static final int SET = 0x31;
    static final int SORTED_SET = 0x32;
    static final int MAP = 0x33;
    static final int SORTED_MAP = 0x34;

    static final int UUID = 0x40;
    static final int INSTANT = 0x41;
    static final int LOCAL_DATE = 0x42;
    static final int LOCAL_TIME = 0x43;
    static final int LOCAL_DATE_TIME = 0x44;
    static final int OFFSET_DATE_TIME = 0x45;
    static final int ZONED_DATE_TIME = 0x46;
    static final int DURATION = 0x47;
    static final int DATE = 0x48;
    static final int SQL_TIMESTAMP = 0x49;
    static final int SQL_DATE = 0x4A;
    static final int SQL_TIME = 0x4B;

    static final int ENUM = 0x60;
    static final int DOCUMENT = 0x61;
    static final int RECORD = 0x62;

    static final int JAVA_SERIALIZED = 0xFE;

    private Tags() {
    }

    /** A name for error messages, or null for an unassigned tag. */
    static String name(int tag) {
        return switch (tag) {
            case NULL -> "null";
            case FALSE, TRUE -> "boolean";
            case BYTE -> "byte";
            case SHORT -> "short";
            case CHAR -> "char";
            case INT -> "int";
            case LONG -> "long";
            case FLOAT -> "float";
            case DOUBLE -> "double";
            case STRING -> "string";
            case BIG_INTEGER -> "BigInteger";
            case BIG_DECIMAL -> "BigDecimal";
            case BYTE_ARRAY -> "byte[]";
            case BOOLEAN_ARRAY -> "boolean[]";
            case SHORT_ARRAY -> "short[]";
            case CHAR_ARRAY -> "char[]";
            case INT_ARRAY -> "int[]";
            case LONG_ARRAY -> "long[]";
            case FLOAT_ARRAY -> "float[]";
            case DOUBLE_ARRAY -> "double[]";
            case OBJECT_ARRAY -> "Object[]";
            case TYPED_ARRAY -> "typed array";
            case LIST -> "list";
            case SET -> "set";
            case SORTED_SET -> "sorted set";
            case MAP -> "map";
            case SORTED_MAP -> "sorted map";
            case UUID -> "UUID";
            case INSTANT -> "Instant";
            case LOCAL_DATE -> "LocalDate";
            case LOCAL_TIME -> "LocalTime";
            case LOCAL_DATE_TIME -> "LocalDateTime";
            case OFFSET_DATE_TIME -> "OffsetDateTime";
            case ZONED_DATE_TIME -> "ZonedDateTime";
            case DURATION -> "Duration";
            case DATE -> "java.util.Date";
            case SQL_TIMESTAMP -> "java.sql.Timestamp";
            case SQL_DATE -> "java.sql.Date";
            case SQL_TIME -> "java.sql.Time";
            case ENUM -> "enum";
            case DOCUMENT -> "SpaceDocument";
            case RECORD -> "record";
            case JAVA_SERIALIZED -> "Java-serialized object";
            default -> null;
        };
    }
}

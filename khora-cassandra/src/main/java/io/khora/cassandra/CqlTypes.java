package io.khora.cassandra;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

/** The Java property types Khora maps, and their CQL column types. */
final class CqlTypes {
    private static final Map<Class<?>, String> CQL = Map.ofEntries(
            Map.entry(String.class, "text"), Map.entry(Long.class, "bigint"), Map.entry(Integer.class, "int"),
            Map.entry(Short.class, "smallint"), Map.entry(Byte.class, "tinyint"), Map.entry(Double.class, "double"),
            Map.entry(Float.class, "float"), Map.entry(Boolean.class, "boolean"), Map.entry(BigDecimal.class, "decimal"),
            Map.entry(BigInteger.class, "varint"), Map.entry(UUID.class, "uuid"), Map.entry(Instant.class, "timestamp"),
            Map.entry(LocalDate.class, "date"));

    private CqlTypes() {
    }

    /** The CQL type of {@code javaType} (boxed); throws naming {@code where} if it has none. */
    static String cqlType(Class<?> javaType, String where) {
        String t = CQL.get(boxed(javaType));
        if (t == null) {
            throw new IllegalArgumentException("property " + where + " has type " + javaType.getName()
                    + ", which Khora does not map to a CQL type; mapped types: " + CQL.keySet().stream().map(Class::getSimpleName).sorted().toList());
        }
        return t;
    }

    /** The wrapper of a primitive type, else the type itself. */
    static Class<?> boxed(Class<?> t) {
        if (!t.isPrimitive()) {
            return t;
        }
        if (t == long.class) {
            return Long.class;
        }
        if (t == int.class) {
            return Integer.class;
        }
        if (t == short.class) {
            return Short.class;
        }
        if (t == byte.class) {
            return Byte.class;
        }
        if (t == double.class) {
            return Double.class;
        }
        if (t == float.class) {
            return Float.class;
        }
        if (t == boolean.class) {
            return Boolean.class;
        }
        throw new IllegalArgumentException("primitive type " + t + " is not mapped to a CQL type");
    }
}

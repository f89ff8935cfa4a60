package io.khora.persistence;

import java.math.BigInteger;

/**
 * The partition function, public so data sources, loaders and SQL can compute where an entry
 * lives: it maps a routing value to a partition: {@code Math.floorMod(value, n)} for integral values
 * (Byte, Short, Integer, Long, BigInteger) — so SQL can compute the same partition exactly — and
 * {@code Math.floorMod(hashCode, n)} otherwise; enums use their name's hash, which unlike their
 * identity hash is the same in every JVM. Never negative (LESSONS: {@code hashCode() % n} is).
 */
public final class Partitioning {
    private Partitioning() {
    }

    /** The 0-based partition of {@code value} among {@code partitions}. */
    public static int partitionOf(Object value, int partitions) {
        if (partitions == 1) {
            return 0;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return (int) Math.floorMod(((Number) value).longValue(), (long) partitions);
        }
        if (value instanceof BigInteger b) {
            return b.mod(BigInteger.valueOf(partitions)).intValue();
        }
        if (value instanceof Enum<?> e) {
            return Math.floorMod(e.name().hashCode(), partitions);
        }
        return Math.floorMod(value.hashCode(), partitions);
    }

    /** Whether {@code type}'s partition is computed from the value itself (so SQL can filter by it). */
    public static boolean isIntegral(Class<?> type) {
        return type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == int.class || type == long.class || type == short.class || type == byte.class
                || type == BigInteger.class;
    }
}

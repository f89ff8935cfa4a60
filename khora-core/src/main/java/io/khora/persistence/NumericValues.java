package io.khora.persistence;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Converts a value (an id, a query parameter) to the Java type of the store's column or identifier
 * attribute when they differ only in numeric width (an {@code Integer} id for a {@code Long}
 * identifier): a data store's typed lookup (Hibernate's primary-key lookup, a prepared CQL
 * statement) rejects a mismatched type, while the space's value may have been widened or narrowed.
 * Shared by the data sources of khora-hibernate and khora-cassandra.
 */
public final class NumericValues {
    private NumericValues() {
    }

    /**
     * {@code value} as {@code type} when both are numeric and the value fits exactly; otherwise
     * {@code value} unchanged (the store then reports the mismatch).
     */
    public static Object convert(Object value, Class<?> type) {
        if (type == null || value == null || type.isInstance(value) || !(value instanceof Number n)) {
            return value;
        }
        try {
            if (type == Long.class) {
                return toBigInteger(n).longValueExact();
            }
            if (type == Integer.class) {
                return toBigInteger(n).intValueExact();
            }
            if (type == Short.class) {
                return toBigInteger(n).shortValueExact();
            }
            if (type == Byte.class) {
                return toBigInteger(n).byteValueExact();
            }
            if (type == BigInteger.class) {
                return toBigInteger(n);
            }
            if (type == BigDecimal.class) {
                return new BigDecimal(n.toString());
            }
            if (type == Double.class) {
                return n.doubleValue();
            }
            if (type == Float.class) {
                return n.floatValue();
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return value; // does not fit: let the store report the mismatch
        }
        return value;
    }

    private static BigInteger toBigInteger(Number n) {
        if (n instanceof BigInteger b) {
            return b;
        }
        if (n instanceof BigDecimal d) {
            return d.toBigIntegerExact();
        }
        if (n instanceof Double || n instanceof Float) {
            return new BigDecimal(n.toString()).toBigIntegerExact();
        }
        return BigInteger.valueOf(n.longValue());
    }
}

package io.khora.hibernate;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Converts an id value to the Java type of the entity's identifier attribute when they differ
 * only in numeric width (an {@code Integer} id for a {@code Long} identifier): Hibernate's
 * primary-key lookup rejects a mismatched type, the space's id may have been widened or narrowed.
 */
final class IdValues {
    private IdValues() {
    }

    /** {@code value} as {@code type} when both are numeric and the value fits; otherwise {@code value}. */
    static Object convert(Object value, Class<?> type) {
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
        } catch (ArithmeticException | NumberFormatException e) {
            return value; // does not fit: let Hibernate report the mismatch
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

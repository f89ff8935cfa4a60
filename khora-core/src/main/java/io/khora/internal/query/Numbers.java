package io.khora.internal.query;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The numeric types the query language knows (Integer, Long, Short, Byte, Double, Float,
 * BigDecimal, BigInteger) and lossless conversions between them.
 */
final class Numbers {
    /** Not one of the known numeric types. */
    static final int NOT_NUMERIC = 0;
    /** Integer, Long, Short or Byte: exactly a {@code long}. */
    static final int INTEGRAL = 1;
    /** Double or Float: exactly a {@code double}. */
    static final int FLOATING = 2;
    /** BigInteger. */
    static final int BIG_INTEGER = 3;
    /** BigDecimal. */
    static final int BIG_DECIMAL = 4;

    private static final double TWO_POW_63 = 0x1p63;

    private Numbers() {
    }

    /** The numeric kind of a non-null value; {@link #NOT_NUMERIC} for anything else. */
    static int kind(Object value) {
        Class<?> c = value.getClass();
        if (c == Integer.class || c == Long.class || c == Short.class || c == Byte.class) {
            return INTEGRAL;
        }
        if (c == Double.class || c == Float.class) {
            return FLOATING;
        }
        if (value instanceof BigDecimal) {
            return BIG_DECIMAL;
        }
        if (value instanceof BigInteger) {
            return BIG_INTEGER;
        }
        return NOT_NUMERIC;
    }

    /** Whether {@code value} is one of the known numeric types. */
    static boolean isNumber(Object value) {
        return value != null && kind(value) != NOT_NUMERIC;
    }

    /** Whether {@code type} (boxed) is one of the known numeric types. */
    static boolean isNumericType(Class<?> type) {
        return type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == Double.class || type == Float.class
                || BigDecimal.class.isAssignableFrom(type) || BigInteger.class.isAssignableFrom(type);
    }

    /**
     * {@code n} converted to {@code target} (a numeric type) without changing its value, or null
     * if {@code target} cannot represent it. A decimal is converted to Float, Double or BigDecimal
     * also when it is the shortest decimal representation of the target value ({@code 0.1} becomes
     * {@code 0.1f} and {@code BigDecimal("0.1")}), since that is what the user wrote.
     *
     * @param decimalText the literal's source text, or null for an argument
     */
    static Number convertExact(Number n, String decimalText, Class<?> target) {
        if (n.getClass() == target) {
            return n;
        }
        int kind = kind(n);
        if (target == Integer.class) {
            Long l = integralValue(n, kind);
            return l != null && l == l.intValue() ? Integer.valueOf(l.intValue()) : null;
        }
        if (target == Long.class) {
            return integralValue(n, kind);
        }
        if (target == Short.class) {
            Long l = integralValue(n, kind);
            return l != null && l == l.shortValue() ? Short.valueOf(l.shortValue()) : null;
        }
        if (target == Byte.class) {
            Long l = integralValue(n, kind);
            return l != null && l == l.byteValue() ? Byte.valueOf(l.byteValue()) : null;
        }
        if (target == Double.class) {
            return toDouble(n, kind, decimalText);
        }
        if (target == Float.class) {
            return toFloat(n, kind, decimalText);
        }
        if (BigDecimal.class.isAssignableFrom(target)) {
            return toBigDecimalValue(n, kind, decimalText);
        }
        if (BigInteger.class.isAssignableFrom(target)) {
            return toBigInteger(n, kind);
        }
        return null;
    }

    /** The exact value as a BigDecimal; floating values must be finite. */
    static BigDecimal toBigDecimal(Number n, int kind) {
        switch (kind) {
            case INTEGRAL:
                return BigDecimal.valueOf(n.longValue());
            case FLOATING:
                return new BigDecimal(n.doubleValue());
            case BIG_INTEGER:
                return new BigDecimal((BigInteger) n);
            default:
                return (BigDecimal) n;
        }
    }

    private static Long integralValue(Number n, int kind) {
        switch (kind) {
            case INTEGRAL:
                return n.longValue();
            case FLOATING: {
                double d = n.doubleValue();
                if (Double.isNaN(d) || d != Math.rint(d) || d < -TWO_POW_63 || d >= TWO_POW_63 || isNegativeZero(d)) {
                    return null;
                }
                return (long) d;
            }
            case BIG_INTEGER:
                return ((BigInteger) n).bitLength() <= 63 ? n.longValue() : null;
            case BIG_DECIMAL:
                try {
                    return ((BigDecimal) n).longValueExact();
                } catch (ArithmeticException notIntegral) {
                    return null;
                }
            default:
                return null;
        }
    }

    private static Double toDouble(Number n, int kind, String decimalText) {
        switch (kind) {
            case INTEGRAL: {
                long l = n.longValue();
                double d = l;
                return d != TWO_POW_63 && (long) d == l ? d : null;
            }
            case FLOATING:
                return n.doubleValue();
            default: {
                double d = n.doubleValue();
                if (Double.isInfinite(d)) {
                    return null;
                }
                BigDecimal exact = toBigDecimal(n, kind);
                return new BigDecimal(d).compareTo(exact) == 0 || sameDecimal(Double.toString(d), exact) ? d : null;
            }
        }
    }

    private static Float toFloat(Number n, int kind, String decimalText) {
        switch (kind) {
            case INTEGRAL: {
                long l = n.longValue();
                float f = l;
                return f != (float) TWO_POW_63 && (long) f == l ? f : null;
            }
            case FLOATING: {
                double d = n.doubleValue();
                float f = (float) d;
                if (Double.isNaN(d) || (double) f == d) {
                    return f;
                }
                if (Float.isInfinite(f) || Double.isInfinite(d)) {
                    return null;
                }
                String written = decimalText != null ? decimalText : Double.toString(d);
                return sameDecimal(Float.toString(f), written) ? f : null;
            }
            default: {
                float f = n.floatValue();
                if (Float.isInfinite(f)) {
                    return null;
                }
                BigDecimal exact = toBigDecimal(n, kind);
                return new BigDecimal(f).compareTo(exact) == 0 || sameDecimal(Float.toString(f), exact) ? f : null;
            }
        }
    }

    private static BigDecimal toBigDecimalValue(Number n, int kind, String decimalText) {
        if (kind == FLOATING) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return null;
            }
            if (decimalText != null) {
                return new BigDecimal(decimalText);
            }
            return n instanceof Float ? new BigDecimal(Float.toString(n.floatValue())) : BigDecimal.valueOf(d);
        }
        return toBigDecimal(n, kind);
    }

    private static BigInteger toBigInteger(Number n, int kind) {
        switch (kind) {
            case INTEGRAL:
                return BigInteger.valueOf(n.longValue());
            case BIG_INTEGER:
                return (BigInteger) n;
            case FLOATING: {
                double d = n.doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d) || isNegativeZero(d)) {
                    return null;
                }
                return new BigDecimal(d).toBigInteger();
            }
            default:
                try {
                    return ((BigDecimal) n).toBigIntegerExact();
                } catch (ArithmeticException notIntegral) {
                    return null;
                }
        }
    }

    private static boolean sameDecimal(String a, String b) {
        return new BigDecimal(a).compareTo(new BigDecimal(b)) == 0;
    }

    private static boolean sameDecimal(String a, BigDecimal b) {
        return new BigDecimal(a).compareTo(b) == 0;
    }

    static boolean isNegativeZero(double d) {
        return Double.doubleToRawLongBits(d) == Long.MIN_VALUE;
    }
}

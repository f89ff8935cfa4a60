package io.khora.internal.query;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.Objects;

/**
 * How the query language compares and equates property values, and the order of the engine's
 * ordered indexes.
 *
 * <p>Numbers of the types Integer, Long, Short, Byte, Double, Float, BigDecimal and BigInteger are
 * compared by their exact mathematical value, whatever their classes: {@code 5 == 5L == 5.0}, and
 * {@code Long.MAX_VALUE} is less than {@code 0x1p63} although both convert to the same double.
 * Floating-point values follow {@link Double#compare}: NaN is greater than every other number and
 * equal to itself, and {@code -0.0} is less than {@code 0.0} (and than any zero of another type),
 * so that for one property type comparison agrees with {@code equals}. Strings and other
 * {@link Comparable}s are compared by {@code compareTo} with values of their own family (the
 * topmost comparable superclass, or the enum type). Everything else is incomparable.
 *
 * <p>{@code compareTo} of BigDecimal ignores the scale ({@code 2.0 == 2.00}), so for BigDecimal
 * values this order is not consistent with {@code equals}.
 */
public final class Values {
    /**
     * A total order over all values: nulls last; numbers (in numeric order) before all other
     * values; other values grouped by family (ordered by class name) and ordered by
     * {@code compareTo} within the family. Values of one family that cannot be compared (e.g.
     * two lists) are ties. Never throws. For non-null values that {@link #compare} accepts it
     * agrees with {@link #compare}.
     */
    public static final Comparator<Object> ORDER = Values::order;

    /** Returned by {@link #tryCompare} for values that cannot be compared. */
    static final int INCOMPARABLE = Integer.MIN_VALUE;

    private static final double TWO_POW_63 = 0x1p63;

    /** The family of a class: what its values can be compared with. */
    private static final ClassValue<Class<?>> FAMILY = new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> type) {
            if (Enum.class.isAssignableFrom(type)) {
                Class<?> c = type;
                while (c.getSuperclass() != Enum.class) {
                    c = c.getSuperclass();
                }
                return c;
            }
            if (!Comparable.class.isAssignableFrom(type)) {
                return type;
            }
            Class<?> c = type;
            while (c.getSuperclass() != null && Comparable.class.isAssignableFrom(c.getSuperclass())) {
                c = c.getSuperclass();
            }
            return c;
        }
    };

    private Values() {
    }

    /**
     * Compares two non-null values: numerically for numbers of any of the known numeric types,
     * by {@code compareTo} for Strings and other Comparables of one family.
     *
     * @return a negative number, zero or a positive number as {@code a} is less than, equal to or
     *         greater than {@code b}
     * @throws ClassCastException if the values are incomparable (a String and an Integer, two
     *         different enum types, values that are not Comparable)
     * @throws NullPointerException if either value is null
     */
    public static int compare(Object a, Object b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        int c = tryCompare(a, b);
        if (c == INCOMPARABLE) {
            throw new ClassCastException("cannot compare " + a.getClass().getName() + " with " + b.getClass().getName());
        }
        return c;
    }

    /**
     * Whether two values are equal as the query language sees them: numbers numerically
     * ({@code 5 == 5L == 5.0}), comparable values by {@code compareTo}, values that are not
     * Comparable (lists, maps, plain objects) by {@code equals}. Two nulls are equal; null equals
     * nothing else. Never throws.
     */
    public static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        return a != null && b != null && equality(a, b) == Tri.TRUE;
    }

    /**
     * SQL equality of two non-null values as a {@link Tri}: by {@link #tryCompare} when they are
     * comparable, by {@code equals} when neither is Comparable, else (a String and a number, two
     * enum types) unknown.
     */
    static int equality(Object a, Object b) {
        if (a instanceof String sa && b instanceof String sb) {
            return sa.equals(sb) ? Tri.TRUE : Tri.FALSE;
        }
        int c = tryCompare(a, b);
        if (c != INCOMPARABLE) {
            return c == 0 ? Tri.TRUE : Tri.FALSE;
        }
        if (a instanceof Comparable || b instanceof Comparable) {
            return Tri.UNKNOWN;
        }
        return a.equals(b) ? Tri.TRUE : Tri.FALSE;
    }

    /**
     * Compares two non-null values; -1, 0 or 1, or {@link #INCOMPARABLE}. Does not allocate
     * unless a BigDecimal or BigInteger is compared with a value of another numeric type.
     */
    static int tryCompare(Object a, Object b) {
        int ka = Numbers.kind(a);
        int kb = Numbers.kind(b);
        if (ka != Numbers.NOT_NUMERIC || kb != Numbers.NOT_NUMERIC) {
            return ka != Numbers.NOT_NUMERIC && kb != Numbers.NOT_NUMERIC
                    ? compareNumbers((Number) a, ka, (Number) b, kb) : INCOMPARABLE;
        }
        if (a instanceof String sa) {
            return b instanceof String sb ? Integer.signum(sa.compareTo(sb)) : INCOMPARABLE;
        }
        if (!(a instanceof Comparable) || FAMILY.get(a.getClass()) != FAMILY.get(b.getClass())) {
            return INCOMPARABLE;
        }
        try {
            return Integer.signum(compareComparables(a, b));
        } catch (ClassCastException refused) {
            return INCOMPARABLE;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareComparables(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }

    private static int order(Object a, Object b) {
        if (a == b) {
            return 0;
        }
        if (a == null) {
            return 1;
        }
        if (b == null) {
            return -1;
        }
        int c = tryCompare(a, b);
        return c != INCOMPARABLE ? c : compareFamilies(a, b);
    }

    private static int compareFamilies(Object a, Object b) {
        boolean na = Numbers.kind(a) != Numbers.NOT_NUMERIC;
        boolean nb = Numbers.kind(b) != Numbers.NOT_NUMERIC;
        if (na != nb) {
            return na ? -1 : 1;
        }
        Class<?> fa = FAMILY.get(a.getClass());
        Class<?> fb = FAMILY.get(b.getClass());
        if (fa == fb) {
            return 0;
        }
        int c = Integer.signum(fa.getName().compareTo(fb.getName()));
        return c != 0 ? c : Integer.compare(System.identityHashCode(fa), System.identityHashCode(fb));
    }

    private static int compareNumbers(Number a, int ka, Number b, int kb) {
        if (ka == Numbers.INTEGRAL && kb == Numbers.INTEGRAL) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if (ka == Numbers.FLOATING && kb == Numbers.FLOATING) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        if (ka == Numbers.INTEGRAL && kb == Numbers.FLOATING) {
            return compareLongDouble(a.longValue(), b.doubleValue());
        }
        if (ka == Numbers.FLOATING && kb == Numbers.INTEGRAL) {
            return -compareLongDouble(b.longValue(), a.doubleValue());
        }
        if (ka == Numbers.FLOATING) {
            return -compareBigDouble(b, kb, a.doubleValue());
        }
        if (kb == Numbers.FLOATING) {
            return compareBigDouble(a, ka, b.doubleValue());
        }
        if (ka == Numbers.BIG_DECIMAL || kb == Numbers.BIG_DECIMAL) {
            return Integer.signum(Numbers.toBigDecimal(a, ka).compareTo(Numbers.toBigDecimal(b, kb)));
        }
        // an integral value and a BigInteger, or two BigIntegers
        if (ka == Numbers.INTEGRAL) {
            return -compareBigIntegerLong((BigInteger) b, a.longValue());
        }
        if (kb == Numbers.INTEGRAL) {
            return compareBigIntegerLong((BigInteger) a, b.longValue());
        }
        return Integer.signum(((BigInteger) a).compareTo((BigInteger) b));
    }

    private static int compareBigIntegerLong(BigInteger big, long l) {
        return big.bitLength() <= 63 ? Long.compare(big.longValue(), l) : big.signum();
    }

    /** Exact comparison of a long and a double, consistent with {@link Double#compare} for -0.0 and NaN. */
    private static int compareLongDouble(long l, double d) {
        if (Double.isNaN(d) || d >= TWO_POW_63) {
            return -1;
        }
        if (d < -TWO_POW_63) {
            return 1;
        }
        long truncated = (long) d;
        if (l != truncated) {
            return Long.compare(l, truncated);
        }
        double fraction = d - truncated;
        if (fraction > 0) {
            return -1;
        }
        if (fraction < 0) {
            return 1;
        }
        return Numbers.isNegativeZero(d) ? 1 : 0;
    }

    /** Exact comparison of a BigInteger or BigDecimal with a double. */
    private static int compareBigDouble(Number big, int kind, double d) {
        if (Double.isNaN(d) || d == Double.POSITIVE_INFINITY) {
            return -1;
        }
        if (d == Double.NEGATIVE_INFINITY) {
            return 1;
        }
        BigDecimal exact = kind == Numbers.BIG_DECIMAL ? (BigDecimal) big : new BigDecimal((BigInteger) big);
        int c = Integer.signum(exact.compareTo(new BigDecimal(d)));
        return c == 0 && Numbers.isNegativeZero(d) ? 1 : c;
    }
}

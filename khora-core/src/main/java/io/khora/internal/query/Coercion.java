package io.khora.internal.query;

import java.math.BigDecimal;

/**
 * Fits query values to property types when a query is compiled, so that evaluation compares values
 * of one class: a number is converted to the property's numeric type when that loses nothing, a
 * one-character String to a Character, a String to an enum constant by name.
 */
final class Coercion {
    /** Returned by {@link #coerce} when the value cannot be compared with the property at all. */
    static final Object INCOMPATIBLE = new Object() {
        @Override
        public String toString() {
            return "INCOMPATIBLE";
        }
    };

    private Coercion() {
    }

    /**
     * {@code value} (non-null) fitted to a property of boxed type {@code type}: converted when
     * possible; unchanged when it is a number the numeric property type cannot represent (it then
     * compares numerically and never equals); {@link #INCOMPATIBLE} when the property cannot hold
     * anything comparable with it. A property of type Object accepts anything unchanged.
     *
     * @param decimalText the source text of a decimal literal, or null
     */
    static Object coerce(Object value, String decimalText, Class<?> type) {
        if (type == Object.class) {
            return value;
        }
        if (Numbers.isNumericType(type)) {
            if (!Numbers.isNumber(value)) {
                return INCOMPATIBLE;
            }
            Number exact = Numbers.convertExact((Number) value, decimalText, type);
            return exact != null ? exact : value;
        }
        if (type == Character.class) {
            if (value instanceof Character) {
                return value;
            }
            return value instanceof String s && s.length() == 1 ? (Object) s.charAt(0) : INCOMPATIBLE;
        }
        if (type.isEnum()) {
            if (type.isInstance(value)) {
                return value;
            }
            if (value instanceof String s) {
                Object constant = enumConstant(type, s);
                return constant != null ? constant : INCOMPATIBLE;
            }
            return INCOMPATIBLE;
        }
        return type.isInstance(value) ? value : INCOMPATIBLE;
    }

    /**
     * {@code value} converted exactly to {@code type}, or null if no value of the property type can
     * equal it (a number it cannot represent, a value of another kind).
     */
    static Object exactOrNull(Object value, Class<?> type) {
        Object c = coerce(value, null, type);
        if (c == INCOMPATIBLE) {
            return null;
        }
        if (Numbers.isNumericType(type) && !type.isInstance(c)) {
            return null;
        }
        return c;
    }

    /**
     * Whether an index keyed by {@code equals/hashCode} finds every value of a property of type
     * {@code type} that the query language calls equal to {@code key} (already fitted with
     * {@link #exactOrNull}). Not so for BigDecimal ({@code 2.0} equals {@code 2.00}) nor for a
     * number on a property whose values may be numbers of several classes ({@code 5} equals
     * {@code 5L}).
     */
    static boolean isHashConsistent(Class<?> type, Object key) {
        if (key instanceof BigDecimal || BigDecimal.class.isAssignableFrom(type)) {
            return false;
        }
        return !Numbers.isNumber(key) || key.getClass() == type;
    }

    /** The constant named {@code name} of enum {@code type}, or null. */
    static Object enumConstant(Class<?> type, String name) {
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(name)) {
                return constant;
            }
        }
        return null;
    }
}

package io.khora.internal.query;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled predicate: evaluates to a {@link Tri} against an entry's values array, without
 * allocating. Values are already bound and coerced to the property types, so evaluation only
 * reads, compares and combines. Immutable; the planner inspects the tree.
 */
abstract sealed class Condition {
    /** Always true. */
    static final Condition TRUE = new Constant(Tri.TRUE);
    /** Always false. */
    static final Condition FALSE = new Constant(Tri.FALSE);

    /** The truth value for one entry. */
    abstract int eval(Object[] values);

    /** The conjunction of {@code operands}, flattened and with constants folded. */
    static Condition and(List<Condition> operands) {
        List<Condition> kept = new ArrayList<>();
        for (Condition c : operands) {
            if (c == FALSE) {
                return FALSE;
            }
            if (c instanceof And and) {
                kept.addAll(and.operands());
            } else if (c != TRUE) {
                kept.add(c);
            }
        }
        if (kept.isEmpty()) {
            return TRUE;
        }
        return kept.size() == 1 ? kept.get(0) : new And(kept);
    }

    /** The disjunction of {@code operands}, flattened and with constants folded. */
    static Condition or(List<Condition> operands) {
        List<Condition> kept = new ArrayList<>();
        for (Condition c : operands) {
            if (c == TRUE) {
                return TRUE;
            }
            if (c instanceof Or or) {
                kept.addAll(or.operands());
            } else if (c != FALSE) {
                kept.add(c);
            }
        }
        if (kept.isEmpty()) {
            return FALSE;
        }
        return kept.size() == 1 ? kept.get(0) : new Or(kept);
    }

    /** The negation of {@code operand}, with constants folded. */
    static Condition not(Condition operand) {
        if (operand == TRUE) {
            return FALSE;
        }
        if (operand == FALSE) {
            return TRUE;
        }
        return new Not(operand);
    }

    /** A fixed truth value. */
    static final class Constant extends Condition {
        private final int value;

        private Constant(int value) {
            this.value = value;
        }

        @Override
        int eval(Object[] values) {
            return value;
        }

        @Override
        public String toString() {
            return Tri.name(value);
        }
    }

    /** SQL AND: false if any operand is false, else unknown if any is unknown. */
    static final class And extends Condition {
        private final Condition[] operands;

        private And(List<Condition> operands) {
            this.operands = operands.toArray(new Condition[0]);
        }

        @Override
        int eval(Object[] values) {
            int result = Tri.TRUE;
            for (Condition c : operands) {
                int r = c.eval(values);
                if (r == Tri.FALSE) {
                    return Tri.FALSE;
                }
                if (r == Tri.UNKNOWN) {
                    result = Tri.UNKNOWN;
                }
            }
            return result;
        }

        List<Condition> operands() {
            return Collections.unmodifiableList(Arrays.asList(operands));
        }

        @Override
        public String toString() {
            return join(operands, " AND ");
        }
    }

    /** SQL OR: true if any operand is true, else unknown if any is unknown. */
    static final class Or extends Condition {
        private final Condition[] operands;

        private Or(List<Condition> operands) {
            this.operands = operands.toArray(new Condition[0]);
        }

        @Override
        int eval(Object[] values) {
            int result = Tri.FALSE;
            for (Condition c : operands) {
                int r = c.eval(values);
                if (r == Tri.TRUE) {
                    return Tri.TRUE;
                }
                if (r == Tri.UNKNOWN) {
                    result = Tri.UNKNOWN;
                }
            }
            return result;
        }

        List<Condition> operands() {
            return Collections.unmodifiableList(Arrays.asList(operands));
        }

        @Override
        public String toString() {
            return join(operands, " OR ");
        }
    }

    /** SQL NOT: unknown stays unknown. */
    static final class Not extends Condition {
        private final Condition operand;

        private Not(Condition operand) {
            this.operand = operand;
        }

        @Override
        int eval(Object[] values) {
            return Tri.not(operand.eval(values));
        }

        @Override
        public String toString() {
            return "NOT (" + operand + ")";
        }
    }

    /** {@code path op value}: unknown if the property is null or of a kind incomparable with the value. */
    static final class Compare extends Condition {
        private final ValueReader reader;
        private final CompareOp op;
        private final Object value;

        Compare(ValueReader reader, CompareOp op, Object value) {
            this.reader = reader;
            this.op = op;
            this.value = value;
        }

        @Override
        int eval(Object[] values) {
            Object v = reader.read(values);
            if (v == null) {
                return Tri.UNKNOWN;
            }
            if (op == CompareOp.EQ) {
                return Values.equality(v, value);
            }
            if (op == CompareOp.NE) {
                return Tri.not(Values.equality(v, value));
            }
            int c = Values.tryCompare(v, value);
            return c == Values.INCOMPARABLE ? Tri.UNKNOWN : Tri.of(op.test(c));
        }

        ValueReader reader() {
            return reader;
        }

        CompareOp op() {
            return op;
        }

        Object value() {
            return value;
        }

        @Override
        public String toString() {
            return reader + " " + op.symbol() + " " + show(value);
        }
    }

    /**
     * {@code path IN (keys)}: true if the property equals a key; else unknown if it is null, the
     * list holds NULL, or a key is incomparable with it; else false.
     */
    static final class In extends Condition {
        /** From this many keys on, a hash set is worth it. */
        private static final int HASHED_FROM = 8;

        private final ValueReader reader;
        private final Object[] keys;
        private final boolean listHasNull;
        /** The keys, when they are all of one class whose equals is the query's equality; else null. */
        private final Set<Object> hashed;
        private final Class<?> hashedClass;

        In(ValueReader reader, List<Object> keys, boolean listHasNull) {
            this.reader = reader;
            this.keys = keys.toArray();
            this.listHasNull = listHasNull;
            Class<?> c = uniformClass(this.keys);
            this.hashed = c != null && this.keys.length >= HASHED_FROM ? new HashSet<>(keys) : null;
            this.hashedClass = hashed != null ? c : null;
        }

        /** The class of all keys if equals on it agrees with {@link Values#equality}, else null. */
        private static Class<?> uniformClass(Object[] keys) {
            if (keys.length == 0) {
                return null;
            }
            Class<?> c = keys[0].getClass();
            for (Object key : keys) {
                if (key.getClass() != c) {
                    return null;
                }
            }
            boolean equalsIsEquality = c == String.class || c == Integer.class || c == Long.class || c == Short.class
                    || c == Byte.class || c == Double.class || c == Float.class || c == Character.class
                    || c == Boolean.class || c == BigInteger.class || c.isEnum() || !Comparable.class.isAssignableFrom(c);
            return equalsIsEquality ? c : null;
        }

        @Override
        int eval(Object[] values) {
            Object v = reader.read(values);
            if (v == null) {
                return Tri.UNKNOWN;
            }
            int result = listHasNull ? Tri.UNKNOWN : Tri.FALSE;
            if (v.getClass() == hashedClass) {
                return hashed.contains(v) ? Tri.TRUE : result;
            }
            for (Object key : keys) {
                int r = Values.equality(v, key);
                if (r == Tri.TRUE) {
                    return Tri.TRUE;
                }
                if (r == Tri.UNKNOWN) {
                    result = Tri.UNKNOWN;
                }
            }
            return result;
        }

        ValueReader reader() {
            return reader;
        }

        /** The non-null keys. */
        List<Object> keys() {
            return Collections.unmodifiableList(Arrays.asList(keys));
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder().append(reader).append(" IN (");
            for (int i = 0; i < keys.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(show(keys[i]));
            }
            return sb.append(listHasNull ? (keys.length == 0 ? "NULL)" : ", NULL)") : ")").toString();
        }
    }

    /** {@code path LIKE pattern}: unknown if the property is null or not a String. */
    static final class Like extends Condition {
        private final ValueReader reader;
        private final LikePattern pattern;

        Like(ValueReader reader, LikePattern pattern) {
            this.reader = reader;
            this.pattern = pattern;
        }

        @Override
        int eval(Object[] values) {
            return reader.read(values) instanceof String s ? Tri.of(pattern.matches(s)) : Tri.UNKNOWN;
        }

        @Override
        public String toString() {
            return reader + " " + pattern;
        }
    }

    /** {@code path IS [NOT] NULL}: never unknown. */
    static final class IsNull extends Condition {
        private final ValueReader reader;
        private final boolean negated;

        IsNull(ValueReader reader, boolean negated) {
            this.reader = reader;
            this.negated = negated;
        }

        @Override
        int eval(Object[] values) {
            return Tri.of((reader.read(values) == null) != negated);
        }

        @Override
        public String toString() {
            return reader + (negated ? " IS NOT NULL" : " IS NULL");
        }
    }

    /** {@code path BETWEEN low AND high}, inclusive: {@code path >= low AND path <= high}. */
    static final class Between extends Condition {
        private final ValueReader reader;
        private final Object low;
        private final Object high;

        Between(ValueReader reader, Object low, Object high) {
            this.reader = reader;
            this.low = low;
            this.high = high;
        }

        @Override
        int eval(Object[] values) {
            Object v = reader.read(values);
            if (v == null) {
                return Tri.UNKNOWN;
            }
            int lc = Values.tryCompare(v, low);
            int hc = Values.tryCompare(v, high);
            int atLeastLow = lc == Values.INCOMPARABLE ? Tri.UNKNOWN : Tri.of(lc >= 0);
            int atMostHigh = hc == Values.INCOMPARABLE ? Tri.UNKNOWN : Tri.of(hc <= 0);
            return Tri.and(atLeastLow, atMostHigh);
        }

        ValueReader reader() {
            return reader;
        }

        Object low() {
            return low;
        }

        Object high() {
            return high;
        }

        @Override
        public String toString() {
            return reader + " BETWEEN " + show(low) + " AND " + show(high);
        }
    }

    private static String join(Condition[] operands, String separator) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < operands.length; i++) {
            sb.append(i == 0 ? "" : separator).append(operands[i]);
        }
        return sb.append(')').toString();
    }

    private static String show(Object value) {
        return value instanceof String || value instanceof Character ? "'" + value + "'" : String.valueOf(value);
    }
}

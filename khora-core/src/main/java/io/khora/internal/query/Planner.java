package io.khora.internal.query;

import io.khora.annotation.SpaceIndexType;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses a {@link Plan} for a compiled condition, and finds its routing value.
 *
 * <p>From the top-level conjuncts it takes, in order of preference: an equality or IN on an
 * indexed property (the id counts as indexed), preferring a plan that finds nothing, then the id,
 * then the fewest keys; a range on an ordered property (merging every range conjunct on it);
 * a disjunction whose every disjunct can be planned, as a union; else a scan. Conjuncts under
 * NOT, nested paths and dynamic properties are never indexed.
 *
 * <p>Plans must never miss a match. Keys a property cannot equal (5.5 for an Integer) are dropped.
 * Equality is served by an {@link Plan.IndexEq}, which a hash index may serve, only when
 * {@code equals} agrees with the query's numeric equality for the property's type (not for
 * BigDecimal, whose {@code equals} sees the scale, nor for numbers on a property whose values
 * may be of several numeric classes); otherwise an ordered property serves it as a one-key
 * {@link Plan.IndexRange}, and a property with only a hash index is not used. An ordered index
 * ({@link Values#ORDER}) serves only Comparable keys and bounds: it cannot find a list equal to
 * a list of another class.
 */
final class Planner {
    private static final Plan SCAN = new Plan.Scan();

    private final TypeDescriptor type;

    private Planner(TypeDescriptor type) {
        this.type = type;
    }

    /** The plan for {@code condition} on entries of {@code type}. */
    static Plan plan(Condition condition, TypeDescriptor type) {
        Planner planner = new Planner(type);
        if (condition == Condition.TRUE) {
            return SCAN;
        }
        if (condition == Condition.FALSE) {
            return planner.nothing(null);
        }
        Plan plan = planner.plan(condition);
        return plan != null ? plan : SCAN;
    }

    /**
     * The value of the routing property that every match has: from a top-level conjunct
     * {@code routing = value}, when the value is one the routing property's values can be
     * {@code equals} to; else null.
     */
    static Object routingValue(Condition condition, TypeDescriptor type) {
        int routing = type.routingIndex();
        if (routing < 0 || routing >= type.propertyCount()) {
            return null;
        }
        PropertyDescriptor property = type.property(routing);
        for (Condition c : conjuncts(condition)) {
            if (c instanceof Condition.Compare compare && compare.op() == CompareOp.EQ
                    && compare.reader() instanceof ValueReader.Slot slot && slot.property().position() == routing) {
                Object key = Coercion.exactOrNull(compare.value(), property.type());
                if (key != null && Coercion.isHashConsistent(property.type(), key)) {
                    return key;
                }
            }
        }
        return null;
    }

    private static List<Condition> conjuncts(Condition condition) {
        return condition instanceof Condition.And and ? and.operands() : List.of(condition);
    }

    /** A plan for {@code condition}, or null if it needs a scan. */
    private Plan plan(Condition condition) {
        if (condition instanceof Condition.Or or) {
            return union(or.operands());
        }
        return fromConjuncts(conjuncts(condition));
    }

    private Plan fromConjuncts(List<Condition> conjuncts) {
        Plan.IndexEq best = null;
        for (Condition c : conjuncts) {
            if (c == Condition.FALSE || c instanceof Condition.In in && in.keys().isEmpty()) {
                return nothing(null);
            }
            Plan.IndexEq eq = equality(c);
            if (eq != null && (best == null || rank(eq) < rank(best))) {
                best = eq;
            }
        }
        if (best != null) {
            return best;
        }
        Map<Integer, Range> ranges = new LinkedHashMap<>();
        for (Condition c : conjuncts) {
            Range r = range(c);
            if (r != null) {
                ranges.merge(r.property.position(), r, Range::intersect);
            }
        }
        Range chosen = null;
        for (Range r : ranges.values()) {
            if (r.isEmpty()) {
                return nothing(r.property);
            }
            if (chosen == null || !chosen.isBounded() && r.isBounded()) {
                chosen = r;
            }
        }
        if (chosen != null) {
            return chosen.toPlan();
        }
        for (Condition c : conjuncts) {
            Plan p = c instanceof Condition.Or ? plan(c) : c instanceof Condition.In in ? pointRanges(in) : null;
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /** Empty plans first, then the id, then fewer keys. */
    private long rank(Plan.IndexEq eq) {
        if (eq.isEmpty()) {
            return 0;
        }
        return (eq.position() == type.idIndex() ? 0L : 1L << 32) + eq.keys().size();
    }

    /** An IndexEq for {@code = value} or {@code IN (...)} on an indexed property, or null. */
    private Plan.IndexEq equality(Condition c) {
        ValueReader reader;
        List<Object> values;
        if (c instanceof Condition.Compare compare && compare.op() == CompareOp.EQ) {
            reader = compare.reader();
            values = List.of(compare.value());
        } else if (c instanceof Condition.In in) {
            reader = in.reader();
            values = in.keys();
        } else {
            return null;
        }
        if (!(reader instanceof ValueReader.Slot slot)) {
            return null;
        }
        PropertyDescriptor property = slot.property();
        boolean id = property.position() == type.idIndex();
        if (!property.isIndexed() && !id) {
            return null;
        }
        boolean ordered = !id && property.index() == SpaceIndexType.ORDERED;
        Set<Object> keys = new LinkedHashSet<>();
        for (Object value : values) {
            Object key = Coercion.exactOrNull(value, property.type());
            if (key == null) {
                continue;
            }
            if (!Coercion.isHashConsistent(property.type(), key) || ordered && !(key instanceof Comparable)) {
                return null;
            }
            keys.add(key);
        }
        return new Plan.IndexEq(property.name(), property.position(), new ArrayList<>(keys));
    }

    /**
     * The range of a comparison, BETWEEN, equality or one-key IN on an ordered property, or null.
     * Only Comparable bounds: the ordered index cannot find a value equal to a non-Comparable key.
     */
    private Range range(Condition c) {
        if (c instanceof Condition.Compare compare) {
            PropertyDescriptor p = ordered(compare.reader());
            Object v = compare.value();
            if (p == null || !(v instanceof Comparable)) {
                return null;
            }
            switch (compare.op()) {
                case EQ:
                    return new Range(p, v, true, v, true);
                case LT:
                    return new Range(p, null, false, v, false);
                case LE:
                    return new Range(p, null, false, v, true);
                case GT:
                    return new Range(p, v, false, null, false);
                case GE:
                    return new Range(p, v, true, null, false);
                default:
                    return null;
            }
        }
        if (c instanceof Condition.Between between) {
            PropertyDescriptor p = ordered(between.reader());
            boolean comparable = between.low() instanceof Comparable && between.high() instanceof Comparable;
            return p == null || !comparable ? null : new Range(p, between.low(), true, between.high(), true);
        }
        if (c instanceof Condition.In in && in.keys().size() == 1) {
            PropertyDescriptor p = ordered(in.reader());
            Object k = in.keys().get(0);
            return p == null || !(k instanceof Comparable) ? null : new Range(p, k, true, k, true);
        }
        return null;
    }

    /** {@code IN} on an ordered property whose keys a hash index cannot serve: a union of one-key ranges. */
    private Plan pointRanges(Condition.In in) {
        PropertyDescriptor p = ordered(in.reader());
        if (p == null) {
            return null;
        }
        List<Plan> parts = new ArrayList<>();
        for (Object k : new LinkedHashSet<>(in.keys())) {
            if (!(k instanceof Comparable)) {
                return null;
            }
            parts.add(new Plan.IndexRange(p.name(), p.position(), k, true, k, true));
        }
        return parts.size() == 1 ? parts.get(0) : new Plan.Union(parts);
    }

    private static PropertyDescriptor ordered(ValueReader reader) {
        return reader instanceof ValueReader.Slot slot && slot.property().index() == SpaceIndexType.ORDERED
                ? slot.property() : null;
    }

    /** A union of the plans of {@code disjuncts}, or null if one of them needs a scan. */
    private Plan union(List<Condition> disjuncts) {
        List<Plan> parts = new ArrayList<>();
        for (Condition d : disjuncts) {
            Plan p = plan(d);
            if (p == null) {
                return null;
            }
            if (p instanceof Plan.Union u) {
                parts.addAll(u.parts());
            } else {
                parts.add(p);
            }
        }
        List<Plan> merged = new ArrayList<>();
        Map<Integer, Integer> eqSlots = new LinkedHashMap<>();
        Plan.IndexEq empty = null;
        for (Plan p : parts) {
            if (p instanceof Plan.IndexEq eq) {
                if (eq.isEmpty()) {
                    empty = eq;
                    continue;
                }
                Integer at = eqSlots.get(eq.position());
                if (at == null) {
                    eqSlots.put(eq.position(), merged.size());
                    merged.add(eq);
                } else {
                    Set<Object> keys = new LinkedHashSet<>(((Plan.IndexEq) merged.get(at)).keys());
                    keys.addAll(eq.keys());
                    merged.set(at, new Plan.IndexEq(eq.property(), eq.position(), new ArrayList<>(keys)));
                }
            } else {
                merged.add(p);
            }
        }
        if (merged.isEmpty()) {
            return empty != null ? empty : nothing(null);
        }
        return merged.size() == 1 ? merged.get(0) : new Plan.Union(merged);
    }

    /** A plan that finds nothing: an IndexEq without keys, on {@code property} or the id. */
    private Plan nothing(PropertyDescriptor property) {
        PropertyDescriptor p = property;
        if (p == null) {
            int id = type.idIndex();
            if (id < 0 || id >= type.propertyCount()) {
                return SCAN;
            }
            p = type.property(id);
        }
        return new Plan.IndexEq(p.name(), p.position(), List.of());
    }

    /** A range of one property, bounds compared by {@link Values#ORDER}. */
    private static final class Range {
        final PropertyDescriptor property;
        final Object low;
        final boolean lowInclusive;
        final Object high;
        final boolean highInclusive;

        Range(PropertyDescriptor property, Object low, boolean lowInclusive, Object high, boolean highInclusive) {
            this.property = property;
            this.low = low;
            this.lowInclusive = low != null && lowInclusive;
            this.high = high;
            this.highInclusive = high != null && highInclusive;
        }

        Range intersect(Range other) {
            Object lo = low;
            boolean loIn = lowInclusive;
            if (lo == null) {
                lo = other.low;
                loIn = other.lowInclusive;
            } else if (other.low != null) {
                int c = Values.ORDER.compare(other.low, lo);
                if (c > 0) {
                    lo = other.low;
                    loIn = other.lowInclusive;
                } else if (c == 0) {
                    loIn &= other.lowInclusive;
                }
            }
            Object hi = high;
            boolean hiIn = highInclusive;
            if (hi == null) {
                hi = other.high;
                hiIn = other.highInclusive;
            } else if (other.high != null) {
                int c = Values.ORDER.compare(other.high, hi);
                if (c < 0) {
                    hi = other.high;
                    hiIn = other.highInclusive;
                } else if (c == 0) {
                    hiIn &= other.highInclusive;
                }
            }
            return new Range(property, lo, loIn, hi, hiIn);
        }

        boolean isBounded() {
            return low != null && high != null;
        }

        /**
         * Whether no value lies in the range. Also when the bounds are incomparable (a number and
         * a String): a match must be comparable with both.
         */
        boolean isEmpty() {
            if (!isBounded()) {
                return false;
            }
            int c = Values.tryCompare(low, high);
            return c == Values.INCOMPARABLE || c > 0 || c == 0 && !(lowInclusive && highInclusive);
        }

        Plan toPlan() {
            return new Plan.IndexRange(property.name(), property.position(), low, lowInclusive, high, highInclusive);
        }
    }
}

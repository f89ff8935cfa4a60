package io.khora.internal.query;

import java.util.List;
import java.util.Objects;

/**
 * How to find the candidate entries of a {@link CompiledQuery}: a superset of its matches, which
 * the engine filters with {@link CompiledQuery#matches}. A plan never misses a match.
 */
public sealed interface Plan {
    /** Examine every entry of the type. */
    record Scan() implements Plan {
    }

    /**
     * The entries whose property equals one of {@code keys}, by the property's index (the id's
     * for the id property). Keys are of the property's type (coerced, de-duplicated, never null)
     * and are equal exactly when {@code equals} says so, so a hash index may serve them. An empty
     * list means that nothing matches.
     *
     * @param property the property name
     * @param position the property's position in the values array
     * @param keys the keys
     */
    record IndexEq(String property, int position, List<Object> keys) implements Plan {
        /** Copies {@code keys}. */
        public IndexEq {
            Objects.requireNonNull(property, "property");
            keys = List.copyOf(keys);
        }

        /** Whether the plan finds nothing. */
        public boolean isEmpty() {
            return keys.isEmpty();
        }
    }

    /**
     * The entries whose property lies in a range of an ordered index, ordered by
     * {@link Values#ORDER}. A null bound is unbounded. Bounds are of the property's type, or
     * numbers that type cannot represent ({@code 5.5} for an Integer property), which
     * {@link Values#ORDER} compares exactly. Low is never above high.
     *
     * @param property the property name
     * @param position the property's position in the values array
     * @param low the lower bound or null
     * @param lowInclusive whether the lower bound is included
     * @param high the upper bound or null
     * @param highInclusive whether the upper bound is included
     */
    record IndexRange(String property, int position, Object low, boolean lowInclusive, Object high,
                      boolean highInclusive) implements Plan {
        /** Checks the property name. */
        public IndexRange {
            Objects.requireNonNull(property, "property");
        }
    }

    /**
     * The union of the candidates of two or more plans, each an {@link IndexEq} or
     * {@link IndexRange}; parts may overlap, so candidates must be de-duplicated.
     *
     * @param parts the plans
     */
    record Union(List<Plan> parts) implements Plan {
        /** Copies {@code parts}. */
        public Union {
            parts = List.copyOf(parts);
        }
    }
}

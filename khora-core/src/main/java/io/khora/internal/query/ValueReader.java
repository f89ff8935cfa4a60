package io.khora.internal.query;

import io.khora.internal.metadata.PropertyDescriptor;

import java.util.Map;

/**
 * Reads the value of a property path from an entry's values array. Readers are immutable and do
 * not allocate.
 */
abstract sealed class ValueReader {
    /** The value, or null. */
    abstract Object read(Object[] values);

    /** A declared property: one slot of the values array. */
    static final class Slot extends ValueReader {
        private final PropertyDescriptor property;
        private final int position;

        Slot(PropertyDescriptor property) {
            this.property = property;
            this.position = property.position();
        }

        @Override
        Object read(Object[] values) {
            return values[position];
        }

        /** The property read. */
        PropertyDescriptor property() {
            return property;
        }

        @Override
        public String toString() {
            return property.name();
        }
    }

    /** An undeclared property of a document: an entry of the map in the dynamic-properties slot. */
    static final class Dynamic extends ValueReader {
        private final int slot;
        private final String name;

        Dynamic(int slot, String name) {
            this.slot = slot;
            this.name = name;
        }

        @Override
        Object read(Object[] values) {
            return values[slot] instanceof Map<?, ?> map ? map.get(name) : null;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A nested path: the value of a base reader, then one step per further segment. */
    static final class Nested extends ValueReader {
        private final ValueReader base;
        private final Step[] steps;

        Nested(ValueReader base, Step[] steps) {
            this.base = base;
            this.steps = steps.clone();
        }

        @Override
        Object read(Object[] values) {
            Object value = base.read(values);
            for (Step step : steps) {
                if (value == null) {
                    return null;
                }
                value = step.apply(value);
            }
            return value;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(base.toString());
            for (Step step : steps) {
                sb.append('.').append(step.name());
            }
            return sb.toString();
        }
    }

    /** One segment of a nested path. */
    abstract static sealed class Step {
        /** The property of {@code target} (non-null), or null. */
        abstract Object apply(Object target);

        /** The segment name. */
        abstract String name();
    }

    /** A segment resolved when the query was compiled, against the declared type of its target. */
    static final class StaticStep extends Step {
        private final PropertyAccessor accessor;
        private final Class<?> owner;

        StaticStep(PropertyAccessor accessor) {
            this.accessor = accessor;
            this.owner = accessor.owner();
        }

        @Override
        Object apply(Object target) {
            return owner.isInstance(target) ? accessor.get(target) : NestedAccess.read(target, accessor.name());
        }

        @Override
        String name() {
            return accessor.name();
        }
    }

    /** A segment resolved at run time against the class of its target. */
    static final class DynamicStep extends Step {
        private final String name;

        DynamicStep(String name) {
            this.name = name;
        }

        @Override
        Object apply(Object target) {
            return NestedAccess.read(target, name);
        }

        @Override
        String name() {
            return name;
        }
    }
}

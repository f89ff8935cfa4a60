package io.khora.internal.query;

import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.Types;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a template's values array into a conjunction of equalities: one per declared property
 * holding a non-null value, except primitive properties holding their default value (0, false),
 * which are wildcards since they cannot be null; and, for documents, one per non-null dynamic
 * property.
 */
final class TemplateBinder {
    private TemplateBinder() {
    }

    /** The condition a template with {@code values} stands for. */
    static Condition bind(Object[] values, TypeDescriptor type) {
        List<Condition> equalities = new ArrayList<>();
        int count = Math.min(type.propertyCount(), values.length);
        for (int i = 0; i < count; i++) {
            Object value = values[i];
            PropertyDescriptor property = type.property(i);
            if (value == null || property.isPrimitive() && value.equals(Types.primitiveDefault(property.type()))) {
                continue;
            }
            Object fitted = Coercion.coerce(value, null, property.type());
            Object key = fitted == Coercion.INCOMPATIBLE ? value : fitted;
            equalities.add(new Condition.Compare(new ValueReader.Slot(property), CompareOp.EQ, key));
        }
        int slot = type.dynamicSlot();
        if (slot >= 0 && slot < values.length && values[slot] instanceof Map<?, ?> dynamic) {
            for (Map.Entry<?, ?> e : dynamic.entrySet()) {
                if (e.getKey() instanceof String name && e.getValue() != null) {
                    equalities.add(new Condition.Compare(new ValueReader.Dynamic(slot, name), CompareOp.EQ, e.getValue()));
                }
            }
        }
        return Condition.and(equalities);
    }
}

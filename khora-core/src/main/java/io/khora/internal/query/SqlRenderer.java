package io.khora.internal.query;

import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.Types;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a parsed query, or a template, as a {@link SqlForm}: the form a data source receives.
 * Literals become parameters too, so a data source never has to parse or escape values.
 */
final class SqlRenderer {
    private final Object[] args;
    private final TypeDescriptor type;
    private final List<Object> params = new ArrayList<>();
    private final StringBuilder sb = new StringBuilder();

    private SqlRenderer(Object[] args, TypeDescriptor type) {
        this.args = args;
        this.type = type;
    }

    /**
     * The SQL form of {@code parsed} with {@code args} bound to its {@code ?}s; values compared with
     * a declared property are converted to that property's type (as the space itself compares them),
     * so a data source binds parameters of the column's type.
     */
    static SqlForm render(ParsedQuery parsed, Object[] args, TypeDescriptor type) {
        SqlRenderer r = new SqlRenderer(args, type);
        if (parsed.where() != null) {
            r.expr(parsed.where(), false);
        }
        StringBuilder order = new StringBuilder();
        for (OrderItem item : parsed.orderBy()) {
            if (order.length() > 0) {
                order.append(", ");
            }
            order.append(item.path().dotted()).append(item.descending() ? " DESC" : "");
        }
        return new SqlForm(r.sb.toString(), r.params.toArray(), order.toString());
    }

    /** The SQL form of a template: {@code a = ? AND b = ?} over its non-null, non-wildcard properties. */
    static SqlForm renderTemplate(Object[] values, TypeDescriptor type) {
        List<String> terms = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        int count = Math.min(type.propertyCount(), values.length);
        for (int i = 0; i < count; i++) {
            PropertyDescriptor p = type.property(i);
            Object v = values[i];
            if (v == null || p.isPrimitive() && v.equals(Types.primitiveDefault(p.type()))) {
                continue;
            }
            terms.add(p.name() + " = ?");
            params.add(v);
        }
        int slot = type.dynamicSlot();
        if (slot >= 0 && slot < values.length && values[slot] instanceof Map<?, ?> dynamic) {
            for (Map.Entry<?, ?> e : dynamic.entrySet()) {
                if (e.getKey() instanceof String name && e.getValue() != null) {
                    terms.add(name + " = ?");
                    params.add(e.getValue());
                }
            }
        }
        return new SqlForm(String.join(" AND ", terms), params.toArray(), "");
    }

    private void expr(Expr e, boolean parenthesize) {
        if (e instanceof Expr.And and) {
            junction(and.operands(), " AND ", parenthesize);
        } else if (e instanceof Expr.Or or) {
            junction(or.operands(), " OR ", parenthesize);
        } else if (e instanceof Expr.Not not) {
            sb.append("NOT (");
            expr(not.operand(), false);
            sb.append(')');
        } else if (e instanceof Expr.Comparison c) {
            sb.append(c.path().dotted()).append(' ').append(c.op().symbol()).append(' ');
            operand(c.path(), c.value());
        } else if (e instanceof Expr.In in) {
            sb.append(in.path().dotted()).append(in.negated() ? " NOT IN (" : " IN (");
            for (int i = 0; i < in.values().size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                operand(in.path(), in.values().get(i));
            }
            sb.append(')');
        } else if (e instanceof Expr.Like like) {
            sb.append(like.path().dotted()).append(like.negated() ? " NOT LIKE " : " LIKE ");
            operand(like.path(), like.pattern());
        } else if (e instanceof Expr.IsNull isNull) {
            sb.append(isNull.path().dotted()).append(isNull.negated() ? " IS NOT NULL" : " IS NULL");
        } else if (e instanceof Expr.Between b) {
            sb.append(b.path().dotted()).append(b.negated() ? " NOT BETWEEN " : " BETWEEN ");
            operand(b.path(), b.low());
            sb.append(" AND ");
            operand(b.path(), b.high());
        }
    }

    private void junction(List<Expr> operands, String op, boolean parenthesize) {
        if (parenthesize) {
            sb.append('(');
        }
        for (int i = 0; i < operands.size(); i++) {
            if (i > 0) {
                sb.append(op);
            }
            expr(operands.get(i), true);
        }
        if (parenthesize) {
            sb.append(')');
        }
    }

    private void operand(Path path, Operand o) {
        if (o instanceof Operand.Null) {
            sb.append("NULL");
            return;
        }
        sb.append('?');
        Object value;
        String decimalText = null;
        if (o instanceof Operand.Parameter p) {
            value = args[p.index()];
        } else {
            Operand.Literal l = (Operand.Literal) o;
            value = l.value();
            decimalText = l.decimalText();
        }
        PropertyDescriptor property = path.isNested() ? null : type.property(path.segments().get(0));
        if (property != null && property.type() != Object.class) {
            Object fitted = Coercion.coerce(value, decimalText, property.type());
            if (fitted != Coercion.INCOMPATIBLE) {
                value = fitted;
            }
        }
        params.add(value);
    }
}

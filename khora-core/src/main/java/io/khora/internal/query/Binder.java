package io.khora.internal.query;

import io.khora.QueryException;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a {@link ParsedQuery} plus arguments into a {@link Condition} and an ordering for one
 * entry type: resolves paths, substitutes parameters, checks that values fit the property types
 * and coerces them. Errors are {@link QueryException}s at the offending path or value.
 */
final class Binder {
    private static final int MAX_SHOWN = 40;

    private final ParsedQuery query;
    private final Object[] args;
    private final PathResolver paths;

    /** The result of binding. */
    record Bound(Condition condition, Comparator<Object[]> ordering) {
    }

    /** A query value after parameter substitution. */
    private record Value(Object value, String decimalText, int position, int parameter) {
        String describe() {
            String shown = value instanceof String || value instanceof Character ? "'" + value + "'" : String.valueOf(value);
            if (shown.length() > MAX_SHOWN) {
                shown = shown.substring(0, MAX_SHOWN) + "...";
            }
            return simpleName(value.getClass()) + " value " + shown + (parameter > 0 ? " (parameter " + parameter + ")" : "");
        }
    }

    private Binder(ParsedQuery query, Object[] args, TypeDescriptor type) {
        this.query = query;
        this.args = args;
        this.paths = new PathResolver(type, query.text());
    }

    /**
     * Binds {@code query} with {@code args} (one per parameter, already counted) against {@code type}.
     */
    static Bound bind(ParsedQuery query, Object[] args, TypeDescriptor type) {
        return new Binder(query, args, type).bind();
    }

    private Bound bind() {
        Condition condition = query.where() == null ? Condition.TRUE : condition(query.where());
        Comparator<Object[]> ordering = null;
        if (!query.orderBy().isEmpty()) {
            List<ValueReader> readers = new ArrayList<>();
            boolean[] descending = new boolean[query.orderBy().size()];
            for (OrderItem item : query.orderBy()) {
                descending[readers.size()] = item.descending();
                readers.add(paths.resolve(item.path()).reader());
            }
            ordering = new Ordering(readers, descending);
        }
        return new Bound(condition, ordering);
    }

    private Condition condition(Expr expr) {
        if (expr instanceof Expr.And and) {
            return Condition.and(conditions(and.operands()));
        }
        if (expr instanceof Expr.Or or) {
            return Condition.or(conditions(or.operands()));
        }
        if (expr instanceof Expr.Not not) {
            return Condition.not(condition(not.operand()));
        }
        if (expr instanceof Expr.Comparison comparison) {
            ResolvedPath path = paths.resolve(comparison.path());
            return new Condition.Compare(path.reader(), comparison.op(), fit(path, value(comparison.value())));
        }
        if (expr instanceof Expr.In in) {
            return in(in);
        }
        if (expr instanceof Expr.Like like) {
            return like(like);
        }
        if (expr instanceof Expr.IsNull isNull) {
            ResolvedPath path = paths.resolve(isNull.path());
            if (path.isPrimitiveProperty()) {
                return isNull.negated() ? Condition.TRUE : Condition.FALSE;
            }
            return new Condition.IsNull(path.reader(), isNull.negated());
        }
        Expr.Between between = (Expr.Between) expr;
        ResolvedPath path = paths.resolve(between.path());
        Object low = fit(path, value(between.low()));
        Object high = fit(path, value(between.high()));
        Condition c = new Condition.Between(path.reader(), low, high);
        return between.negated() ? Condition.not(c) : c;
    }

    private List<Condition> conditions(List<Expr> exprs) {
        List<Condition> conditions = new ArrayList<>(exprs.size());
        for (Expr e : exprs) {
            conditions.add(condition(e));
        }
        return conditions;
    }

    private Condition in(Expr.In in) {
        ResolvedPath path = paths.resolve(in.path());
        List<Object> keys = new ArrayList<>();
        boolean listHasNull = false;
        for (Operand operand : in.values()) {
            if (operand instanceof Operand.Null) {
                listHasNull = true;
            } else {
                keys.add(fit(path, value(operand)));
            }
        }
        Condition c = new Condition.In(path.reader(), keys, listHasNull);
        return in.negated() ? Condition.not(c) : c;
    }

    private Condition like(Expr.Like like) {
        ResolvedPath path = paths.resolve(like.path());
        if (path.isTyped() && path.type() != String.class) {
            throw error("cannot apply LIKE to property '" + path.display() + "' of type " + simpleName(path.type())
                    + "; LIKE needs a String property", path.position());
        }
        Value pattern = value(like.pattern());
        if (!(pattern.value() instanceof String s)) {
            throw error("the pattern of LIKE must be a String but found " + pattern.describe(), pattern.position());
        }
        Condition c = new Condition.Like(path.reader(), LikePattern.compile(s));
        return like.negated() ? Condition.not(c) : c;
    }

    /** The operand's value: the literal, or the argument of the parameter (never null). */
    private Value value(Operand operand) {
        if (operand instanceof Operand.Literal literal) {
            return new Value(literal.value(), literal.decimalText(), literal.position(), 0);
        }
        Operand.Parameter parameter = (Operand.Parameter) operand;
        Object arg = args[parameter.index()];
        int number = parameter.index() + 1;
        if (arg == null) {
            throw error("parameter " + number + " (the " + ordinal(number) + " '?') is null; a comparison with null"
                    + " is never true: use IS NULL or IS NOT NULL to test for null", parameter.position());
        }
        return new Value(arg, null, parameter.position(), number);
    }

    /** The value fitted to the path's type; throws if the property cannot hold a comparable value. */
    private Object fit(ResolvedPath path, Value value) {
        Object fitted = Coercion.coerce(value.value(), value.decimalText(), path.type());
        if (fitted != Coercion.INCOMPATIBLE) {
            return fitted;
        }
        Class<?> type = path.type();
        if (type.isEnum() && value.value() instanceof String s) {
            throw error("'" + s + "' is not a constant of enum " + simpleName(type) + " of property '" + path.display()
                    + "' (constants: " + constants(type) + ")", value.position());
        }
        throw error("cannot compare property '" + path.display() + "' of type " + simpleName(type)
                + " with " + value.describe(), value.position());
    }

    private static String constants(Class<?> enumType) {
        List<String> names = new ArrayList<>();
        for (Object constant : enumType.getEnumConstants()) {
            names.add(((Enum<?>) constant).name());
        }
        return String.join(", ", names);
    }

    private static String ordinal(int n) {
        int mod100 = n % 100;
        if (mod100 >= 11 && mod100 <= 13) {
            return n + "th";
        }
        switch (n % 10) {
            case 1:
                return n + "st";
            case 2:
                return n + "nd";
            case 3:
                return n + "rd";
            default:
                return n + "th";
        }
    }

    static String simpleName(Class<?> c) {
        String simple = c.getSimpleName();
        return simple.isEmpty() ? c.getName() : simple;
    }

    private QueryException error(String problem, int position) {
        return new QueryException(problem, query.text(), position);
    }
}

package io.khora.internal.query;

import io.khora.QueryException;
import io.khora.internal.metadata.TypeDescriptor;

import java.util.Comparator;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A query bound to an entry type: a predicate over entries' values arrays with SQL's
 * three-valued logic, a {@link Plan} to find candidates, an optional ORDER BY comparator and the
 * routing value. Immutable and thread-safe; {@link #matches} does not allocate.
 *
 * <pre>{@code
 * CompiledQuery q = CompiledQuery.compile("price > ? AND symbol = ? ORDER BY price DESC", new Object[] {10.0, "ACME"}, type);
 * Plan plan = q.plan();              // e.g. IndexRange on price
 * if (q.matches(entryValues)) { ... }
 * }</pre>
 */
public final class CompiledQuery {
    private static final Object[] NO_ARGS = new Object[0];

    private final String text;
    private final TypeDescriptor type;
    private final Condition condition;
    private final Comparator<Object[]> ordering;
    private final Plan plan;
    private final Object routingValue;
    private final boolean matchesAll;
    private final Supplier<SqlForm> sqlSource;
    private volatile SqlForm sqlForm;

    private CompiledQuery(String text, TypeDescriptor type, Condition condition, Comparator<Object[]> ordering,
                          Supplier<SqlForm> sqlSource) {
        this.sqlSource = sqlSource;
        this.text = text;
        this.type = type;
        this.condition = condition;
        this.ordering = ordering;
        this.plan = Planner.plan(condition, type);
        this.routingValue = Planner.routingValue(condition, type);
        this.matchesAll = condition == Condition.TRUE;
    }

    /**
     * Compiles a WHERE clause (optionally followed by ORDER BY) for entries of {@code type}.
     * Parsed texts are cached, so compiling the same text with other arguments is cheap.
     *
     * @param text the query text; empty (or only ORDER BY) matches every entry
     * @param args one non-null argument per {@code ?}, in order; null means none
     * @param type the entry type; entries of its subtypes match too
     * @throws QueryException on a syntax error, an unknown property, a parameter count mismatch,
     *         a null argument, or a value that cannot be compared with its property
     */
    public static CompiledQuery compile(String text, Object[] args, TypeDescriptor type) {
        Objects.requireNonNull(text, "query text");
        Objects.requireNonNull(type, "type");
        Object[] arguments = args == null ? NO_ARGS : args;
        ParsedQuery parsed = ParseCache.parse(text);
        if (parsed.parameterCount() != arguments.length) {
            throw new QueryException("query has " + count(parsed.parameterCount(), "parameter", "parameters") + " (?) but "
                    + count(arguments.length, "argument was", "arguments were") + " given", text, -1);
        }
        Binder.Bound bound = Binder.bind(parsed, arguments, type);
        Object[] argsCopy = arguments.clone();
        return new CompiledQuery(text, type, bound.condition(), bound.ordering(), () -> SqlRenderer.render(parsed, argsCopy, type));
    }

    /**
     * Compiles a template: the conjunction of {@code property = value} for every declared property
     * whose value is non-null, except primitive properties holding their default value (0, false),
     * which are wildcards; for documents also for every non-null dynamic property.
     *
     * @param templateValues the template's values array, as the type's codec makes it
     * @param type the template's type
     */
    public static CompiledQuery template(Object[] templateValues, TypeDescriptor type) {
        Objects.requireNonNull(templateValues, "template values");
        Objects.requireNonNull(type, "type");
        Object[] copy = templateValues.clone();
        return new CompiledQuery("", type, TemplateBinder.bind(templateValues, type), null, () -> SqlRenderer.renderTemplate(copy, type));
    }

    /** A query matching every entry of {@code type} (and its subtypes). */
    public static CompiledQuery all(TypeDescriptor type) {
        Objects.requireNonNull(type, "type");
        return new CompiledQuery("", type, Condition.TRUE, null, () -> SqlForm.ALL);
    }

    /** The type the query was compiled for. */
    public TypeDescriptor type() {
        return type;
    }

    /**
     * Whether an entry matches: the predicate is TRUE (not FALSE, not UNKNOWN) for its values.
     *
     * @param values the values array of an entry of {@link #type()} or of a subtype
     */
    public boolean matches(Object[] values) {
        return matchesAll || condition.eval(values) == Tri.TRUE;
    }

    /** How to find the candidate entries; they must still be filtered with {@link #matches}. */
    public Plan plan() {
        return plan;
    }

    /** The ORDER BY comparator of values arrays, or null if the query has no ORDER BY. */
    public Comparator<Object[]> ordering() {
        return ordering;
    }

    /**
     * The routing property's value every match has, when a top-level conjunct is
     * {@code routingProperty = value}; else null (the query may match entries anywhere).
     */
    public Object routingValue() {
        return routingValue;
    }

    /** Whether every entry matches (no WHERE clause, or one that is always true). */
    public boolean matchesAll() {
        return matchesAll;
    }

    /**
     * The query as SQL-compatible text for a data source (computed on first use): WHERE with
     * {@code ?} placeholders for every value, the parameters, and the ORDER BY list.
     */
    public SqlForm sqlForm() {
        SqlForm f = sqlForm;
        if (f == null) {
            f = sqlSource.get();
            sqlForm = f;
        }
        return f;
    }

    /** The query text; empty for templates and {@link #all}. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return "CompiledQuery[" + type.name() + ": " + (matchesAll ? "ALL" : condition)
                + (ordering == null ? "" : " " + ordering) + ", plan=" + plan + "]";
    }

    private static String count(int n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }
}

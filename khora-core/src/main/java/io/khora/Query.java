package io.khora;

import io.khora.document.SpaceDocument;
import io.khora.internal.metadata.TemplateSnapshot;

import java.util.Arrays;
import java.util.Objects;

/**
 * What to match: a type plus either a SQL-like WHERE clause with {@code ?} parameters, or a
 * template object whose non-null properties must be equal. Immutable; safe to reuse and share.
 *
 * <p>The language is a subset of SQL's WHERE: {@code = <> != < <= > >=}, {@code AND}, {@code OR},
 * {@code NOT}, parentheses, {@code [NOT] IN (…)}, {@code [NOT] LIKE} with {@code %} and {@code _},
 * {@code IS [NOT] NULL}, {@code [NOT] BETWEEN … AND …}, nested paths ({@code address.city}) and an
 * optional trailing {@code ORDER BY path [ASC|DESC], …}. Comparisons with NULL are unknown, as in
 * SQL: {@code price > 5} and {@code NOT price > 5} both skip an entry whose price is null.
 *
 * <pre>{@code
 * Query<Trade> q = Query.of(Trade.class, "price > ? AND symbol = ? ORDER BY price DESC", 10.0, "ACME");
 * }</pre>
 *
 * @param <T> the entry type the query returns
 */
public final class Query<T> {
    private static final Object[] NO_ARGS = new Object[0];

    private final Class<T> type;
    private final String typeName;
    private final String where;
    private final Object[] args;
    private final T template;

    private Query(Class<T> type, String typeName, String where, Object[] args, T template) {
        this.type = type;
        this.typeName = typeName;
        this.where = where;
        this.args = args;
        this.template = template;
    }

    /**
     * A query on a class (and its subclasses).
     *
     * @param type the entry class
     * @param where the WHERE clause, optionally followed by ORDER BY; empty matches every entry
     * @param args one argument per {@code ?}, in order
     */
    public static <T> Query<T> of(Class<T> type, String where, Object... args) {
        Objects.requireNonNull(type, "query type must not be null");
        Objects.requireNonNull(where, "query text must not be null (use \"\" or Query.all to match everything)");
        if (type == SpaceDocument.class) {
            throw new IllegalArgumentException("a query on documents names the document type: Query.of(\"TypeName\", where, args)");
        }
        return new Query<>(type, null, where, args == null ? NO_ARGS : args.clone(), null);
    }

    /** A query on the document type {@code typeName}; see {@link #of(Class, String, Object...)}. */
    public static Query<SpaceDocument> of(String typeName, String where, Object... args) {
        requireTypeName(typeName);
        Objects.requireNonNull(where, "query text must not be null (use \"\" or Query.all to match everything)");
        return new Query<>(SpaceDocument.class, typeName, where, args == null ? NO_ARGS : args.clone(), null);
    }

    /** Every entry of the class and its subclasses. */
    public static <T> Query<T> all(Class<T> type) {
        return of(type, "");
    }

    /** Every document of the type {@code typeName}. */
    public static Query<SpaceDocument> all(String typeName) {
        return of(typeName, "");
    }

    /**
     * A template query: entries of the template's class (or a subclass) whose properties equal the
     * template's non-null properties. Primitive properties holding their default value (0, false)
     * are wildcards, since they cannot be null. A {@link SpaceDocument} template matches documents
     * of its type name.
     *
     * <p>The query holds a snapshot of the template's property values taken here: changing the
     * object afterwards does not change the query.
     */
    @SuppressWarnings("unchecked")
    public static <T> Query<T> template(T template) {
        Objects.requireNonNull(template, "template must not be null");
        if (template instanceof SpaceDocument doc) {
            requireTypeName(doc.getTypeName());
            return new Query<>((Class<T>) SpaceDocument.class, doc.getTypeName(), "", NO_ARGS, TemplateSnapshot.of(template));
        }
        return new Query<>((Class<T>) template.getClass(), null, "", NO_ARGS, TemplateSnapshot.of(template));
    }

    private static String requireTypeName(String typeName) {
        if (typeName == null || typeName.isBlank()) {
            throw new IllegalArgumentException("document type name must not be null or blank");
        }
        return typeName;
    }

    /** The entry class ({@link SpaceDocument} for document queries). */
    public Class<T> type() {
        return type;
    }

    /** The document type name, or null for a query on a class. */
    public String typeName() {
        return typeName;
    }

    /** Whether the query is on documents. */
    public boolean isDocumentQuery() {
        return typeName != null;
    }

    /** The WHERE clause text (possibly with ORDER BY); empty for templates and {@code all}. */
    public String where() {
        return where;
    }

    /** A copy of the arguments. */
    public Object[] args() {
        return args.clone();
    }

    /** The arguments without copying; internal use. */
    Object[] argsUnsafe() {
        return args;
    }

    /**
     * A copy of the template's snapshot (the values it had when the query was made), or null. Each
     * call answers a fresh copy, so changing it cannot change the query.
     */
    public T template() {
        return template == null ? null : TemplateSnapshot.of(template);
    }

    /** Whether this is a template query. */
    public boolean isTemplate() {
        return template != null;
    }

    @Override
    public String toString() {
        String t = typeName != null ? typeName : type.getName();
        if (template != null) {
            return "Query.template(" + t + ")";
        }
        return "Query.of(" + t + ", \"" + where + "\"" + (args.length == 0 ? "" : ", " + Arrays.toString(args)) + ")";
    }
}

package io.khora.persistence;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the space asks a {@link SpaceDataSource} for: entries of a type that match a WHERE clause in
 * Khora's query language (a SQL WHERE subset over property names, with {@code ?} parameters), so
 * an RDBMS data source can pass it on almost verbatim. A template query arrives rewritten as
 * equalities ({@code a = ? AND b = ?}).
 */
public class DataSourceQuery {
    private final String typeName;
    private final Class<?> type;
    private final String where;
    private final Object[] parameters;
    private final String orderBy;

    /**
     * @param typeName the space type name
     * @param type the entry class, or null for a document type
     * @param where the WHERE clause without ORDER BY; empty for every entry of the type
     * @param parameters one per {@code ?}
     * @param orderBy the ORDER BY list (e.g. {@code price DESC, id}), or empty
     */
    public DataSourceQuery(String typeName, Class<?> type, String where, Object[] parameters, String orderBy) {
        this.typeName = Objects.requireNonNull(typeName, "typeName");
        this.type = type;
        this.where = where == null ? "" : where;
        this.parameters = parameters == null ? new Object[0] : parameters.clone();
        this.orderBy = orderBy == null ? "" : orderBy;
    }

    /** The space type name (for a class: its {@code @SpaceClass} name or fully qualified name). */
    public String getTypeName() {
        return typeName;
    }

    /** The entry class, or null for documents. */
    public Class<?> getType() {
        return type;
    }

    /** The WHERE clause (no ORDER BY); empty means every entry of the type. */
    public String getWhere() {
        return where;
    }

    /** The parameters, one per {@code ?} in {@link #getWhere()}. */
    public Object[] getParameters() {
        return parameters.clone();
    }

    /** The ORDER BY list, or empty. */
    public String getOrderBy() {
        return orderBy;
    }

    /** Whether the query matches every entry of the type. */
    public boolean matchesAll() {
        return where.isBlank();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + typeName + (where.isEmpty() ? "" : " WHERE " + where)
                + (parameters.length == 0 ? "" : " " + Arrays.toString(parameters))
                + (orderBy.isEmpty() ? "" : " ORDER BY " + orderBy) + "]";
    }
}

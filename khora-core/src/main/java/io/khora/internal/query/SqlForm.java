package io.khora.internal.query;

import java.util.Arrays;

/**
 * A query as SQL-compatible text for a data source: a WHERE clause over property names with
 * {@code ?} placeholders (every value, literal or argument, is a parameter, so nothing is quoted
 * into the text), the parameters in order, and the ORDER BY list.
 *
 * @param where the WHERE clause, empty when every entry matches
 * @param parameters one value per {@code ?}, in order
 * @param orderBy the ORDER BY list (e.g. {@code price DESC, id}), or empty
 */
public record SqlForm(String where, Object[] parameters, String orderBy) {
    /** A form matching everything. */
    static final SqlForm ALL = new SqlForm("", new Object[0], "");

    @Override
    public Object[] parameters() {
        return parameters.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SqlForm f && f.where.equals(where) && Arrays.equals(f.parameters, parameters) && f.orderBy.equals(orderBy);
    }

    @Override
    public int hashCode() {
        return where.hashCode() * 31 + Arrays.hashCode(parameters);
    }

    @Override
    public String toString() {
        return "SqlForm[" + where + " " + Arrays.toString(parameters) + (orderBy.isEmpty() ? "" : " ORDER BY " + orderBy) + "]";
    }
}

package io.khora.internal.query;

import java.util.List;

/**
 * A parsed query, independent of any type: immutable and cached by text.
 *
 * @param text the query text
 * @param where the WHERE clause, or null when the query matches everything
 * @param orderBy the ORDER BY keys, possibly empty
 * @param parameterCount the number of {@code ?} in the text
 */
record ParsedQuery(String text, Expr where, List<OrderItem> orderBy, int parameterCount) {
    ParsedQuery {
        orderBy = List.copyOf(orderBy);
    }
}

package io.khora;

/**
 * A query is malformed or does not fit its type: a syntax error, an unknown property, a
 * parameter count mismatch, a type mismatch. The message quotes the query text and marks the
 * position (0-based, {@link #position()}; -1 when the error is not tied to one place).
 */
public class QueryException extends SpaceException {
    private final String query;
    private final int position;

    /** For an error at {@code position} in {@code query}. */
    public QueryException(String problem, String query, int position) {
        super(format(problem, query, position));
        this.query = query;
        this.position = position;
    }

    private static String format(String problem, String query, int position) {
        if (query == null) {
            return problem;
        }
        StringBuilder sb = new StringBuilder(problem);
        if (position >= 0) {
            sb.append(" at position ").append(position);
        }
        sb.append(" in query:\n  ").append(query);
        if (position >= 0) {
            sb.append("\n  ").append(" ".repeat(Math.min(position, query.length()))).append('^');
        }
        return sb.toString();
    }

    /** The query text. */
    public String query() {
        return query;
    }

    /** The 0-based position of the error in the text, or -1. */
    public int position() {
        return position;
    }
}

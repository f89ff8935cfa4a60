package io.khora.internal.query;

/**
 * One token: its type, its source text, its 0-based offset in the query, and its value (the
 * number, the unescaped string or identifier; null otherwise).
 */
record Token(TokenType type, String text, int position, Object value) {
    private static final int MAX_SHOWN = 40;

    /** How the token is shown in an error message: {@code 'AND'}, {@code 'abc'}, {@code end of query}. */
    String describe() {
        if (type == TokenType.END) {
            return "end of query";
        }
        String shown = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "..." : text;
        return type == TokenType.STRING ? shown : "'" + shown + "'";
    }

    /** Whether the token can name a property after a dot: an identifier or any keyword. */
    boolean isWord() {
        return type == TokenType.IDENTIFIER || type.isKeyword();
    }
}

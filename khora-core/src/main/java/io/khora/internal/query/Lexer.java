package io.khora.internal.query;

import io.khora.QueryException;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Splits query text into {@link Token}s on demand, so that the first error reported is the
 * leftmost one. Keywords are case-insensitive; identifiers are Java identifiers, or any text in
 * double quotes ({@code "order"}, with {@code ""} for a quote). Numbers: an optional minus sign,
 * digits, optionally a fraction and an exponent; an integer becomes an Integer, a Long or (beyond
 * long) a BigInteger, a number with a fraction or exponent a Double. Strings are single-quoted,
 * with {@code ''} for a quote.
 */
final class Lexer {
    private static final Map<String, TokenType> KEYWORDS = new HashMap<>();

    static {
        for (TokenType t : TokenType.values()) {
            if (t.isKeyword()) {
                KEYWORDS.put(t.name(), t);
            }
        }
    }

    private final String text;
    private int pos;

    Lexer(String text) {
        this.text = text;
    }

    /** The next token; {@link TokenType#END} at the end of the text, repeatedly. */
    Token next() {
        int len = text.length();
        while (pos < len && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        if (pos >= len) {
            return new Token(TokenType.END, "", len, null);
        }
        int start = pos;
        char c = text.charAt(pos);
        switch (c) {
            case '(':
                return symbol(TokenType.LEFT_PAREN, 1);
            case ')':
                return symbol(TokenType.RIGHT_PAREN, 1);
            case ',':
                return symbol(TokenType.COMMA, 1);
            case '.':
                return symbol(TokenType.DOT, 1);
            case '?':
                return symbol(TokenType.PARAMETER, 1);
            case '=':
                return symbol(TokenType.EQ, 1);
            case '<':
                if (peek(1) == '=') {
                    return symbol(TokenType.LE, 2);
                }
                return peek(1) == '>' ? symbol(TokenType.NE, 2) : symbol(TokenType.LT, 1);
            case '>':
                return peek(1) == '=' ? symbol(TokenType.GE, 2) : symbol(TokenType.GT, 1);
            case '!':
                if (peek(1) == '=') {
                    return symbol(TokenType.NE, 2);
                }
                throw error("unexpected character '!' (did you mean '!=' or NOT?)", start);
            case '\'':
                return string();
            case '"':
                return quotedIdentifier();
            case '-':
                if (isDigit(peek(1))) {
                    return number();
                }
                throw error("unexpected character '-' (arithmetic is not supported)", start);
            default:
                if (isDigit(c)) {
                    return number();
                }
                if (Character.isJavaIdentifierStart(c)) {
                    return word();
                }
                throw error("unexpected character '" + new String(Character.toChars(text.codePointAt(start))) + "'", start);
        }
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < text.length() ? text.charAt(i) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Token symbol(TokenType type, int length) {
        int start = pos;
        pos += length;
        return new Token(type, text.substring(start, pos), start, null);
    }

    private Token word() {
        int start = pos;
        while (pos < text.length() && Character.isJavaIdentifierPart(text.charAt(pos))) {
            pos++;
        }
        String word = text.substring(start, pos);
        TokenType keyword = KEYWORDS.get(word.toUpperCase(Locale.ROOT));
        return keyword != null ? new Token(keyword, word, start, null) : new Token(TokenType.IDENTIFIER, word, start, word);
    }

    private Token quotedIdentifier() {
        int start = pos;
        String name = quoted('"', "unterminated quoted identifier");
        if (name.isEmpty()) {
            throw error("empty quoted identifier", start);
        }
        return new Token(TokenType.IDENTIFIER, text.substring(start, pos), start, name);
    }

    private Token string() {
        int start = pos;
        String value = quoted('\'', "unterminated string literal");
        return new Token(TokenType.STRING, text.substring(start, pos), start, value);
    }

    /** Reads a quoted run from the opening quote at {@code pos}; a doubled quote stands for one. */
    private String quoted(char quote, String unterminated) {
        int start = pos;
        StringBuilder sb = null;
        int runStart = pos + 1;
        int i = runStart;
        while (true) {
            int close = text.indexOf(quote, i);
            if (close < 0) {
                throw error(unterminated, start);
            }
            if (close + 1 < text.length() && text.charAt(close + 1) == quote) {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(text, runStart, close + 1);
                i = close + 2;
                runStart = i;
                continue;
            }
            pos = close + 1;
            if (sb == null) {
                return text.substring(runStart, close);
            }
            return sb.append(text, runStart, close).toString();
        }
    }

    private Token number() {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        skipDigits();
        boolean decimal = false;
        if (peek(0) == '.' && isDigit(peek(1))) {
            decimal = true;
            pos++;
            skipDigits();
        }
        char e = peek(0);
        if (e == 'e' || e == 'E') {
            int expStart = pos;
            pos++;
            if (peek(0) == '+' || peek(0) == '-') {
                pos++;
            }
            if (!isDigit(peek(0))) {
                pos = expStart;
            } else {
                decimal = true;
                skipDigits();
            }
        }
        if (pos < text.length() && (Character.isJavaIdentifierPart(text.charAt(pos)) || text.charAt(pos) == '.')) {
            int end = pos;
            while (end < text.length() && (Character.isJavaIdentifierPart(text.charAt(end)) || text.charAt(end) == '.')) {
                end++;
            }
            throw error("malformed number '" + text.substring(start, end) + "'", start);
        }
        String literal = text.substring(start, pos);
        if (decimal) {
            double d = Double.parseDouble(literal);
            if (Double.isInfinite(d)) {
                throw error("number " + literal + " is out of the range of a double", start);
            }
            return new Token(TokenType.DECIMAL, literal, start, d);
        }
        return new Token(TokenType.INTEGER, literal, start, integer(literal));
    }

    private static Number integer(String literal) {
        try {
            long l = Long.parseLong(literal);
            return l == (int) l ? (Number) (int) l : (Number) l;
        } catch (NumberFormatException tooLong) {
            return new BigInteger(literal);
        }
    }

    private void skipDigits() {
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private QueryException error(String problem, int position) {
        return new QueryException(problem, text, position);
    }
}

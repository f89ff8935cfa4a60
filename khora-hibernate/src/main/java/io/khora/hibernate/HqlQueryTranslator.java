package io.khora.hibernate;

import io.khora.persistence.DataSourceQuery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Translates a space query ({@link DataSourceQuery}: a SQL WHERE subset over property names with
 * {@code ?} parameters, and an ORDER BY list) into HQL over one entity:
 * {@code from Entity e where e.price > ?1 and e.address.city = ?2 order by e.price desc}.
 *
 * <p>The text is tokenized, never pattern-matched: string literals ({@code 'it''s?'}) are copied
 * untouched, so a {@code ?} inside one is not a parameter; double-quoted identifiers become HQL
 * back-quoted ones; {@code !=} becomes {@code <>}; every property path is qualified with the root
 * alias, so a property named like an HQL keyword ({@code value}, {@code size}…) still means the
 * property. Keywords ({@code AND OR NOT IN LIKE IS NULL BETWEEN ESCAPE TRUE FALSE ASC DESC NULLS
 * FIRST LAST}) and function names (a word followed by {@code (}) are left as they are.
 */
final class HqlQueryTranslator {
    /** The alias of the query root in every HQL this module generates. */
    static final String ALIAS = "e";

    private static final Set<String> KEYWORDS = Set.of("AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL", "BETWEEN",
            "ESCAPE", "TRUE", "FALSE", "ASC", "DESC", "NULLS", "FIRST", "LAST", "MEMBER", "OF", "EMPTY");

    /** An HQL text with its positional parameters ({@code ?1} is {@code parameters.get(0)}). */
    record HqlQuery(String hql, List<Object> parameters) {
        HqlQuery {
            parameters = Collections.unmodifiableList(new ArrayList<>(parameters)); // null values allowed
        }

        @Override
        public String toString() {
            return hql + (parameters.isEmpty() ? "" : " " + parameters);
        }
    }

    /** The result of rewriting one clause: the HQL text and how many parameters it consumed. */
    record Clause(String text, int parameterCount) {
    }

    private HqlQueryTranslator() {
    }

    /**
     * {@code from <hqlName> e [where …] [order by …]} for {@code query}.
     *
     * @throws IllegalArgumentException if the number of {@code ?} differs from the parameters given
     */
    static HqlQuery select(String hqlName, DataSourceQuery query) {
        StringBuilder sb = new StringBuilder("from ").append(hqlName).append(' ').append(ALIAS);
        Object[] params = query.getParameters();
        if (!query.getWhere().isBlank()) {
            Clause where = rewrite(query.getWhere(), 1);
            if (where.parameterCount() != params.length) {
                throw new IllegalArgumentException("query " + query + " has " + where.parameterCount()
                        + " parameter markers but " + params.length + " parameters");
            }
            sb.append(" where ").append(where.text());
        } else if (params.length != 0) {
            throw new IllegalArgumentException("query " + query + " has parameters but no WHERE clause");
        }
        if (!query.getOrderBy().isBlank()) {
            sb.append(" order by ").append(rewrite(query.getOrderBy(), 1).text());
        }
        return new HqlQuery(sb.toString(), Arrays.asList(params));
    }

    /**
     * Rewrites a WHERE clause or ORDER BY list: property paths qualified with {@link #ALIAS},
     * {@code ?} numbered from {@code firstParameter}, {@code !=} as {@code <>}.
     */
    static Clause rewrite(String text, int firstParameter) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        int next = firstParameter;
        int i = 0;
        int n = text.length();
        char previous = 0; // last significant character emitted from the input
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'') {
                int end = endOfQuoted(text, i, '\'');
                out.append(text, i, end);
                i = end;
                previous = '\'';
            } else if (c == '"') {
                int end = endOfQuoted(text, i, '"');
                String name = text.substring(i + 1, end - 1).replace("\"\"", "\"");
                if (previous != '.') {
                    out.append(ALIAS).append('.');
                }
                out.append('`').append(name).append('`');
                i = end;
                previous = 'a';
            } else if (c == '?') {
                int j = i + 1;
                while (j < n && Character.isDigit(text.charAt(j))) {
                    j++;
                }
                if (j > i + 1) {
                    int given = Integer.parseInt(text.substring(i + 1, j));
                    out.append('?').append(firstParameter - 1 + given);
                    next = Math.max(next, firstParameter + given);
                } else {
                    out.append('?').append(next++);
                }
                i = j;
                previous = '?';
            } else if (c == '!' && i + 1 < n && text.charAt(i + 1) == '=') {
                out.append("<>");
                i += 2;
                previous = '=';
            } else if (Character.isDigit(c)) {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '.')) {
                    j++;
                }
                out.append(text, i, j);
                i = j;
                previous = '0';
            } else if (Character.isJavaIdentifierStart(c)) {
                int j = i + 1;
                while (j < n && Character.isJavaIdentifierPart(text.charAt(j))) {
                    j++;
                }
                String word = text.substring(i, j);
                if (previous != '.' && !KEYWORDS.contains(word.toUpperCase(Locale.ROOT)) && !followedByParen(text, j)) {
                    out.append(ALIAS).append('.');
                }
                out.append(word);
                i = j;
                previous = 'a';
            } else {
                out.append(c);
                if (!Character.isWhitespace(c)) {
                    previous = c;
                }
                i++;
            }
        }
        return new Clause(out.toString(), next - firstParameter);
    }

    private static boolean followedByParen(String text, int from) {
        for (int k = from; k < text.length(); k++) {
            char c = text.charAt(k);
            if (!Character.isWhitespace(c)) {
                return c == '(';
            }
        }
        return false;
    }

    /** The index just after the quoted run starting at {@code start}; a doubled quote stands for one. */
    static int endOfQuoted(String text, int start, char quote) {
        int i = start + 1;
        while (true) {
            int close = text.indexOf(quote, i);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated " + (quote == '\'' ? "string literal" : "quoted identifier")
                        + " at position " + start + " of: " + text);
            }
            if (close + 1 < text.length() && text.charAt(close + 1) == quote) {
                i = close + 2;
                continue;
            }
            return close + 1;
        }
    }

    /**
     * Whether an HQL text has an ORDER BY clause outside string literals (used to decide whether a
     * paged query needs a deterministic order appended).
     */
    static boolean hasOrderBy(String hql) {
        String stripped = stripLiterals(hql).toLowerCase(Locale.ROOT);
        return stripped.matches("(?s).*\\border\\s+by\\b.*");
    }

    /** {@code hql} with the contents of its string literals blanked out (same length). */
    static String stripLiterals(String hql) {
        StringBuilder sb = new StringBuilder(hql);
        int i = 0;
        while (i < sb.length()) {
            if (sb.charAt(i) == '\'') {
                int end = endOfQuoted(hql, i, '\'');
                for (int k = i + 1; k < end - 1; k++) {
                    sb.setCharAt(k, ' ');
                }
                i = end;
            } else {
                i++;
            }
        }
        return sb.toString();
    }
}

package io.khora.cassandra;

import io.khora.persistence.NumericValues;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the WHERE clause of a Khora data-source query into CQL where CQL can say the same:
 * a conjunction ({@code AND} only) of {@code property op ?} with {@code op} one of
 * {@code = < <= > >=} (only {@code =} on the id), and {@code id IN (?, …)}, over mapped properties. The id alone
 * ({@code id = ?}, {@code id IN (…)}) is a partition-key lookup; anything else runs with
 * {@code ALLOW FILTERING} (a server-side scan of the table, returning only matches).
 *
 * <p>What CQL cannot express — {@code OR}, {@code NOT}, parentheses, {@code LIKE},
 * {@code IS [NOT] NULL}, literals instead of {@code ?}, unmapped properties, a range or
 * {@code IN} on a property other than the id's — is not translated:
 * the data source then reads the whole table and the space keeps the matches (it re-checks every
 * row a data source returns). ORDER BY is always applied by the space.
 */
final class CqlQueryTranslator {
    private static final Pattern COMPARISON = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=|<=|>=|<|>)\\s*\\?\\s*");
    private static final Pattern IN = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s+(?i:in)\\s*\\(\\s*\\?(\\s*,\\s*\\?)*\\s*\\)\\s*");
    private static final Pattern AND = Pattern.compile("\\s+(?i:and)\\s+");

    private CqlQueryTranslator() {
    }

    /** A CQL WHERE clause and its bind values (a list for each IN). */
    record Translation(String where, List<Object> values) {
    }

    /**
     * The CQL WHERE of {@code where} (with {@code parameters}), or null if CQL cannot express it.
     * An empty {@code where} translates to an empty one (every row).
     */
    static Translation translate(CassandraTableMapping<?> mapping, String where, Object[] parameters) {
        if (where == null || where.isBlank()) {
            return new Translation("", List.of());
        }
        String lower = where.toLowerCase(Locale.ROOT);
        if (lower.contains(" or ") || lower.contains(" not ") || lower.startsWith("not ")) {
            return null;
        }
        List<String> cql = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        int param = 0;
        boolean onlyId = true;
        for (String conjunct : AND.split(where.trim())) {
            Matcher c = COMPARISON.matcher(conjunct);
            Matcher in = IN.matcher(conjunct);
            if (c.matches()) {
                CassandraTableMapping.Column col = columnOrNull(mapping, c.group(1));
                if (col == null || param >= parameters.length
                        || (col.property().equals(mapping.idProperty()) && !c.group(2).equals("="))) {
                    return null; // CQL allows only = and IN on the partition key
                }
                cql.add(col.name() + " " + c.group(2) + " ?");
                values.add(NumericValues.convert(parameters[param++], col.javaType()));
                onlyId &= c.group(2).equals("=") && col.property().equals(mapping.idProperty());
            } else if (in.matches()) {
                CassandraTableMapping.Column col = columnOrNull(mapping, in.group(1));
                int count = conjunct.length() - conjunct.replace("?", "").length();
                if (col == null || param + count > parameters.length || !col.property().equals(mapping.idProperty())) {
                    return null; // CQL allows IN only on the primary key
                }
                List<Object> list = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    list.add(NumericValues.convert(parameters[param++], col.javaType()));
                }
                cql.add(col.name() + " IN ?");
                values.add(list);
                onlyId &= col.property().equals(mapping.idProperty());
            } else {
                return null;
            }
        }
        if (param != parameters.length) {
            return null;
        }
        String joined = String.join(" AND ", cql);
        return new Translation(onlyId && cql.size() == 1 ? joined : joined + " ALLOW FILTERING", values);
    }

    private static CassandraTableMapping.Column columnOrNull(CassandraTableMapping<?> mapping, String property) {
        return mapping.columnOf(property) == null ? null : mapping.column(property);
    }
}

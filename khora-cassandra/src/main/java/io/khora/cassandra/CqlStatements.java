package io.khora.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The prepared CQL of one {@link CassandraTableMapping}: reads by id, by ids, by token range and by
 * a translated query, and writes {@code USING TIMESTAMP}. Each statement is prepared once, on first
 * use, and kept.
 *
 * @param <T> the space class
 */
final class CqlStatements<T> {
    private final CqlSession session;
    private final CassandraTableMapping<T> mapping;
    private final String selectFrom;
    private final Map<String, PreparedStatement> prepared = new ConcurrentHashMap<>();

    CqlStatements(CqlSession session, CassandraTableMapping<T> mapping) {
        this.session = session;
        this.mapping = mapping;
        this.selectFrom = "SELECT " + mapping.columns().stream().map(CassandraTableMapping.Column::name).collect(Collectors.joining(", "))
                + " FROM " + mapping.qualifiedTable();
    }

    CassandraTableMapping<T> mapping() {
        return mapping;
    }

    CqlSession session() {
        return session;
    }

    /** A prepared statement for {@code cql}, prepared once. */
    PreparedStatement prepare(String cql) {
        return prepared.computeIfAbsent(cql, session::prepare);
    }

    String idColumn() {
        return mapping.idColumn().name();
    }

    PreparedStatement selectById() {
        return prepare(selectFrom + " WHERE " + idColumn() + " = ?");
    }

    PreparedStatement selectByIds() {
        return prepare(selectFrom + " WHERE " + idColumn() + " IN ?");
    }

    PreparedStatement selectTokenRange() {
        return prepare(selectFrom + " WHERE token(" + idColumn() + ") > ? AND token(" + idColumn() + ") <= ?");
    }

    /** {@code SELECT … WHERE where} ({@code where} may be empty: every row). */
    PreparedStatement select(String where) {
        return prepare(where.isEmpty() ? selectFrom : selectFrom + " WHERE " + where);
    }

    PreparedStatement insert() {
        List<CassandraTableMapping.Column> cols = mapping.columns();
        return prepare("INSERT INTO " + mapping.qualifiedTable() + " (" + cols.stream().map(CassandraTableMapping.Column::name)
                .collect(Collectors.joining(", ")) + ") VALUES (" + cols.stream().map(c -> "?").collect(Collectors.joining(", "))
                + ") USING TIMESTAMP ?");
    }

    PreparedStatement delete() {
        return prepare("DELETE FROM " + mapping.qualifiedTable() + " USING TIMESTAMP ? WHERE " + idColumn() + " = ?");
    }

    /** {@code UPDATE … USING TIMESTAMP ? SET c1 = ?, … WHERE id = ?} for {@code columns} (not the id). */
    PreparedStatement update(List<CassandraTableMapping.Column> columns) {
        return prepare("UPDATE " + mapping.qualifiedTable() + " USING TIMESTAMP ? SET " + columns.stream().map(c -> c.name() + " = ?")
                .collect(Collectors.joining(", ")) + " WHERE " + idColumn() + " = ?");
    }

    /** The entry a row of {@link #selectById()} (or any select of this class) holds. */
    T toEntry(Row row) {
        Map<String, Object> values = new HashMap<>();
        for (CassandraTableMapping.Column c : mapping.columns()) {
            values.put(c.property(), row.get(c.name(), c.javaType()));
        }
        return mapping.newInstance(values);
    }
}

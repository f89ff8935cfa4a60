package io.khora.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;

import java.util.ArrayList;
import java.util.List;

/**
 * Creates what Khora's Cassandra persistence needs, for tests, the demo and first installs: a
 * keyspace, a table per {@link CassandraTableMapping} (the id column the partition key, one column
 * per property) and the endpoint's {@code khora_write_timestamps} table. Every statement is
 * {@code IF NOT EXISTS}; production schemas are usually managed by their own migrations, which
 * only need to match the mapping's columns and types.
 */
public final class CassandraSchema {
    private CassandraSchema() {
    }

    /** {@code CREATE KEYSPACE IF NOT EXISTS} with SimpleStrategy and {@code replicationFactor}. */
    public static void createKeyspace(CqlSession session, String keyspace, int replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, got " + replicationFactor);
        }
        CassandraTableMapping.checkIdentifier("keyspace", keyspace);
        session.execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace
                + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': " + replicationFactor + "}");
    }

    /** The CQL that creates {@code mapping}'s table. */
    public static String createTableCql(CassandraTableMapping<?> mapping) {
        List<String> cols = new ArrayList<>();
        for (CassandraTableMapping.Column c : mapping.columns()) {
            cols.add(c.name() + " " + CqlTypes.cqlType(c.javaType(), mapping.type().getName() + "." + c.property()));
        }
        return "CREATE TABLE IF NOT EXISTS " + mapping.qualifiedTable() + " (" + String.join(", ", cols)
                + ", PRIMARY KEY (" + mapping.idColumn().name() + "))";
    }

    /** Creates {@code mapping}'s table. */
    public static void createTable(CqlSession session, CassandraTableMapping<?> mapping) {
        session.execute(createTableCql(mapping));
    }

    /** Creates the endpoint's table of timestamp bases in {@code keyspace}. */
    public static void createTimestampTable(CqlSession session, String keyspace) {
        CassandraTableMapping.checkIdentifier("keyspace", keyspace);
        session.execute("CREATE TABLE IF NOT EXISTS " + keyspace + "." + WriteTimestamps.TABLE
                + " (space text, partition int, log_id text, base bigint, PRIMARY KEY ((space, partition, log_id)))");
    }
}

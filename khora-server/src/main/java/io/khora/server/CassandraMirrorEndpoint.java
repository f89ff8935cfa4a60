package io.khora.server;

import io.khora.cassandra.CassandraSchema;
import io.khora.cassandra.CassandraSpaceSynchronizationEndpoint;
import io.khora.cassandra.CassandraTableMapping;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.persistence.SpaceSynchronizationEndpoint;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The mirror's built-in Cassandra endpoint ({@code khora mirror --cassandra host:port,…}): a
 * {@link CassandraSpaceSynchronizationEndpoint} over one {@link CqlSession}, each class of
 * {@code --entities} mapped by {@link CassandraTableMapping} to the table named like the class's
 * simple name in lower case ({@code com.acme.OrderLine} → {@code orderline}) in
 * {@code --cassandra-keyspace} unless {@code --cassandra-tables Order=orders,…} (simple or full
 * class name = table) names another, its id and routing properties those Khora sees ({@code @SpaceId},
 * {@code @SpaceRouting}). The keyspace must exist; the endpoint's {@code khora_write_timestamps}
 * table is created in it if missing, and with {@code --schema create} the entity tables too.
 */
final class CassandraMirrorEndpoint implements AutoCloseable {
    /** The flags of the Cassandra endpoint. */
    static final List<String> FLAGS = List.of("cassandra", "cassandra-keyspace", "cassandra-datacenter", "cassandra-user",
            "cassandra-password-file", "cassandra-tables");
    /** The environment variable the Cassandra password may come from. */
    static final String PASSWORD_ENV = "KHORA_CASSANDRA_PASSWORD";
    private static final int DEFAULT_PORT = 9042;

    private final CqlSession session;
    private final CassandraSpaceSynchronizationEndpoint endpoint;

    private CassandraMirrorEndpoint(CqlSession session, CassandraSpaceSynchronizationEndpoint endpoint) {
        this.session = session;
        this.endpoint = endpoint;
    }

    /** Connects to Cassandra as {@code flags} say; throws {@link IllegalArgumentException} naming the bad flag. */
    static CassandraMirrorEndpoint open(Map<String, String> flags, Map<String, String> env) {
        List<InetSocketAddress> contactPoints = contactPoints(flags.get("cassandra"));
        String keyspace = flags.get("cassandra-keyspace");
        if (keyspace == null) {
            throw new IllegalArgumentException("--cassandra needs --cassandra-keyspace KEYSPACE (where the entity tables are)");
        }
        List<CassandraTableMapping<?>> mappings = mappings(flags.get("entities"), keyspace, tableNames(flags.get("cassandra-tables")));
        String schema = flags.getOrDefault("schema", "none");
        if (!List.of("none", "create").contains(schema)) {
            throw new IllegalArgumentException("--schema: '" + schema + "' must be none or create with --cassandra");
        }
        String user = flags.get("cassandra-user");
        String password = MirrorCommand.password(flags, "cassandra-password-file", PASSWORD_ENV, env);
        if (password != null && user == null) {
            throw new IllegalArgumentException("a Cassandra password (--cassandra-password-file or " + PASSWORD_ENV
                    + ") needs --cassandra-user");
        }
        Duration t = Duration.ofSeconds(30);
        CqlSessionBuilder b = CqlSession.builder().addContactPoints(contactPoints)
                .withLocalDatacenter(flags.getOrDefault("cassandra-datacenter", "datacenter1"))
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, t)
                        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, t)
                        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, t)
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, t)
                        .build());
        if (user != null) {
            b.withAuthCredentials(user, password == null ? "" : password);
        }
        CqlSession session = b.build();
        try {
            CassandraSchema.createTimestampTable(session, keyspace);
            CassandraSpaceSynchronizationEndpoint.Builder eb = CassandraSpaceSynchronizationEndpoint.builder(session);
            for (CassandraTableMapping<?> m : mappings) {
                if (schema.equals("create")) {
                    CassandraSchema.createTable(session, m);
                }
                eb.table(m);
            }
            return new CassandraMirrorEndpoint(session, eb.build());
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** {@code host:port,…} (port 9042 if left out) as addresses; throws naming a bad one. */
    static List<InetSocketAddress> contactPoints(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--cassandra: give the contact points as host:port,… (e.g. 127.0.0.1:9042)");
        }
        List<InetSocketAddress> points = new ArrayList<>();
        for (String p : value.split(",")) {
            String s = p.trim();
            int colon = s.lastIndexOf(':');
            String host = colon < 0 ? s : s.substring(0, colon);
            int port = DEFAULT_PORT;
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(s.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (host.isEmpty() || port < 1 || port > 65_535) {
                throw new IllegalArgumentException("--cassandra: '" + s + "' is not host:port (port 1..65535)");
            }
            points.add(InetSocketAddress.createUnresolved(host, port));
        }
        return points;
    }

    /** {@code Class=table,…} as a map (class as given: simple or full name); throws naming a malformed pair. */
    static Map<String, String> tableNames(String value) {
        Map<String, String> names = new java.util.LinkedHashMap<>();
        if (value == null) {
            return names;
        }
        for (String pair : value.split(",")) {
            String[] kv = pair.trim().split("=", -1);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException("--cassandra-tables: '" + pair.trim() + "' is not Class=table (e.g. Order=orders)");
            }
            names.put(kv[0].trim(), kv[1].trim());
        }
        return names;
    }

    /**
     * Each class of {@code entities} mapped to its table in {@code keyspace} ({@code tables}: class →
     * table, else the simple name in lower case); throws naming a class that does not map or a table
     * name given for no class.
     */
    static List<CassandraTableMapping<?>> mappings(String entities, String keyspace, Map<String, String> tables) {
        if (entities == null || entities.isBlank()) {
            throw new IllegalArgumentException("--cassandra needs --entities com.acme.Order,… (the space classes to store)");
        }
        List<CassandraTableMapping<?>> mappings = new ArrayList<>();
        Map<String, String> unused = new java.util.LinkedHashMap<>(tables);
        for (String e : entities.split(",")) {
            Class<?> c = MirrorCommand.entityClass(e.trim());
            TypeDescriptor d;
            try {
                d = TypeIntrospector.describe(c);
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException("--entities: " + c.getName() + " is not a space class: " + ex.getMessage(), ex);
            }
            String table = tables.getOrDefault(c.getName(), tables.getOrDefault(c.getSimpleName(),
                    c.getSimpleName().toLowerCase(Locale.ROOT)));
            CassandraTableMapping.Builder<?> mb = CassandraTableMapping.builder(c, keyspace, table)
                    .idProperty(d.property(d.idIndex()).name());
            if (d.routingIndex() >= 0) {
                mb.routingProperty(d.property(d.routingIndex()).name());
            }
            try {
                mappings.add(mb.build());
                unused.keySet().removeAll(List.of(c.getName(), c.getSimpleName()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("--entities: " + ex.getMessage(), ex);
            }
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("--cassandra-tables: " + unused.keySet() + " is not among --entities " + entities);
        }
        return mappings;
    }

    SpaceSynchronizationEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        session.close();
    }
}

package io.khora.hibernate;

import org.h2.jdbcx.JdbcDataSource;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh, empty database for one test class: an in-process H2 in-memory database, or a new
 * database on the shared embedded PostgreSQL server. Every connection goes through a
 * {@link CountingDataSource}; plain JDBC helpers read back what Hibernate wrote.
 */
final class TestDatabase implements AutoCloseable {
    /** Which database. */
    enum Kind { H2, POSTGRES }

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Kind kind;
    private final DataSource raw;
    private final CountingDataSource counting;
    private final List<SessionFactory> factories = new ArrayList<>();

    private TestDatabase(Kind kind, DataSource raw) {
        this.kind = kind;
        this.raw = raw;
        this.counting = new CountingDataSource(raw);
    }

    static TestDatabase create(Kind kind) {
        return kind == Kind.H2 ? h2() : postgres();
    }

    static TestDatabase h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:khora_" + COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return new TestDatabase(Kind.H2, ds);
    }

    static TestDatabase postgres() {
        var pg = EmbeddedPostgresHolder.get();
        String name = "khora_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {pg.getPort()});
        ds.setDatabaseName(name);
        ds.setUser("postgres");
        ds.setReWriteBatchedInserts(true);
        return new TestDatabase(Kind.POSTGRES, ds);
    }

    Kind kind() {
        return kind;
    }

    /** The uncounted data source. */
    DataSource raw() {
        return raw;
    }

    /** The counting data source Hibernate uses. */
    CountingDataSource counting() {
        return counting;
    }

    /** A session factory over this database mapping {@code entities}, creating their tables; connections are counted. */
    SessionFactory sessionFactory(Class<?>... entities) {
        return sessionFactory(true, entities);
    }

    /**
     * A session factory over this database mapping {@code entities}, creating their tables.
     *
     * @param counted whether connections go through the {@link CountingDataSource} (its proxies cost
     *     time per row: measurements use the raw data source)
     */
    SessionFactory sessionFactory(boolean counted, Class<?>... entities) {
        Configuration cfg = new Configuration();
        for (Class<?> e : entities) {
            cfg.addAnnotatedClass(e);
        }
        cfg.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, counted ? counting : raw);
        cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "create");
        cfg.setProperty(AvailableSettings.GENERATE_STATISTICS, "true");
        cfg.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "1000");
        cfg.setProperty(AvailableSettings.SHOW_SQL, "false");
        SessionFactory sf = cfg.buildSessionFactory();
        factories.add(sf);
        return sf;
    }

    /** Executes {@code sql} (with {@code ?} parameters) on a raw connection; returns the update count. */
    int update(String sql, Object... args) {
        try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code sql} once per row of {@code rows}, as one JDBC batch in one transaction. */
    void batch(String sql, List<Object[]> rows) {
        try (Connection c = raw.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int n = 0;
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        ps.setObject(i + 1, row[i]);
                    }
                    ps.addBatch();
                    if (++n % 5_000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The rows of {@code sql}, each as column label (lower case) → value. */
    List<Map<String, Object>> query(String sql, Object... args) {
        try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i).toLowerCase(), rs.getObject(i));
                    }
                    out.add(row);
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The single number {@code sql} returns. */
    long count(String sql, Object... args) {
        Object v = query(sql, args).get(0).values().iterator().next();
        return ((Number) v).longValue();
    }

    @Override
    public void close() {
        factories.forEach(SessionFactory::close);
        factories.clear();
        if (kind == Kind.H2) {
            update("shutdown");
        }
    }

    @Override
    public String toString() {
        return kind.toString();
    }
}

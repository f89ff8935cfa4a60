package io.khora.examples;

import io.khora.ChangeSet;
import io.khora.InitialLoadProgress;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.hibernate.DefaultHibernateSpaceDataSource;
import io.khora.hibernate.DefaultHibernateSpaceSynchronizationEndpoint;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The persistence part of the demo: an H2 file database with a table of orders, a 4-partition space
 * that loads it at start (printing its progress), serves operations, and writes every change back —
 * then the rows changed, read from the database with plain JDBC.
 */
final class PersistenceDemo {
    private static final int ROWS = 200_000;
    private static final String[] STATUSES = {"NEW", "PAID", "SHIPPED"};

    private PersistenceDemo() {
    }

    static void run() throws Exception {
        Demo.section("9. persistence: initial load from H2, write-through back to it");
        Path dir = Path.of("target", "demo-db").toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);
        String url = "jdbc:h2:file:" + dir.resolve("orders") + ";DB_CLOSE_ON_EXIT=FALSE";
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            fill(c);
        }
        Demo.say("created %s with %,d orders (customers -500..499) in %d ms", dir.resolve("orders.mv.db"), ROWS,
                (System.nanoTime() - t0) / 1_000_000);

        System.setProperty("org.jboss.logging.provider", "slf4j");
        try (SessionFactory sf = sessionFactory(url);
             Space space = Spaces.embedded("orders").partitions(4)
                     .dataSource(DefaultHibernateSpaceDataSource.builder(sf).build())
                     .synchronizationEndpoint(new DefaultHibernateSpaceSynchronizationEndpoint(sf))
                     .start()) {
            while (!space.waitForReady(Duration.ofMillis(150))) {
                InitialLoadProgress p = space.initialLoadProgress();
                Demo.say("state=%s, loading: %s", space.state(), p);
                if (p.failure() != null) {
                    throw new IllegalStateException("initial load failed: " + p.failure());
                }
            }
            InitialLoadProgress done = space.initialLoadProgress();
            Demo.say("state=%s: %,d rows loaded in %d ms (%,.0f rows/s), %d discarded (each partition read only its own rows)",
                    space.state(), done.loaded(), done.elapsed().toMillis(), done.rowsPerSecond(), done.discarded());

            DemoOrder o = space.readById(DemoOrder.class, 42L);
            Demo.say("readById(42) -> %s", o);
            List<DemoOrder> big = space.readMultiple(Query.of(DemoOrder.class, "status = 'NEW' AND amount > ? ORDER BY amount DESC", 990.0), 3);
            Demo.say("the 3 biggest NEW orders over 990 -> %s", big);
            int paid = space.change(Query.of(DemoOrder.class, "customerId = ? AND status = 'NEW'", -7), ChangeSet.create().set("status", "PAID"));
            Demo.say("change(customer -7: NEW -> PAID) changed %d orders (routed to one partition)", paid);
            DemoOrder taken = space.take(Query.of(DemoOrder.class, "customerId = ? AND status = 'SHIPPED'", 3));
            Demo.say("take(customer 3, SHIPPED) -> %s", taken);
            space.write(new DemoOrder(ROWS + 1, -7, 123.45, "NEW"));
            Demo.say("write(new order %d for customer -7)", ROWS + 1);

            try (Connection c = DriverManager.getConnection(url, "sa", "")) {
                Demo.say("in the database now: customer -7 has %d PAID and %d NEW orders; order %d %s; order %d %s",
                        count(c, "customer_id = -7 AND status = 'PAID'"), count(c, "customer_id = -7 AND status = 'NEW'"),
                        taken.getId(), count(c, "id = " + taken.getId()) == 0 ? "is deleted" : "is STILL THERE",
                        ROWS + 1, count(c, "id = " + (ROWS + 1)) == 1 ? "is inserted" : "is MISSING");
                Demo.say("the space and the database agree on customer -7: space %d orders, database %d rows",
                        space.count(Query.of(DemoOrder.class, "customerId = ?", -7)), count(c, "customer_id = -7"));
            }
        }
    }

    private static void fill(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT, amount DOUBLE NOT NULL, status VARCHAR(16))");
        }
        c.setAutoCommit(false);
        SplittableRandom rnd = new SplittableRandom(20261121L);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?)")) {
            for (int i = 1; i <= ROWS; i++) {
                ps.setLong(1, i);
                ps.setInt(2, rnd.nextInt(1000) - 500);
                ps.setDouble(3, Math.round(rnd.nextDouble() * 100_000) / 100.0);
                ps.setString(4, STATUSES[rnd.nextInt(STATUSES.length)]);
                ps.addBatch();
                if (i % 5_000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        c.commit();
    }

    private static SessionFactory sessionFactory(String url) {
        Configuration cfg = new Configuration();
        cfg.addAnnotatedClass(DemoOrder.class);
        cfg.setProperty(AvailableSettings.JAKARTA_JDBC_URL, url);
        cfg.setProperty(AvailableSettings.JAKARTA_JDBC_USER, "sa");
        cfg.setProperty(AvailableSettings.JAKARTA_JDBC_PASSWORD, "");
        cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "validate");
        cfg.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "1000");
        cfg.setProperty(AvailableSettings.POOL_SIZE, "8");
        return cfg.buildSessionFactory();
    }

    private static long count(Connection c, String where) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM orders WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

package io.khora.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.khora.cassandra.model.Item;
import io.khora.cassandra.model.Order;
import io.khora.cassandra.model.Tag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A keyspace of its own for one test class on the shared {@link CassandraServer}, with the test tables. */
final class TestKeyspace implements AutoCloseable {
    final CqlSession session;
    final String name;
    final CassandraTableMapping<Order> orders;
    final CassandraTableMapping<Item> items;
    final CassandraTableMapping<Tag> tags;

    TestKeyspace(String name) {
        this(CassandraServer.shared().session(), name);
    }

    TestKeyspace(CqlSession session, String name) {
        long t0 = System.nanoTime();
        this.session = session;
        this.name = name;
        CassandraSchema.createKeyspace(session, name, 1);
        orders = mappings(name).orders;
        items = mappings(name).items;
        tags = mappings(name).tags;
        CassandraSchema.createTable(session, orders);
        CassandraSchema.createTable(session, items);
        CassandraSchema.createTable(session, tags);
        CassandraSchema.createTimestampTable(session, name);
        org.slf4j.LoggerFactory.getLogger(TestKeyspace.class).info("keyspace {} created in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
    }

    /** The test mappings in {@code keyspace}. */
    record Mappings(CassandraTableMapping<Order> orders, CassandraTableMapping<Item> items, CassandraTableMapping<Tag> tags) {
    }

    static Mappings mappings(String keyspace) {
        return new Mappings(CassandraTableMapping.builder(Order.class, keyspace, "orders").routingProperty("customerId").build(),
                CassandraTableMapping.builder(Item.class, keyspace, "items").build(),
                CassandraTableMapping.builder(Tag.class, keyspace, "tags").idProperty("name").build());
    }

    /** Inserts orders 1..n with customer ids spread over negative and positive values. */
    void insertOrders(int n) {
        PreparedStatement ps = session.prepare("INSERT INTO " + name + ".orders (id, customerid, status, amount) VALUES (?, ?, ?, ?)");
        List<BoundStatement> batch = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            batch.add(ps.bind((long) i, customerOf(i), i % 3 == 0 ? "PAID" : "NEW", i * 1.5));
            if (batch.size() == 50) {
                flush(batch);
            }
        }
        flush(batch);
    }

    /** The customer of order {@code i}: negative for half of them, some at the int extremes. */
    static int customerOf(int i) {
        if (i == 1) {
            return Integer.MIN_VALUE;
        }
        if (i == 2) {
            return Integer.MAX_VALUE;
        }
        return (i % 2 == 0 ? -1 : 1) * (i * 7 + 3);
    }

    /** Inserts items with ids -n/2 .. n/2 (0 excluded). */
    void insertItems(int n) {
        PreparedStatement ps = session.prepare("INSERT INTO " + name + ".items (id, rev, note) VALUES (?, ?, ?)");
        List<BoundStatement> batch = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            long id = i % 2 == 0 ? -(i / 2) : (i + 1) / 2;
            batch.add(ps.bind(id, 1L, "item " + id));
            if (batch.size() == 50) {
                flush(batch);
            }
        }
        flush(batch);
    }

    /** Runs {@code batch} as parallel single-row writes and waits for them. */
    private void flush(List<BoundStatement> batch) {
        List<java.util.concurrent.CompletableFuture<?>> writes = new ArrayList<>();
        for (BoundStatement st : batch) {
            writes.add(session.executeAsync(st).toCompletableFuture());
        }
        java.util.concurrent.CompletableFuture.allOf(writes.toArray(new java.util.concurrent.CompletableFuture<?>[0])).join();
        batch.clear();
    }

    /** Every item row: id → rev. */
    Map<Long, Long> itemRevs() {
        Map<Long, Long> out = new HashMap<>();
        for (Row r : session.execute("SELECT id, rev FROM " + name + ".items")) {
            out.put(r.getLong("id"), r.getLong("rev"));
        }
        return out;
    }

    long count(String table) {
        return session.execute("SELECT count(*) FROM " + name + "." + table).one().getLong(0);
    }

    @Override
    public void close() {
        session.execute("DROP KEYSPACE IF EXISTS " + name);
        session.close();
    }
}

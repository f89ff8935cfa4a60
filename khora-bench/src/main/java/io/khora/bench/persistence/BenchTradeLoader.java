package io.khora.bench.persistence;

import com.hazelcast.map.MapLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A Hazelcast {@link MapLoader} of the benchmark table written as its documentation suggests:
 * {@link #loadAllKeys()} streams every id through a cursor, and {@link #loadAll} reads the values of
 * the batch of keys Hazelcast asks for with one {@code WHERE id = ANY(?)} query. Each loading
 * thread keeps its own connection (no pool in the way, none opened per call); all are closed with
 * {@link #close()}.
 */
final class BenchTradeLoader implements MapLoader<Long, BenchTrade>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BenchTradeLoader.class);
    private static final String BY_IDS = BenchRows.SELECT + " where id = any(?)";

    private final Database db;
    private final List<Connection> connections = new ArrayList<>();
    private final ThreadLocal<Connection> perThread = new ThreadLocal<>();

    BenchTradeLoader(Database db) {
        this.db = db;
    }

    private Connection connection() throws SQLException {
        Connection c = perThread.get();
        if (c == null) {
            c = db.connect(false);
            perThread.set(c);
            synchronized (connections) {
                connections.add(c);
            }
        }
        return c;
    }

    @Override
    public BenchTrade load(Long key) {
        Map<Long, BenchTrade> one = loadAll(List.of(key));
        return one.get(key);
    }

    @Override
    public Map<Long, BenchTrade> loadAll(Collection<Long> keys) {
        Map<Long, BenchTrade> out = new HashMap<>(keys.size() * 2);
        try {
            Connection c = connection();
            Array ids = c.createArrayOf("bigint", keys.toArray());
            try (PreparedStatement ps = c.prepareStatement(BY_IDS)) {
                ps.setArray(1, ids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        BenchTrade t = BenchRows.read(rs);
                        out.put(t.getId(), t);
                    }
                }
            } finally {
                ids.free();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("loadAll of " + keys.size() + " keys failed: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public Iterable<Long> loadAllKeys() {
        try {
            return new IdStream(db);
        } catch (SQLException e) {
            throw new IllegalStateException("loadAllKeys failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        synchronized (connections) {
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (SQLException e) {
                    LOG.debug("closing a loader connection", e);
                }
            }
            connections.clear();
        }
    }

    /** Every id, streamed through a cursor on a connection of its own; Hazelcast closes it after iterating. */
    private static final class IdStream implements Iterable<Long>, Closeable {
        private final Connection connection;
        private final PreparedStatement statement;
        private final ResultSet rows;
        private boolean iterated;

        IdStream(Database db) throws SQLException {
            connection = db.connect(false);
            connection.setAutoCommit(false);
            statement = connection.prepareStatement("select id from " + BenchRows.TABLE);
            statement.setFetchSize(JdbcScan.FETCH_SIZE);
            rows = statement.executeQuery();
        }

        @Override
        public Iterator<Long> iterator() {
            if (iterated) {
                throw new IllegalStateException("the id stream can be iterated once");
            }
            iterated = true;
            return new Iterator<>() {
                private Boolean ahead;

                @Override
                public boolean hasNext() {
                    if (ahead == null) {
                        try {
                            ahead = rows.next();
                        } catch (SQLException e) {
                            throw new IllegalStateException("streaming the ids failed: " + e.getMessage(), e);
                        }
                    }
                    return ahead;
                }

                @Override
                public Long next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    ahead = null;
                    try {
                        return rows.getLong(1);
                    } catch (SQLException e) {
                        throw new IllegalStateException("streaming the ids failed: " + e.getMessage(), e);
                    }
                }
            };
        }

        @Override
        public void close() {
            try (connection; statement; rows) {
                connection.rollback();
            } catch (SQLException e) {
                LOG.debug("closing the id stream", e);
            }
        }
    }
}

package io.khora.hibernate;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * A DataSource that records, per SQL text, the statements executed and the rows read from their
 * result sets (every {@code ResultSet.next()} that returned true), plus JDBC batches: what the
 * database actually sent to the client, independent of Hibernate's own statistics.
 */
final class CountingDataSource implements DataSource {
    private final DataSource target;
    private final Map<String, LongAdder> rowsBySql = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> executionsBySql = new ConcurrentHashMap<>();
    private final List<String> statements = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong executeBatchCalls = new AtomicLong();
    private final AtomicLong addBatchCalls = new AtomicLong();
    private volatile boolean down;

    CountingDataSource(DataSource target) {
        this.target = target;
    }

    /** While down, every new connection fails as if the database were unreachable. */
    void setDown(boolean down) {
        this.down = down;
    }

    /** Forgets everything recorded so far. */
    void reset() {
        rowsBySql.clear();
        executionsBySql.clear();
        statements.clear();
        executeBatchCalls.set(0);
        addBatchCalls.set(0);
    }

    /** Rows read from result sets of statements whose SQL contains every one of {@code fragments} (case-insensitive). */
    long rowsRead(String... fragments) {
        long n = 0;
        for (Map.Entry<String, LongAdder> e : rowsBySql.entrySet()) {
            if (matches(e.getKey(), fragments)) {
                n += e.getValue().sum();
            }
        }
        return n;
    }

    /** Rows read from result sets of statements whose SQL (lower case) {@code sqlFilter} accepts. */
    long rowsRead(java.util.function.Predicate<String> sqlFilter) {
        long n = 0;
        for (Map.Entry<String, LongAdder> e : rowsBySql.entrySet()) {
            if (sqlFilter.test(e.getKey().toLowerCase())) {
                n += e.getValue().sum();
            }
        }
        return n;
    }

    /** Statements executed (queries and updates, batches counted once per executeBatch) whose SQL matches. */
    long executions(String... fragments) {
        long n = 0;
        for (Map.Entry<String, LongAdder> e : executionsBySql.entrySet()) {
            if (matches(e.getKey(), fragments)) {
                n += e.getValue().sum();
            }
        }
        return n;
    }

    /** Every SQL text executed, in order. */
    List<String> statements() {
        synchronized (statements) {
            return List.copyOf(statements);
        }
    }

    long executeBatchCalls() {
        return executeBatchCalls.get();
    }

    long addBatchCalls() {
        return addBatchCalls.get();
    }

    private static boolean matches(String sql, String... fragments) {
        String s = sql.toLowerCase();
        for (String f : fragments) {
            if (!s.contains(f.toLowerCase())) {
                return false;
            }
        }
        return true;
    }

    private void executed(String sql) {
        executionsBySql.computeIfAbsent(sql, k -> new LongAdder()).increment();
        statements.add(sql);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down) {
            throw new java.sql.SQLTransientConnectionException("database down (test)", "08001");
        }
        return wrapConnection(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrapConnection(target.getConnection(username, password));
    }

    private Connection wrapConnection(Connection c) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                new Handler(c) {
                    @Override
                    Object after(Method m, Object[] args, Object result) {
                        if (result instanceof PreparedStatement ps && args != null && args.length > 0 && args[0] instanceof String sql) {
                            return wrapStatement(ps, sql, PreparedStatement.class);
                        }
                        if (result instanceof Statement st && !(result instanceof PreparedStatement)) {
                            return wrapStatement(st, null, Statement.class);
                        }
                        return result;
                    }
                });
    }

    private Object wrapStatement(Statement st, String preparedSql, Class<?> iface) {
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {iface}, new Handler(st) {
            @Override
            Object before(Method m, Object[] args) {
                String sql = preparedSql != null ? preparedSql : args != null && args.length > 0 && args[0] instanceof String s ? s : null;
                switch (m.getName()) {
                    case "executeQuery", "executeUpdate", "execute", "executeLargeUpdate" -> executed(sql);
                    case "executeBatch", "executeLargeBatch" -> {
                        executeBatchCalls.incrementAndGet();
                        executed(sql);
                    }
                    case "addBatch" -> addBatchCalls.incrementAndGet();
                    default -> {
                    }
                }
                return null;
            }

            @Override
            Object after(Method m, Object[] args, Object result) {
                if (result instanceof ResultSet rs) {
                    String sql = preparedSql != null ? preparedSql : args != null && args.length > 0 && args[0] instanceof String s ? s : "?";
                    return wrapResultSet(rs, sql);
                }
                return result;
            }
        });
    }

    private ResultSet wrapResultSet(ResultSet rs, String sql) {
        LongAdder rows = rowsBySql.computeIfAbsent(sql, k -> new LongAdder());
        return (ResultSet) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ResultSet.class}, new Handler(rs) {
            @Override
            Object after(Method m, Object[] args, Object result) {
                if (m.getName().equals("next") && Boolean.TRUE.equals(result)) {
                    rows.increment();
                }
                return result;
            }
        });
    }

    /** Delegates every call; unwrap/isWrapperFor see through the proxy. */
    private abstract static class Handler implements InvocationHandler {
        private final Object target;

        Handler(Object target) {
            this.target = target;
        }

        Object before(Method m, Object[] args) {
            return null;
        }

        Object after(Method m, Object[] args, Object result) {
            return result;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getName().equals("unwrap") && args != null && args[0] instanceof Class<?> c && c.isInstance(proxy)) {
                return proxy;
            }
            before(m, args);
            try {
                return after(m, args, m.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || target.isWrapperFor(iface);
    }
}

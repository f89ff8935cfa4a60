package io.khora.cassandra;

import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.khora.persistence.DataIterator;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The entries of one CQL query, read page by page (the driver fetches the next page when the
 * current one is consumed): only one page is held at a time. The statement runs on the first
 * {@link #hasNext()}, so building many of them (one per token range) costs nothing until read.
 */
final class RowIterator implements DataIterator<Object> {
    private final CqlStatements<?> statements;
    private final Statement<?> statement;
    private final Function<Object, Boolean> keep;
    private final AtomicLong rowsRead;
    private Iterator<Row> rows;
    private Object lookahead;
    private boolean closed;

    /**
     * @param statements the table's statements (for mapping rows)
     * @param statement the bound query
     * @param keep which entries to return (others are read and dropped)
     * @param rowsRead incremented per row read from Cassandra
     */
    RowIterator(CqlStatements<?> statements, Statement<?> statement, Function<Object, Boolean> keep, AtomicLong rowsRead) {
        this.statements = statements;
        this.statement = statement;
        this.keep = keep;
        this.rowsRead = rowsRead;
    }

    @Override
    public boolean hasNext() {
        if (lookahead != null) {
            return true;
        }
        if (closed) {
            return false;
        }
        if (rows == null) {
            ResultSet rs = statements.session().execute(statement);
            rows = rs.iterator();
        }
        while (rows.hasNext()) {
            Row row = rows.next();
            rowsRead.incrementAndGet();
            Object entry = statements.toEntry(row);
            if (keep.apply(entry)) {
                lookahead = entry;
                return true;
            }
        }
        closed = true;
        return false;
    }

    @Override
    public Object next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Object o = lookahead;
        lookahead = null;
        return o;
    }

    @Override
    public void close() {
        closed = true;
        lookahead = null;
        rows = null;
    }
}

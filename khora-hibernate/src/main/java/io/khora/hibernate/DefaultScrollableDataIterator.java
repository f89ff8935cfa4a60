package io.khora.hibernate;

import io.khora.persistence.DataIterator;
import io.khora.persistence.DataSourceException;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.SingularAttribute;
import org.hibernate.ScrollMode;
import org.hibernate.ScrollableResults;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;
import org.hibernate.query.SelectionQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams the results of one HQL query (seed 001): a {@link StatelessSession} (no persistence
 * context, so memory stays flat however many rows pass), a forward-only scroll with a JDBC fetch
 * size, inside a read-only-by-intent transaction (PostgreSQL's driver streams with a cursor only
 * when autocommit is off; otherwise it reads the whole result into memory first).
 *
 * <p>The session is opened lazily, on the first {@link #hasNext()}, so many iterators can be
 * created up front (one per chunk) and handed to a
 * {@link io.khora.persistence.ConcurrentMultiDataIterator} without holding a connection each.
 * The iterator closes its results, ends its transaction and closes its session when exhausted, on
 * a failure, or on {@link #close()} (idempotent).
 *
 * <p>Paging: {@code from}/{@code size} set the first result and the maximum number of results
 * ({@code -1} = unbounded). Paging is only deterministic over a total order, so when either is
 * given and the HQL has no ORDER BY, {@code order by <identifier>} of the query's root entity is
 * appended (LESSONS: OFFSET without ORDER BY repeats and loses rows).
 *
 * <p>Not thread-safe: one consumer at a time, as for any iterator.
 */
public class DefaultScrollableDataIterator implements DataIterator<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultScrollableDataIterator.class);
    private static final Pattern ROOT = Pattern.compile(
            "(?is)^\\s*(?:select\\s.*?\\s)?from\\s+([\\p{L}_$][\\p{L}\\p{N}_$.]*)(?:\\s+(?:as\\s+)?([\\p{L}_$][\\p{L}\\p{N}_$]*))?");
    private static final Set<String> NOT_ALIASES = Set.of("where", "join", "inner", "left", "right", "full",
            "cross", "order", "group", "having", "union", "fetch", "limit", "offset", "natural");

    private final String hql;
    private final List<?> parameters;
    private final SessionFactory sessionFactory;
    private final int fetchSize;
    private final int from;
    private final int size;

    private StatelessSession session;
    private Transaction transaction;
    private ScrollableResults<Object> results;
    private boolean advanced;
    private boolean hasRow;
    private boolean closed;

    /**
     * An iterator over {@code hql} without parameters (seed 001's signature).
     *
     * @param hql the HQL query, e.g. {@code from MyClass where foo > 50}
     * @param sessionFactory the session factory
     * @param fetchSize the JDBC fetch size (rows per round trip), at least 1
     * @param from the first result to return (0-based), or -1 for the first
     * @param size the maximum number of results, or -1 for all
     */
    public DefaultScrollableDataIterator(String hql, SessionFactory sessionFactory, int fetchSize, int from, int size) {
        this(hql, List.of(), sessionFactory, fetchSize, from, size);
    }

    /**
     * An iterator over {@code hql} with positional parameters ({@code ?1} is {@code parameters.get(0)}).
     *
     * @param hql the HQL query
     * @param parameters the positional parameters' values
     * @param sessionFactory the session factory
     * @param fetchSize the JDBC fetch size, at least 1
     * @param from the first result to return (0-based), or -1 for the first
     * @param size the maximum number of results, or -1 for all
     * @throws IllegalArgumentException if paged without an ORDER BY and the root entity's identifier
     *     cannot be found to order by
     */
    public DefaultScrollableDataIterator(String hql, List<?> parameters, SessionFactory sessionFactory, int fetchSize,
                                         int from, int size) {
        Objects.requireNonNull(hql, "hql");
        this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        if (fetchSize < 1) {
            throw new IllegalArgumentException("fetchSize must be at least 1, got " + fetchSize);
        }
        if (from < -1 || size < -1) {
            throw new IllegalArgumentException("from and size must be -1 (unbounded) or non-negative, got from=" + from + ", size=" + size);
        }
        this.parameters = Collections.unmodifiableList(new ArrayList<>(parameters)); // null values allowed
        this.fetchSize = fetchSize;
        this.from = from;
        this.size = size;
        this.hql = (from >= 0 || size >= 0) && !HqlQueryTranslator.hasOrderBy(hql) ? hql + " order by " + identifierPath(hql, sessionFactory) : hql;
    }

    /** The HQL this iterator runs (with the ORDER BY appended for paging, if any). */
    public String getHql() {
        return hql;
    }

    /** The fetch size. */
    public int getFetchSize() {
        return fetchSize;
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (!advanced) {
            try {
                if (results == null) {
                    open();
                }
                hasRow = results.next();
            } catch (RuntimeException e) {
                close();
                throw new DataSourceException("query failed: " + hql + (parameters.isEmpty() ? "" : " " + parameters) + ": " + e.getMessage(), e);
            }
            advanced = true;
            if (!hasRow) {
                close();
            }
        }
        return hasRow;
    }

    @Override
    public Object next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        advanced = false;
        return results.get();
    }

    private void open() {
        session = sessionFactory.openStatelessSession();
        transaction = session.beginTransaction();
        SelectionQuery<Object> q = session.createSelectionQuery(hql, Object.class);
        for (int i = 0; i < parameters.size(); i++) {
            q.setParameter(i + 1, parameters.get(i));
        }
        q.setFetchSize(fetchSize);
        q.setReadOnly(true);
        if (from > 0) {
            q.setFirstResult(from);
        }
        if (size >= 0) {
            q.setMaxResults(size);
        }
        results = q.scroll(ScrollMode.FORWARD_ONLY);
    }

    /** Closes the results, ends the (read-only) transaction and closes the session. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        hasRow = false;
        RuntimeException failure = null;
        try {
            if (results != null) {
                results.close();
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            if (transaction != null && transaction.isActive()) {
                transaction.rollback(); // nothing was written; rollback is the cheapest end
            }
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        try {
            if (session != null) {
                session.close();
            }
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        results = null;
        transaction = null;
        session = null;
        if (failure != null) {
            LOG.warn("closing the iterator over '{}' failed: {}", hql, failure.toString());
        }
    }

    /** {@code alias.id} (or the bare identifier name) of the root entity of {@code hql}. */
    static String identifierPath(String hql, SessionFactory sessionFactory) {
        Matcher m = ROOT.matcher(HqlQueryTranslator.stripLiterals(hql));
        if (!m.find()) {
            throw new IllegalArgumentException("paging (from/size) needs an ORDER BY and none could be added to: " + hql
                    + "; add an ORDER BY over a unique key");
        }
        String entity = m.group(1);
        String alias = m.group(2);
        if (alias != null && NOT_ALIASES.contains(alias.toLowerCase(Locale.ROOT))) {
            alias = null;
        }
        for (EntityType<?> e : sessionFactory.getMetamodel().getEntities()) {
            boolean named = e.getName().equals(entity) || e.getJavaType() != null && e.getJavaType().getName().equals(entity);
            if (named && e.hasSingleIdAttribute()) {
                for (SingularAttribute<?, ?> a : e.getSingularAttributes()) {
                    if (a.isId()) {
                        return alias == null ? a.getName() : alias + "." + a.getName();
                    }
                }
            }
        }
        throw new IllegalArgumentException("paging (from/size) needs an ORDER BY: entity " + entity + " of '" + hql
                + "' has no single identifier to order by; add an ORDER BY over a unique key");
    }

    @Override
    public String toString() {
        return "DefaultScrollableDataIterator[" + hql + (parameters.isEmpty() ? "" : " " + parameters) + "]";
    }
}

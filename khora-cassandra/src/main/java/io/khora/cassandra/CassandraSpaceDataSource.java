package io.khora.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.khora.ClusterInfo;
import io.khora.persistence.DataIterator;
import io.khora.persistence.DataSourceException;
import io.khora.persistence.DataSourceIdQuery;
import io.khora.persistence.DataSourceIdsQuery;
import io.khora.persistence.DataSourceQuery;
import io.khora.persistence.NumericValues;
import io.khora.persistence.SpaceDataSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a space's entries from Cassandra tables (seed 000's Cassandra persistency): the initial
 * load, and read-through by id, by ids and by query. Each space class maps to one table through a
 * {@link CassandraTableMapping}; the caller owns the {@link CqlSession}.
 *
 * <p><b>Initial load.</b> A table is scanned by token range — the ring's ranges split into
 * {@link Builder#splitsPerRange} sub-ranges, read by {@link Builder#loadThreads} threads through a
 * {@link io.khora.persistence.ConcurrentMultiDataIterator} — and the scan is <em>shared</em> by
 * the space's partitions ({@link SharedInitialLoad}): each row is read once per space, and handed
 * to the partition the space's router picks for its routing value. Whether the routing property is
 * the table's partition key or another integral (or any) column makes no difference to the cost:
 * CQL has no arithmetic in WHERE, so the RDBMS load's {@code floorMod} filter cannot be pushed to
 * Cassandra, and it is computed on the client with the router's own function instead — exact, also
 * for negative values. Cost: one full table read per load (each row once), spread over the token
 * ranges. A partition that reloads on its own (a retry, or a cluster node holding only some of the
 * partitions once its {@link Builder#claimWait} passed) reads the whole table and keeps its own rows:
 * a full read per such partition. With {@code sharedLoad(false)} every partition does that (N full
 * reads for N partitions).
 *
 * <p><b>Read-through.</b> {@link #getById} is a prepared partition-key lookup;
 * {@link #getDataIteratorByIds} runs prepared {@code IN} lookups of at most
 * {@link Builder#maxIdsPerQuery} ids each, in parallel. {@link #getDataIterator} translates the
 * query where CQL can ({@link CqlQueryTranslator}: conjunctions of comparisons, {@code ALLOW
 * FILTERING} unless it is an id lookup); what CQL cannot express is answered by a paged read of the
 * whole table which the space filters (it re-checks every row a data source returns).
 */
public final class CassandraSpaceDataSource extends SpaceDataSource {
    private final Map<Class<?>, Table> tables;
    private final int loadThreads;
    private final int splitsPerRange;
    private final int maxIdsPerQuery;
    private final Duration readTimeout;
    private final AtomicLong rowsRead = new AtomicLong();

    /** One mapped table, its statements and its shared initial load. */
    private final class Table {
        final CqlStatements<?> statements;
        final SharedInitialLoad shared;

        Table(CqlStatements<?> statements, boolean sharedLoad, Duration claimWait, int queueCapacity) {
            this.statements = statements;
            CassandraTableMapping<?> m = statements.mapping();
            this.shared = new SharedInitialLoad(this::scanAll, e -> m.get(m.routingColumn(), e), claimWait, queueCapacity, sharedLoad);
        }

        DataIterator<Object> scanAll() {
            return TokenRangeScan.scan(statements, splitsPerRange, loadThreads, 10_000, e -> Boolean.TRUE, rowsRead);
        }
    }

    private CassandraSpaceDataSource(Builder b) {
        this.loadThreads = b.loadThreads;
        this.splitsPerRange = b.splitsPerRange;
        this.maxIdsPerQuery = b.maxIdsPerQuery;
        this.readTimeout = b.readTimeout;
        Map<Class<?>, Table> t = new LinkedHashMap<>();
        for (CassandraTableMapping<?> m : b.mappings) {
            t.put(m.type(), new Table(new CqlStatements<>(b.session, m), b.sharedLoad, b.claimWait, b.queueCapacity));
        }
        this.tables = t;
    }

    /** A builder over {@code session} (which the caller keeps open while the space runs, and closes). */
    public static Builder builder(CqlSession session) {
        return new Builder(session);
    }

    /** Rows read from Cassandra so far by this data source (initial loads and read-through). */
    public long rowsRead() {
        return rowsRead.get();
    }

    @Override
    public DataIterator<Object> initialDataLoad(ClusterInfo partition) {
        List<DataIterator<Object>> parts = new ArrayList<>();
        for (Table table : tables.values()) {
            parts.add(table.shared.open(partition));
        }
        return DataIterator.concat(parts);
    }

    @Override
    public Object getById(DataSourceIdQuery idQuery) {
        Table table = tableOf(idQuery);
        if (table == null) {
            return null;
        }
        CqlStatements<?> s = table.statements;
        Object id = NumericValues.convert(idQuery.getId(), s.mapping().idColumn().javaType());
        Row row = s.session().execute(s.selectById().bind(id)).one();
        if (row == null) {
            return null;
        }
        rowsRead.incrementAndGet();
        return s.toEntry(row);
    }

    @Override
    public DataIterator<Object> getDataIteratorByIds(DataSourceIdsQuery idsQuery) {
        Table table = tableOf(idsQuery);
        if (table == null) {
            return null;
        }
        CqlStatements<?> s = table.statements;
        Class<?> idType = s.mapping().idColumn().javaType();
        List<Object> ids = Arrays.stream(idsQuery.getIds()).map(v -> NumericValues.convert(v, idType)).distinct().toList();
        List<CompletableFuture<List<Object>>> futures = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += maxIdsPerQuery) {
            BoundStatement bound = s.selectByIds().bind(ids.subList(from, Math.min(ids.size(), from + maxIdsPerQuery)));
            futures.add(readAll(s, s.session().executeAsync(bound), new ArrayList<>()).toCompletableFuture());
        }
        List<Object> out = new ArrayList<>();
        for (CompletableFuture<List<Object>> f : futures) {
            out.addAll(await(f, idsQuery));
        }
        rowsRead.addAndGet(out.size());
        return DataIterator.of(out);
    }

    private static CompletionStage<List<Object>> readAll(CqlStatements<?> s, CompletionStage<AsyncResultSet> page, List<Object> into) {
        return page.thenCompose(rs -> {
            for (Row row : rs.currentPage()) {
                into.add(s.toEntry(row));
            }
            return rs.hasMorePages() ? readAll(s, rs.fetchNextPage(), into) : CompletableFuture.completedFuture(into);
        });
    }

    private List<Object> await(CompletableFuture<List<Object>> f, DataSourceQuery q) {
        try {
            return f.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DataSourceException("Cassandra read for " + q + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new DataSourceException("Cassandra read for " + q + " took longer than " + readTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataSourceException("interrupted while reading " + q + " from Cassandra", e);
        }
    }

    @Override
    public DataIterator<Object> getDataIterator(DataSourceQuery query) {
        Table table = tableOf(query);
        if (table == null) {
            return null;
        }
        CqlStatements<?> s = table.statements;
        CqlQueryTranslator.Translation t = CqlQueryTranslator.translate(s.mapping(), query.getWhere(), query.getParameters());
        BoundStatement bound = t == null ? s.select("").bind() : s.select(t.where()).bind(t.values().toArray());
        return new RowIterator(s, bound, e -> Boolean.TRUE, rowsRead);
    }

    /** One table per class: the space asks once per concrete type. */
    @Override
    public boolean supportsInheritance() {
        return false;
    }

    private Table tableOf(DataSourceQuery q) {
        if (q.getType() != null) {
            return tables.get(q.getType());
        }
        for (Map.Entry<Class<?>, Table> e : tables.entrySet()) {
            if (e.getKey().getName().equals(q.getTypeName())) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Builds a {@link CassandraSpaceDataSource}; every setter validates its argument. */
    public static final class Builder {
        private final CqlSession session;
        private final List<CassandraTableMapping<?>> mappings = new ArrayList<>();
        private int loadThreads = 2;
        private int splitsPerRange = 4;
        private int maxIdsPerQuery = 100;
        private int queueCapacity = 10_000;
        private boolean sharedLoad = true;
        private Duration claimWait = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);

        private Builder(CqlSession session) {
            this.session = Objects.requireNonNull(session, "CqlSession");
        }

        /** A space class and its table; at least one. */
        public Builder table(CassandraTableMapping<?> mapping) {
            BuilderChecks.addMapping(mappings, mapping);
            return this;
        }

        /** Threads reading token ranges in a load (default 2, 1..64). */
        public Builder loadThreads(int threads) {
            this.loadThreads = BuilderChecks.inRange("loadThreads", threads, 1, 64);
            return this;
        }

        /** Sub-ranges each token range is split into (default 4, 1..1024). */
        public Builder splitsPerRange(int splits) {
            this.splitsPerRange = BuilderChecks.inRange("splitsPerRange", splits, 1, 1024);
            return this;
        }

        /** Ids per {@code IN} query at most (default 100, 1..1000). */
        public Builder maxIdsPerQuery(int max) {
            this.maxIdsPerQuery = BuilderChecks.inRange("maxIdsPerQuery", max, 1, 1000);
            return this;
        }

        /** Entries buffered per partition in a shared load (default 10,000, 1..1,000,000). */
        public Builder loadQueueCapacity(int capacity) {
            this.queueCapacity = BuilderChecks.inRange("loadQueueCapacity", capacity, 1, 1_000_000);
            return this;
        }

        /** Whether the partitions share one scan (default true); false: each partition reads the whole table. */
        public Builder sharedLoad(boolean shared) {
            this.sharedLoad = shared;
            return this;
        }

        /** How long a shared load waits for every partition to ask before it scans (default 10 s). */
        public Builder claimWait(Duration wait) {
            Objects.requireNonNull(wait, "claimWait");
            if (wait.isNegative()) {
                throw new IllegalArgumentException("claimWait must not be negative, got " + wait);
            }
            this.claimWait = wait;
            return this;
        }

        /** How long a by-ids read waits for Cassandra (default 30 s). */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = BuilderChecks.positive("readTimeout", timeout);
            return this;
        }


        /** The data source. */
        public CassandraSpaceDataSource build() {
            if (mappings.isEmpty()) {
                throw new IllegalArgumentException("a CassandraSpaceDataSource needs at least one table mapping");
            }
            return new CassandraSpaceDataSource(this);
        }
    }
}

package io.khora.hibernate;

import io.khora.ClusterInfo;
import io.khora.persistence.ConcurrentMultiDataIterator;
import io.khora.persistence.DataIterator;
import io.khora.persistence.DataSourceException;
import io.khora.persistence.DataSourceIdQuery;
import io.khora.persistence.DataSourceIdsQuery;
import io.khora.persistence.DataSourceQuery;
import io.khora.persistence.NumericValues;
import io.khora.persistence.SpaceDataSource;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.query.SelectionQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The built-in RDBMS {@link SpaceDataSource} over a Hibernate {@link SessionFactory}: JPA entities
 * are the space classes (seeds 000–002). Build it with {@link #builder(SessionFactory)}:
 *
 * <pre>{@code
 * SpaceDataSource ds = DefaultHibernateSpaceDataSource.builder(sessionFactory)
 *         .initialLoadEntries("com.example.Order", "com.example.Customer") // default: every mapped entity
 *         .initialLoadQueryScanningBasePackages("com.example")             // default: none
 *         .build();
 * }</pre>
 *
 * <h2>Initial load</h2>
 * {@link #initialDataLoad(ClusterInfo)} reads, for each entity to load (a subtype whose supertype
 * is loaded too is skipped: {@code from Super} is polymorphic):
 * <ol>
 *   <li>the rows selected by its {@code @SpaceInitialLoadQuery} method, if one was found by
 *       scanning the base packages (then nothing is added to the query: seed 001);</li>
 *   <li>else, in a space of N partitions, only this partition's rows when the routing property
 *       ({@code @SpaceRouting}, else the space id) is integral and mapped to a column: the query is
 *       augmented with {@code mod(mod(r, N) + N, N) = instanceId - 1}, exactly
 *       {@code Math.floorMod(r, N)}, negative values included (see {@code PartitionFilter}), so
 *       across N partitions the database reads each row once;</li>
 *   <li>else every row (the space discards those other partitions own).</li>
 * </ol>
 * Each entity's rows are split into key ranges of {@code initialLoadChunkSize} rows on the
 * identifier (min/max for integral ids, a keyset scan of the ids otherwise — never OFFSET), each read
 * by a {@link DefaultScrollableDataIterator} (stateless session, forward-only scroll, fetch size),
 * {@code initialLoadThreadPoolSize} at a time through a bounded {@link ConcurrentMultiDataIterator}.
 *
 * <h2>Read-through</h2>
 * {@link #getById} (one lookup by primary key), {@link #getDataIteratorByIds} (one {@code IN}
 * query per 1,000 ids) and {@link #getDataIterator} (the space's query translated to HQL, streamed).
 * Queries are answered for entity classes only: a document type ({@code getType() == null}) or a
 * class the SessionFactory does not map gets {@code null} (nothing). Queries on a mapped supertype
 * return its subtypes' rows too ({@link #supportsInheritance()} is true).
 *
 * <h2>Errors</h2>
 * An unmapped name in {@code initialLoadEntries}, or a bad {@code @SpaceInitialLoadQuery} method,
 * fails {@link Builder#build()}; an initial-load query that does not parse, or a row whose routing
 * value is null, fails the load with a {@link DataSourceException} naming the type.
 *
 * <p>Associations: rows are read with a stateless session, which does not fetch lazy associations;
 * map what the space needs as basic columns or eager associations.
 *
 * <p>Thread-safe: one instance serves every partition of a space, concurrently.
 */
public class DefaultHibernateSpaceDataSource extends SpaceDataSource {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultHibernateSpaceDataSource.class);
    /** Ids per {@code IN} query in {@link #getDataIteratorByIds}. */
    static final int IDS_PER_QUERY = 1_000;

    private final SessionFactory sessionFactory;
    private final EntityCatalog catalog;
    private final List<MappedEntity> loadEntities;
    private final InitialLoadQueryMethods queryMethods;
    private final boolean augmentInitialLoadEntries;
    private final int fetchSize;
    private final int initialLoadChunkSize;
    private final int initialLoadThreadPoolSize;
    private final int initialLoadQueueCapacity;
    private final boolean overridesNoArgLoad;

    /** A data source over {@code sessionFactory} with the defaults (see {@link Builder}). */
    public DefaultHibernateSpaceDataSource(SessionFactory sessionFactory) {
        this(builder(sessionFactory));
    }

    /**
     * A data source configured by {@code builder}; for subclasses (which override, e.g.,
     * {@link #initialDataLoad(ClusterInfo)}).
     *
     * @throws IllegalArgumentException as {@link Builder#build()}
     */
    protected DefaultHibernateSpaceDataSource(Builder builder) {
        this.sessionFactory = builder.sessionFactory;
        this.augmentInitialLoadEntries = builder.augmentInitialLoadEntries;
        this.fetchSize = builder.fetchSize;
        this.initialLoadChunkSize = builder.initialLoadChunkSize;
        this.initialLoadThreadPoolSize = builder.initialLoadThreadPoolSize;
        this.initialLoadQueueCapacity = builder.initialLoadQueueCapacity;
        this.catalog = new EntityCatalog(sessionFactory);
        List<MappedEntity> entities = new ArrayList<>();
        if (builder.initialLoadEntries.isEmpty()) {
            entities.addAll(catalog.all());
        } else {
            for (String name : builder.initialLoadEntries) {
                entities.add(catalog.require(name));
            }
        }
        this.loadEntities = List.copyOf(EntityCatalog.withoutSubtypesOfOthers(entities));
        ClassLoader loader = builder.classLoader != null ? builder.classLoader
                : Thread.currentThread().getContextClassLoader() != null ? Thread.currentThread().getContextClassLoader()
                : DefaultHibernateSpaceDataSource.class.getClassLoader();
        this.queryMethods = InitialLoadQueryMethods.find(builder.initialLoadQueryScanningBasePackages, loader, catalog);
        this.overridesNoArgLoad = overrides("initialDataLoad");
        LOG.info("Hibernate data source: initial load of {} (custom queries: {}, augmentation {}, chunk size {}, {} threads, fetch size {})",
                loadEntities, queryMethods.size(), augmentInitialLoadEntries ? "on" : "off", initialLoadChunkSize,
                initialLoadThreadPoolSize, fetchSize);
    }

    private boolean overrides(String method) {
        try {
            return getClass().getMethod(method).getDeclaringClass() != DefaultHibernateSpaceDataSource.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** A builder over {@code sessionFactory}. */
    public static Builder builder(SessionFactory sessionFactory) {
        return new Builder(sessionFactory);
    }

    /** The session factory, for subclasses building their own {@link DefaultScrollableDataIterator}s. */
    protected SessionFactory getSessionFactory() {
        return sessionFactory;
    }

    /** The JDBC fetch size. */
    public int getFetchSize() {
        return fetchSize;
    }

    /** The fully qualified names of the entities the initial load reads, in order. */
    public List<String> getInitialLoadEntries() {
        return loadEntities.stream().map(MappedEntity::className).toList();
    }

    /**
     * Wraps {@code iterators} in a {@link ConcurrentMultiDataIterator} that drains them with the
     * configured number of threads into a queue bounded by {@code initialLoadQueueCapacity} rows
     * (seed 001's helper for subclasses that override {@link #initialDataLoad}). Rows cross the
     * queue in small arrays, not one by one (see {@code RowBatches}); the caller sees single rows.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected DataIterator<Object> createInitialLoadIterator(DataIterator[] iterators) {
        int batch = RowBatches.batchSize(initialLoadQueueCapacity);
        DataIterator<Object>[] batched = new DataIterator[iterators.length];
        for (int i = 0; i < iterators.length; i++) {
            batched[i] = RowBatches.batched(Objects.requireNonNull(iterators[i], "iterator"), batch);
        }
        return RowBatches.flatten(new ConcurrentMultiDataIterator<Object>(batched, initialLoadThreadPoolSize,
                RowBatches.queueCapacityInBatches(initialLoadQueueCapacity)));
    }

    // ------------------------------------------------------------------ initial load

    /**
     * The rows partition {@code partition.instanceId()} loads (see the class comment). A subclass
     * that overrides the GigaSpaces-style {@link #initialDataLoad()} is honoured: it is called with
     * {@link #clusterInfo} set.
     *
     * @throws DataSourceException if a custom query does not parse (naming the type and the query)
     *     or the database fails while planning
     */
    @Override
    public DataIterator<Object> initialDataLoad(ClusterInfo partition) {
        if (overridesNoArgLoad) {
            return super.initialDataLoad(partition);
        }
        return load(partition);
    }

    /** Loads for {@link #clusterInfo} (a whole-space view of one partition when it is unset). */
    @Override
    public DataIterator<Object> initialDataLoad() {
        return load(clusterInfo == null ? new ClusterInfo(1, 1, 0) : clusterInfo);
    }

    private DataIterator<Object> load(ClusterInfo partition) {
        long start = System.nanoTime();
        List<DataIterator<Object>> iterators = new ArrayList<>();
        List<String> plan = new ArrayList<>();
        ChunkPlanner planner = new ChunkPlanner(initialLoadChunkSize, fetchSize);
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            for (MappedEntity entity : loadEntities) {
                TypeLoad load = typeLoad(entity, partition);
                validate(session, entity, load);
                ChunkPlanner.Plan chunks;
                try {
                    chunks = planner.plan(session, entity, load.where);
                } catch (RuntimeException e) {
                    throw new DataSourceException("cannot plan the initial load of type " + entity.className() + " ("
                            + load.hql() + "): " + e.getMessage(), e);
                }
                for (ChunkPlanner.Chunk chunk : chunks.chunks()) {
                    iterators.add(NullRoutingGuard.wrap(chunkIterator(entity, load, chunk), entity, sessionFactory));
                }
                plan.add(entity.javaType().getSimpleName() + ": " + load.describe() + ", " + chunks.chunks().size() + " chunk(s)"
                        + (chunks.rows() >= 0 ? ", " + chunks.rows() + " rows" : ""));
            }
        } catch (DataSourceException e) {
            iterators.forEach(DataIterator::close);
            throw e;
        } catch (RuntimeException e) {
            iterators.forEach(DataIterator::close);
            throw new DataSourceException("initial load of partition " + partition.instanceId() + "/" + partition.numberOfInstances()
                    + " failed: " + e.getMessage(), e);
        }
        LOG.info("initial load of partition {}/{}: {}", partition.instanceId(), partition.numberOfInstances(), plan);
        if (iterators.isEmpty()) {
            return DataIterator.empty();
        }
        return new LoadProgressIterator(createInitialLoadIterator(iterators.toArray(new DataIterator<?>[0])),
                "partition " + partition.instanceId() + "/" + partition.numberOfInstances(), start);
    }

    private DataIterator<Object> chunkIterator(MappedEntity entity, TypeLoad load, ChunkPlanner.Chunk chunk) {
        if (chunk.isAll()) {
            return new DefaultScrollableDataIterator(load.hql(), List.of(), sessionFactory, fetchSize, -1, -1);
        }
        String id = HqlQueryTranslator.ALIAS + "." + entity.idAttribute();
        String hql = load.hql() + (load.where == null ? " where " : " and ") + chunk.predicate(id, 1) + " order by " + id;
        return new DefaultScrollableDataIterator(hql, chunk.parameters(), sessionFactory, fetchSize, -1, -1);
    }

    /**
     * What one entity's load reads.
     *
     * @param entity the entity
     * @param where the HQL predicate over {@link HqlQueryTranslator#ALIAS}, or null for every row
     * @param custom the custom query's text, or null
     * @param customMethod the method the custom query came from, or null
     * @param augmented whether the partition filter was added
     */
    private record TypeLoad(MappedEntity entity, String where, String custom, String customMethod, boolean augmented) {
        String hql() {
            return "from " + entity.hqlName() + " " + HqlQueryTranslator.ALIAS + (where == null ? "" : " where " + where);
        }

        String describe() {
            return custom != null ? "custom query '" + custom + "' from " + customMethod
                    : augmented ? "partition filter on " + entity.routingProperty() : "all rows";
        }
    }

    private TypeLoad typeLoad(MappedEntity entity, ClusterInfo partition) {
        InitialLoadQueryMethods.QueryMethod method = queryMethods.forEntity(entity);
        if (method != null) {
            String q = method.query(partition);
            if (q != null) {
                String where = stripWhere(q);
                return new TypeLoad(entity, where.isBlank() ? null : "(" + where + ")", q, method.describe(), false);
            }
        }
        if (PartitionFilter.applies(entity, partition, augmentInitialLoadEntries)) {
            String where = PartitionFilter.predicate(HqlQueryTranslator.ALIAS + "." + entity.routingProperty(), partition);
            return new TypeLoad(entity, where, null, null, true);
        }
        return new TypeLoad(entity, null, null, null, false);
    }

    private static String stripWhere(String q) {
        String t = q.strip();
        return t.regionMatches(true, 0, "where ", 0, 6) ? t.substring(6).strip() : t;
    }

    /** Parses the load's HQL (no execution), so a bad custom query fails here, naming type and query. */
    private static void validate(StatelessSession session, MappedEntity entity, TypeLoad load) {
        try {
            session.createSelectionQuery(load.hql(), Object.class);
        } catch (RuntimeException e) {
            String what = load.custom() != null
                    ? "the initial load query '" + load.custom() + "' of type " + entity.className() + " (from " + load.customMethod() + ")"
                    : "the initial load query of type " + entity.className();
            throw new DataSourceException(what + " does not parse as HQL '" + load.hql() + "': " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * {@code count(*)} of what {@link #initialDataLoad(ClusterInfo)} reads for {@code partition},
     * with the same queries and filter; -1 if it cannot be counted (the load itself reports why).
     */
    @Override
    public long estimateInitialLoadSize(ClusterInfo partition) {
        if (overridesNoArgLoad) {
            return -1;
        }
        long total = 0;
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            for (MappedEntity entity : loadEntities) {
                TypeLoad load = typeLoad(entity, partition);
                total += session.createSelectionQuery("select count(*) " + load.hql(), Long.class).getSingleResult();
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot estimate the initial load of partition {}/{}: {}", partition.instanceId(),
                    partition.numberOfInstances(), rootMessage(e));
            return -1;
        }
        return total;
    }

    // ------------------------------------------------------------------ read-through

    /**
     * The entity with the query's id: one primary-key lookup, or one query when the space id is not
     * the JPA identifier. Null for a document type or an unmapped class.
     */
    @Override
    public Object getById(DataSourceIdQuery idQuery) {
        MappedEntity entity = catalog.find(idQuery.getType());
        if (entity == null) {
            return unsupported(idQuery);
        }
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            if (idQuery.getIdPropertyName().equals(entity.idAttribute())) {
                return session.get(entity.javaType(), NumericValues.convert(idQuery.getId(), entity.idType()));
            }
            List<Object> rows = session.createSelectionQuery("from " + entity.hqlName() + " " + HqlQueryTranslator.ALIAS + " where "
                            + HqlQueryTranslator.ALIAS + "." + idQuery.getIdPropertyName() + " = ?1", Object.class)
                    .setParameter(1, idQuery.getId()).setMaxResults(2).getResultList();
            return rows.isEmpty() ? null : rows.get(0);
        } catch (RuntimeException e) {
            throw new DataSourceException("getById failed for " + idQuery + ": " + rootMessage(e), e);
        }
    }

    /**
     * The entities with the query's ids: one {@code IN} query (per {@value #IDS_PER_QUERY} ids), not
     * one query per id (LESSONS). Null for a document type or an unmapped class.
     */
    @Override
    public DataIterator<Object> getDataIteratorByIds(DataSourceIdsQuery idsQuery) {
        MappedEntity entity = catalog.find(idsQuery.getType());
        if (entity == null) {
            return unsupported(idsQuery);
        }
        Class<?> idType = idsQuery.getIdPropertyName().equals(entity.idAttribute()) ? entity.idType() : null;
        List<Object> ids = Arrays.stream(idsQuery.getIds()).map(v -> NumericValues.convert(v, idType)).toList();
        String hql = "from " + entity.hqlName() + " " + HqlQueryTranslator.ALIAS + " where " + HqlQueryTranslator.ALIAS + "."
                + idsQuery.getIdPropertyName() + " in (?1)";
        List<Object> out = new ArrayList<>(ids.size());
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            for (int i = 0; i < ids.size(); i += IDS_PER_QUERY) {
                SelectionQuery<Object> q = session.createSelectionQuery(hql, Object.class);
                q.setParameterList(1, ids.subList(i, Math.min(ids.size(), i + IDS_PER_QUERY)));
                out.addAll(q.getResultList());
            }
        } catch (RuntimeException e) {
            throw new DataSourceException("getDataIteratorByIds failed for " + idsQuery + ": " + rootMessage(e), e);
        }
        return DataIterator.of(out);
    }

    /**
     * The entities matching {@code query}, streamed: the WHERE clause and ORDER BY translated to HQL
     * over the entity ({@code ?} → {@code ?1…?n}, property paths qualified, string literals kept).
     * Null for a document type ({@code getType() == null}: this data source maps classes only) or a
     * class the SessionFactory does not map.
     *
     * @throws DataSourceException if the query cannot be translated
     */
    @Override
    public DataIterator<Object> getDataIterator(DataSourceQuery query) {
        MappedEntity entity = catalog.find(query.getType());
        if (entity == null) {
            return unsupported(query);
        }
        HqlQueryTranslator.HqlQuery hql;
        try {
            hql = HqlQueryTranslator.select(entity.hqlName(), query);
        } catch (IllegalArgumentException e) {
            throw new DataSourceException("cannot translate " + query + " to HQL: " + e.getMessage(), e);
        }
        LOG.debug("read-through {} as {}", query, hql);
        return new DefaultScrollableDataIterator(hql.hql(), hql.parameters(), sessionFactory, fetchSize, -1, -1);
    }

    private static <T> T unsupported(DataSourceQuery query) {
        LOG.debug("not answering {}: {}", query, query.getType() == null
                ? "document types are not supported by the Hibernate data source" : "the class is not a mapped entity");
        return null;
    }

    /** True: a query on a mapped supertype returns its subtypes' rows (Hibernate queries are polymorphic). */
    @Override
    public boolean supportsInheritance() {
        return true;
    }

    // ------------------------------------------------------------------ builder

    /**
     * Configures a {@link DefaultHibernateSpaceDataSource}. Every setter validates its argument at
     * once; {@link #build()} checks the entities and scans for custom queries.
     */
    public static final class Builder {
        private final SessionFactory sessionFactory;
        private List<String> initialLoadEntries = List.of();
        private List<String> initialLoadQueryScanningBasePackages = List.of();
        private boolean augmentInitialLoadEntries = true;
        private int fetchSize = 10_000;
        private int initialLoadChunkSize = 100_000;
        private int initialLoadThreadPoolSize = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private int initialLoadQueueCapacity = ConcurrentMultiDataIterator.DEFAULT_QUEUE_CAPACITY;
        private ClassLoader classLoader;

        private Builder(SessionFactory sessionFactory) {
            this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        }

        /**
         * The entities to load, by fully qualified class name (or entity name). Empty (the default):
         * every entity the SessionFactory maps.
         */
        public Builder initialLoadEntries(String... names) {
            return initialLoadEntries(Arrays.asList(names));
        }

        /** As {@link #initialLoadEntries(String...)}. */
        public Builder initialLoadEntries(Collection<String> names) {
            List<String> list = new ArrayList<>();
            for (String n : Objects.requireNonNull(names, "names")) {
                if (n == null || n.isBlank()) {
                    throw new IllegalArgumentException("initialLoadEntries contains a blank name: " + names);
                }
                list.add(n.trim());
            }
            this.initialLoadEntries = List.copyOf(list);
            return this;
        }

        /**
         * Packages scanned (with their sub-packages) for {@code @SpaceInitialLoadQuery} methods on
         * separate beans. Empty (the default): no scanning. A method on a mapped entity class itself
         * is always found, whether or not its package is listed here.
         */
        public Builder initialLoadQueryScanningBasePackages(String... packages) {
            return initialLoadQueryScanningBasePackages(Arrays.asList(packages));
        }

        /** As {@link #initialLoadQueryScanningBasePackages(String...)}. */
        public Builder initialLoadQueryScanningBasePackages(Collection<String> packages) {
            List<String> list = new ArrayList<>();
            for (String p : Objects.requireNonNull(packages, "packages")) {
                if (p == null || p.isBlank()) {
                    throw new IllegalArgumentException("initialLoadQueryScanningBasePackages contains a blank package: " + packages);
                }
                list.add(p.trim());
            }
            this.initialLoadQueryScanningBasePackages = List.copyOf(list);
            return this;
        }

        /**
         * Whether a partition's load is narrowed in SQL to its own rows when the routing property
         * is integral and mapped (default true). A custom query always disables it for its type.
         */
        public Builder augmentInitialLoadEntries(boolean augment) {
            this.augmentInitialLoadEntries = augment;
            return this;
        }

        /** The JDBC fetch size for the load and streamed queries (default 10,000). */
        public Builder fetchSize(int fetchSize) {
            if (fetchSize < 1) {
                throw new IllegalArgumentException("fetchSize must be at least 1, got " + fetchSize);
            }
            this.fetchSize = fetchSize;
            return this;
        }

        /** Rows per initial-load chunk (default 100,000); 0 or less disables chunking. */
        public Builder initialLoadChunkSize(int rows) {
            this.initialLoadChunkSize = rows;
            return this;
        }

        /** Threads reading chunks in parallel, per partition (default {@code min(4, cores)}). */
        public Builder initialLoadThreadPoolSize(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("initialLoadThreadPoolSize must be at least 1, got " + threads);
            }
            this.initialLoadThreadPoolSize = threads;
            return this;
        }

        /**
         * Rows buffered at most between the reading threads and the space, per partition (default
         * {@value ConcurrentMultiDataIterator#DEFAULT_QUEUE_CAPACITY}): back-pressure, not heap growth.
         */
        public Builder initialLoadQueueCapacity(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("initialLoadQueueCapacity must be at least 1, got " + rows);
            }
            this.initialLoadQueueCapacity = rows;
            return this;
        }

        /** The class loader scanned for custom queries (default: the thread's context class loader). */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = classLoader;
            return this;
        }

        /**
         * The data source.
         *
         * @throws IllegalArgumentException if an initial-load entry is not mapped by the
         *     SessionFactory (the message lists the mapped ones) or cannot be a space type, or a
         *     {@code @SpaceInitialLoadQuery} method is unusable (the message names it)
         */
        public DefaultHibernateSpaceDataSource build() {
            return new DefaultHibernateSpaceDataSource(this);
        }
    }
}

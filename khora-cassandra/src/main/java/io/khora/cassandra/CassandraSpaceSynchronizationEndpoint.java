package io.khora.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.SynchronizationSourceDetails;
import io.khora.persistence.TransactionData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Writes a space's changes to Cassandra (seed 000's Cassandra persistency), embedded with
 * write-through or write-behind, idempotently: every statement carries {@code USING TIMESTAMP}
 * derived from the change's outbox sequence ({@link WriteTimestamps}), so delivering a batch twice —
 * a mirror that crashed after Cassandra applied it and before the outbox recorded it — changes
 * nothing: a replayed write never overwrites a newer value, and never resurrects a row whose delete
 * (a tombstone with a higher timestamp) was applied. No checkpoint table is needed for that.
 *
 * <ul>
 *   <li>WRITE and UPDATE: an {@code INSERT} of every column (an upsert; null properties become
 *       null columns).</li>
 *   <li>PARTIAL_UPDATE and CHANGE: an {@code UPDATE … SET} of only the changed properties' columns,
 *       with their values after the change (an increment is written as its result, which is what
 *       keeps it idempotent).</li>
 *   <li>REMOVE: a {@code DELETE} (a tombstone; keep {@code gc_grace_seconds} above the longest
 *       outage after which an outbox may still replay).</li>
 *   <li>A batch's operations are grouped by table and id: several changes of one row go as one
 *       {@code UNLOGGED} batch (one partition key, one mutation); different rows go as separate
 *       statements, in parallel — never a multi-partition unlogged batch. Their order does not
 *       matter: the timestamps order them.</li>
 *   <li>{@link TransactionData}: one {@code LOGGED} batch of all its statements, so either all of
 *       the transaction reaches Cassandra or (after a retry) all of it.</li>
 * </ul>
 *
 * <p>Errors name the type and id. A change Cassandra refuses as invalid (the driver's
 * {@code InvalidQueryException}) or that does not map ({@link IllegalArgumentException}) is set
 * aside by write-behind as a dead letter; timeouts and unavailable nodes are retried.
 */
public final class CassandraSpaceSynchronizationEndpoint extends SpaceSynchronizationEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraSpaceSynchronizationEndpoint.class);

    private final CqlSession session;
    private final Map<String, CqlStatements<?>> byTypeName = new LinkedHashMap<>();
    private final Map<Class<?>, CqlStatements<?>> byClass = new LinkedHashMap<>();
    private final WriteTimestamps timestamps;
    private final Duration writeTimeout;
    private final Semaphore inFlight;

    private CassandraSpaceSynchronizationEndpoint(Builder b) {
        this.inFlight = new Semaphore(b.maxInFlight);
        this.session = b.session;
        for (CassandraTableMapping<?> m : b.mappings) {
            CqlStatements<?> s = new CqlStatements<>(b.session, m);
            byClass.put(m.type(), s);
            byTypeName.put(m.type().getName(), s);
        }
        this.timestamps = new WriteTimestamps(b.session, b.timestampKeyspace, b.nowMicros);
        this.writeTimeout = b.writeTimeout;
    }

    /** A builder over {@code session} (which the caller keeps open while the space runs, and closes). */
    public static Builder builder(CqlSession session) {
        return new Builder(session);
    }

    @Override
    public void onOperationsBatchSynchronization(OperationsBatchData batchData) {
        SynchronizationSourceDetails source = batchData.getSourceDetails();
        Map<String, List<BoundStatement>> byRow = new LinkedHashMap<>();
        for (DataSyncOperation op : batchData.getBatchDataItems()) {
            CqlStatements<?> s = statementsOf(op);
            BoundStatement st = statementOf(s, op, timestamps.of(source, op.getSequence()));
            if (st != null) {
                byRow.computeIfAbsent(s.mapping().qualifiedTable() + "\u0000" + op.getSpaceId(), k -> new ArrayList<>()).add(st);
            }
        }
        List<CompletableFuture<?>> writes = new ArrayList<>(byRow.size());
        String what = batchData.getBatchDataItems().length + " changes of " + source.getName();
        for (List<BoundStatement> row : byRow.values()) {
            Statement<?> st = row.size() == 1 ? row.get(0) : BatchStatement.newInstance(BatchType.UNLOGGED).addAll(row);
            writes.add(send(st, what));
        }
        await(writes, what);
    }

    @Override
    public void onTransactionSynchronization(TransactionData transactionData) {
        SynchronizationSourceDetails source = transactionData.getSourceDetails();
        BatchStatementBuilder batch = BatchStatement.builder(BatchType.LOGGED);
        int n = 0;
        for (DataSyncOperation op : transactionData.getTransactionParticipantDataItems()) {
            BoundStatement st = statementOf(statementsOf(op), op, timestamps.of(source, op.getSequence()));
            if (st != null) {
                batch.addStatement(st);
                n++;
            }
        }
        if (n > 0) {
            String what = "transaction " + transactionData.getTransactionId() + " (" + n + " changes) of " + source.getName();
            await(List.of(send(batch.build(), what)), what);
        }
    }

    /** Sends {@code st} once fewer than {@code maxInFlight} writes of this endpoint are outstanding. */
    private CompletableFuture<?> send(Statement<?> st, String what) {
        try {
            if (!inFlight.tryAcquire(writeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return CompletableFuture.failedFuture(new IllegalStateException("no room for a write of " + what + " within " + writeTimeout
                        + " (" + inFlight.availablePermits() + " of the in-flight writes free)", new java.io.IOException("busy")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new IllegalStateException("interrupted while writing " + what, e));
        }
        CompletableFuture<?> f = session.executeAsync(st).toCompletableFuture();
        f.whenComplete((r, e) -> inFlight.release());
        return f;
    }

    private CqlStatements<?> statementsOf(DataSyncOperation op) {
        CqlStatements<?> s = op.getType() != null ? byClass.get(op.getType()) : byTypeName.get(op.getTypeName());
        if (s == null) {
            throw new IllegalArgumentException("no Cassandra table is mapped for type " + op.getTypeName() + " (id " + op.getSpaceId()
                    + "); mapped: " + byTypeName.keySet());
        }
        if (op.getSpaceId() == null) {
            throw new IllegalArgumentException("a " + op.getDataSyncOperationType() + " of " + op.getTypeName() + " has a null id");
        }
        return s;
    }

    private static BoundStatement statementOf(CqlStatements<?> s, DataSyncOperation op, long timestamp) {
        CassandraTableMapping<?> m = s.mapping();
        Object id = io.khora.persistence.NumericValues.convert(op.getSpaceId(), m.idColumn().javaType());
        switch (op.getDataSyncOperationType()) {
            case REMOVE:
                return s.delete().bind(timestamp, id);
            case WRITE:
            case UPDATE: {
                Object entry = entryOf(op);
                List<CassandraTableMapping.Column> cols = m.columns();
                Object[] values = new Object[cols.size() + 1];
                for (int i = 0; i < cols.size(); i++) {
                    values[i] = m.get(cols.get(i), entry);
                }
                values[cols.size()] = timestamp;
                return s.insert().bind(values);
            }
            case PARTIAL_UPDATE:
            case CHANGE: {
                Object entry = entryOf(op);
                List<CassandraTableMapping.Column> cols = new ArrayList<>();
                for (String p : op.getChangedPropertyNames()) {
                    if (m.columnOf(p) != null && !p.equals(m.idProperty())) {
                        cols.add(m.column(p));
                    }
                }
                if (cols.isEmpty()) {
                    LOG.debug("{} of {} id {} changed no mapped column: nothing to write", op.getDataSyncOperationType(), op.getTypeName(), id);
                    return null;
                }
                Object[] values = new Object[cols.size() + 2];
                values[0] = timestamp;
                for (int i = 0; i < cols.size(); i++) {
                    values[i + 1] = m.get(cols.get(i), entry);
                }
                values[cols.size() + 1] = id;
                return s.update(cols).bind(values);
            }
            default:
                throw new IllegalArgumentException("unknown operation " + op.getDataSyncOperationType() + " of " + op.getTypeName());
        }
    }

    private static Object entryOf(DataSyncOperation op) {
        if (!op.supportsDataAsObject()) {
            throw new IllegalArgumentException("a " + op.getDataSyncOperationType() + " of document type " + op.getTypeName() + " id "
                    + op.getSpaceId() + ": the Cassandra endpoint maps classes, not documents");
        }
        return op.getDataAsObject();
    }

    private void await(List<CompletableFuture<?>> writes, String what) {
        try {
            CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re; // the driver's own exception: its class tells write-behind whether to retry or set aside
            }
            throw new IllegalStateException("Cassandra refused " + what + ": " + cause, cause);
        } catch (TimeoutException e) {
            writes.forEach(f -> f.cancel(true));
            throw new IllegalStateException("Cassandra did not acknowledge " + what + " within " + writeTimeout, new java.io.IOException(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + what + " to Cassandra", e);
        }
    }

    /** Builds a {@link CassandraSpaceSynchronizationEndpoint}. */
    public static final class Builder {
        private final CqlSession session;
        private final List<CassandraTableMapping<?>> mappings = new ArrayList<>();
        private String timestampKeyspace;
        private Duration writeTimeout = Duration.ofSeconds(30);
        private int maxInFlight = 128;
        private LongSupplier nowMicros = () -> {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        };

        private Builder(CqlSession session) {
            this.session = Objects.requireNonNull(session, "CqlSession");
        }

        /** A space class and its table; at least one. */
        public Builder table(CassandraTableMapping<?> mapping) {
            BuilderChecks.addMapping(mappings, mapping);
            return this;
        }

        /** The keyspace of the {@code khora_write_timestamps} table (default: the first mapping's keyspace). */
        public Builder timestampKeyspace(String keyspace) {
            this.timestampKeyspace = CassandraTableMapping.checkIdentifier("timestamp keyspace", keyspace);
            return this;
        }

        /** How long a batch waits for Cassandra's acknowledgement (default 30 s). */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = BuilderChecks.positive("writeTimeout", timeout);
            return this;
        }

        /**
         * Writes this endpoint has outstanding at most, over all partitions (default 128, 1..4096):
         * more would exhaust the driver's connection (1,024 requests per connection by default) and
         * fail as "no connection available".
         */
        public Builder maxInFlight(int max) {
            this.maxInFlight = BuilderChecks.inRange("maxInFlight", max, 1, 4096);
            return this;
        }

        /** The wall clock in microseconds (for tests). */
        Builder clock(LongSupplier micros) {
            this.nowMicros = Objects.requireNonNull(micros, "clock");
            return this;
        }

        /** The endpoint. */
        public CassandraSpaceSynchronizationEndpoint build() {
            if (mappings.isEmpty()) {
                throw new IllegalArgumentException("a CassandraSpaceSynchronizationEndpoint needs at least one table mapping");
            }
            if (timestampKeyspace == null) {
                timestampKeyspace = mappings.get(0).keyspace();
            }
            return new CassandraSpaceSynchronizationEndpoint(this);
        }
    }
}

package io.khora.hibernate;

import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.SynchronizationSourceDetails;
import io.khora.persistence.TransactionData;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.query.MutationQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The built-in RDBMS {@link SpaceSynchronizationEndpoint} over a Hibernate {@link SessionFactory}:
 * writes a space's changes to the entities' tables (seed 000).
 *
 * <p>Each {@link #onOperationsBatchSynchronization batch} and each
 * {@link #onTransactionSynchronization transaction} is applied in <em>one</em> database
 * transaction, in order, through a {@link StatelessSession} with JDBC batching (consecutive
 * statements of one kind are sent together; a statement of another kind flushes the batch first,
 * so the order is kept). If anything fails, the database transaction is rolled back and a
 * {@link HibernateSynchronizationException} is thrown (with write-through, the space then leaves
 * itself unchanged). Every operation type is persisted, none is dropped (LESSONS: XAP's endpoint
 * ignored CHANGE):
 *
 * <table>
 *   <caption>operation → SQL</caption>
 *   <tr><th>operation</th><th>strict mode</th><th>replay mode (default)</th></tr>
 *   <tr><td>WRITE</td><td>insert</td><td>upsert</td></tr>
 *   <tr><td>UPDATE, PARTIAL_UPDATE, CHANGE</td><td>update of the full new state</td><td>upsert of the full new state</td></tr>
 *   <tr><td>REMOVE</td><td>delete (fails if the row is gone)</td><td>delete if it exists (consecutive removes of one entity: one {@code IN} statement)</td></tr>
 * </table>
 * PARTIAL_UPDATE and CHANGE are written from {@link DataSyncOperation#getDataAsObject()}, the
 * entry's full state after the change, so increments and collection edits need no translation.
 * Replay mode makes applying the same batch twice harmless (a write-behind replay after a crash, a
 * row already inserted by another writer): upserts use {@link StatelessSession#upsert(Object)}
 * (SQL {@code MERGE} on H2 and PostgreSQL 15+).
 *
 * <p>Exactly-once for write-behind: for batches whose sequences are durable
 * ({@link SynchronizationSourceDetails#durableSequences()}, the mirror's), a checkpoint row per
 * (space, partition) is locked, operations at or below it are skipped and it is advanced in the same
 * database transaction (see {@link Builder#checkpointing}). The row also keeps the batch's
 * {@linkplain SynchronizationSourceDetails#logId() log id}: a batch from another log id (an outbox
 * created afresh, numbering from 1 again) restarts the checkpoint instead of being skipped.
 *
 * <p>Operations on document types ({@link DataSyncOperation#supportsDataAsObject()} false) and on
 * classes the SessionFactory does not map are refused before the database is touched.
 *
 * <p>Recommended settings: {@code hibernate.jdbc.batch_size} (or {@link Builder#jdbcBatchSize}, 1,000
 * by default here); for PostgreSQL add {@code reWriteBatchedInserts=true} to the JDBC URL (the
 * driver then sends a batch of inserts as multi-row inserts, several times faster); ids must be
 * assigned by the application (the space's id), not {@code @GeneratedValue}.
 *
 * <p>Thread-safe: each call uses its own session.
 */
public class DefaultHibernateSpaceSynchronizationEndpoint extends SpaceSynchronizationEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultHibernateSpaceSynchronizationEndpoint.class);
    private static final int IDS_PER_DELETE = 1_000;

    private final SessionFactory sessionFactory;
    private final EntityCatalog catalog;
    private final boolean replayMode;
    private final int jdbcBatchSize;
    private final SequenceCheckpoint checkpoint;

    /** An endpoint over {@code sessionFactory} with the defaults (replay mode, JDBC batches of 1,000). */
    public DefaultHibernateSpaceSynchronizationEndpoint(SessionFactory sessionFactory) {
        this(builder(sessionFactory));
    }

    /** An endpoint configured by {@code builder}; for subclasses. */
    protected DefaultHibernateSpaceSynchronizationEndpoint(Builder builder) {
        this.sessionFactory = builder.sessionFactory;
        this.catalog = new EntityCatalog(sessionFactory);
        this.replayMode = builder.replayMode;
        this.jdbcBatchSize = builder.jdbcBatchSize;
        this.checkpoint = builder.checkpointing ? new SequenceCheckpoint(builder.checkpointTable) : null;
    }

    /** A builder over {@code sessionFactory}. */
    public static Builder builder(SessionFactory sessionFactory) {
        return new Builder(sessionFactory);
    }

    /** The session factory. */
    protected SessionFactory getSessionFactory() {
        return sessionFactory;
    }

    /** Whether writes are upserts and removes delete-if-exists. */
    public boolean isReplayMode() {
        return replayMode;
    }

    /** Applies the batch's operations in one database transaction, in order. */
    @Override
    public void onOperationsBatchSynchronization(OperationsBatchData batchData) {
        apply(batchData.getBatchDataItems(), "batch from " + batchData.getSourceDetails(), batchData.getSourceDetails());
    }

    /** Applies the transaction's operations in one database transaction, in order. */
    @Override
    public void onTransactionSynchronization(TransactionData transactionData) {
        apply(transactionData.getTransactionParticipantDataItems(), "transaction " + transactionData.getTransactionId(),
                transactionData.getSourceDetails());
    }

    /**
     * Applies {@code operations} in one database transaction, in order; rolls back and throws if any
     * fails.
     *
     * @param operations the operations
     * @param what what they are, for messages
     * @throws HibernateSynchronizationException if an operation cannot be applied (nothing was)
     * @throws IllegalArgumentException for a document type or an unmapped class (nothing was applied)
     */
    protected void apply(DataSyncOperation[] operations, String what) {
        apply(operations, what, null);
    }

    /**
     * Like {@link #apply(DataSyncOperation[], String)}; when {@code source} says its sequences are
     * durable (the write-behind mirror) and checkpointing is on, the partition's checkpoint row is
     * locked, operations at or below it are skipped (already applied before a crash), and it is
     * advanced in the same database transaction.
     */
    protected void apply(DataSyncOperation[] operations, String what, SynchronizationSourceDetails source) {
        if (operations == null || operations.length == 0) {
            return;
        }
        boolean checkpointed = checkpoint != null && source != null && source.durableSequences();
        if (checkpointed) {
            checkpoint.ensureTable(sessionFactory);
            checkpoint.ensureRow(sessionFactory, source.spaceName(), source.partitionId());
        }
        List<Object> entities = new ArrayList<>(operations.length);
        for (int i = 0; i < operations.length; i++) {
            entities.add(entityOf(operations[i], i, operations.length, what));
        }
        long start = System.nanoTime();
        StatelessSession session;
        Transaction tx;
        try {
            session = sessionFactory.openStatelessSession();
        } catch (RuntimeException e) {
            throw new HibernateSynchronizationException("cannot open a session to apply " + what + " (" + operations.length
                    + " operations), nothing applied: " + rootMessage(e), e);
        }
        try (session) {
            try {
                session.setJdbcBatchSize(jdbcBatchSize);
                tx = session.beginTransaction();
            } catch (RuntimeException e) {
                throw new HibernateSynchronizationException("cannot begin a database transaction for " + what + " ("
                        + operations.length + " operations), nothing applied: " + rootMessage(e), e);
            }
            try {
                DataSyncOperation[] todo = operations;
                List<Object> todoEntities = entities;
                if (checkpointed) {
                    long applied = checkpoint.lockAndRead(session, source.spaceName(), source.partitionId(), source.logId(),
                            source.mirrorEpoch());
                    List<DataSyncOperation> keep = new ArrayList<>(operations.length);
                    todoEntities = new ArrayList<>(operations.length);
                    long max = applied;
                    for (int k = 0; k < operations.length; k++) {
                        long seq = operations[k].getSequence();
                        if (seq > applied) {
                            keep.add(operations[k]);
                            todoEntities.add(entities.get(k));
                            max = Math.max(max, seq);
                        }
                    }
                    if (keep.size() < operations.length) {
                        LOG.info("{}: skipping {} of {} operations already applied (checkpoint {})", what,
                                operations.length - keep.size(), operations.length, applied);
                    }
                    todo = keep.toArray(new DataSyncOperation[0]);
                    if (max > applied) {
                        checkpoint.advance(session, source.spaceName(), source.partitionId(), max, source.logId());
                    }
                }
                int i = 0;
                while (i < todo.length) {
                    i = applyFrom(session, todo, todoEntities, i, what);
                }
            } catch (RuntimeException | Error e) {
                rollback(tx, e);
                throw e;
            }
            try {
                tx.commit();
            } catch (RuntimeException e) {
                rollback(tx, e);
                throw new HibernateSynchronizationException("committing " + what + " (" + operations.length
                        + " operations) failed, rolled back: " + rootMessage(e), e);
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("applied {} ({} operations) in {} µs", what, operations.length, (System.nanoTime() - start) / 1_000);
        }
    }

    /** Applies the operation at {@code i} (and, for grouped deletes, the ones after it); returns the next index. */
    private int applyFrom(StatelessSession session, DataSyncOperation[] ops, List<Object> entities, int i, String what) {
        DataSyncOperation op = ops[i];
        Object entity = entities.get(i);
        DataSyncOperationType type = Objects.requireNonNull(op.getDataSyncOperationType(), "operation type");
        try {
            switch (type) {
                case WRITE -> {
                    if (replayMode) {
                        session.upsert(entity);
                    } else {
                        session.insert(entity);
                    }
                }
                case UPDATE, PARTIAL_UPDATE, CHANGE -> {
                    if (replayMode) {
                        session.upsert(entity);
                    } else {
                        session.update(entity);
                    }
                }
                case REMOVE -> {
                    if (!replayMode) {
                        session.delete(entity);
                    } else {
                        return deleteIfExists(session, ops, entities, i);
                    }
                }
                default -> throw new IllegalStateException("unknown operation type " + type);
            }
            return i + 1;
        } catch (RuntimeException e) {
            throw new HibernateSynchronizationException("operation " + (i + 1) + " of " + ops.length + " in " + what + " ("
                    + describe(op) + ") failed, rolled back: " + rootMessage(e), e);
        }
    }

    /** Deletes the rows of the consecutive REMOVEs of one class starting at {@code i}, missing rows ignored. */
    private int deleteIfExists(StatelessSession session, DataSyncOperation[] ops, List<Object> entities, int i) {
        Class<?> cls = entities.get(i).getClass();
        int end = i + 1;
        while (end < ops.length && end - i < IDS_PER_DELETE && ops[end].getDataSyncOperationType() == DataSyncOperationType.REMOVE
                && entities.get(end).getClass() == cls) {
            end++;
        }
        List<Object> ids = new ArrayList<>(end - i);
        for (int k = i; k < end; k++) {
            ids.add(sessionFactory.getPersistenceUnitUtil().getIdentifier(entities.get(k)));
        }
        MappedEntity entity = catalog.find(cls);
        String idName = entity != null && entity.idAttribute() != null ? entity.idAttribute() : null;
        MutationQuery q;
        if (idName != null) {
            q = session.createMutationQuery("delete from " + catalog.hqlName(cls) + " e where e." + idName + " in (:ids)");
            q.setParameterList("ids", ids);
        } else {
            q = session.createMutationQuery("delete from " + catalog.hqlName(cls) + " e where id(e) in (:ids)");
            q.setParameterList("ids", ids);
        }
        // an HQL statement does not flush the pending JDBC batch (upserts are batched): flush it
        // first, or the delete would run before writes that precede it
        ((SharedSessionContractImplementor) session).getJdbcCoordinator().executeBatch();
        q.executeUpdate();
        return end;
    }

    private Object entityOf(DataSyncOperation op, int i, int n, String what) {
        if (!op.supportsDataAsObject()) {
            throw new IllegalArgumentException("document types are not supported by the Hibernate endpoint: operation " + (i + 1)
                    + " of " + n + " in " + what + " (" + describe(op) + ") has no entity class; map the type as a JPA entity"
                    + " or route it to another endpoint");
        }
        Object entity = op.getDataAsObject();
        if (entity == null) {
            throw new IllegalArgumentException("operation " + (i + 1) + " of " + n + " in " + what + " (" + describe(op)
                    + ") carries no data");
        }
        if (!catalog.isMapped(entity.getClass())) {
            throw new IllegalArgumentException("operation " + (i + 1) + " of " + n + " in " + what + " (" + describe(op)
                    + "): " + entity.getClass().getName() + " is not an entity mapped by the SessionFactory; mapped entities: "
                    + catalog.mappedNames());
        }
        return entity;
    }

    private static String describe(DataSyncOperation op) {
        return op.getDataSyncOperationType() + " of " + op.getTypeName() + " id " + op.getSpaceId();
    }

    private static void rollback(Transaction tx, Throwable cause) {
        try {
            if (tx.isActive()) {
                tx.rollback();
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Configures a {@link DefaultHibernateSpaceSynchronizationEndpoint}. */
    public static final class Builder {
        private final SessionFactory sessionFactory;
        private boolean replayMode = true;
        private int jdbcBatchSize = 1_000;
        private boolean checkpointing = true;
        private String checkpointTable = "khora_checkpoint";

        private Builder(SessionFactory sessionFactory) {
            this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        }

        /**
         * Replay (idempotent) mode, default true: WRITE and updates are upserts, REMOVE deletes if
         * the row exists. False: strict insert/update/delete, failing (and rolling back) when a row
         * is already there or missing.
         */
        public Builder replayMode(boolean replay) {
            this.replayMode = replay;
            return this;
        }

        /** Statements per JDBC batch (default 1,000); 1 disables batching. */
        public Builder jdbcBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("jdbcBatchSize must be at least 1, got " + size);
            }
            this.jdbcBatchSize = size;
            return this;
        }

        /**
         * Exactly-once delivery of write-behind batches (default true): the last applied sequence
         * of each (space, partition) is kept in {@link #checkpointTable} and advanced in the same
         * database transaction as the batch, and replayed operations at or below it are skipped.
         * Only batches whose sequences are durable (the write-behind mirror's) use it. The row keeps the
         * outbox's log id with the sequence; a batch of another log id restarts the checkpoint (a row
         * without a log id, from an earlier version, adopts the batch's and keeps its sequence).
         */
        public Builder checkpointing(boolean enabled) {
            this.checkpointing = enabled;
            return this;
        }

        /**
         * The checkpoint table (default {@code khora_checkpoint}; created if missing, its {@code log_id}
         * column added if the table was created by an earlier version).
         */
        public Builder checkpointTable(String table) {
            this.checkpointTable = Objects.requireNonNull(table, "checkpoint table");
            new SequenceCheckpoint(table); // validates the name now
            return this;
        }

        /** The endpoint. */
        public DefaultHibernateSpaceSynchronizationEndpoint build() {
            return new DefaultHibernateSpaceSynchronizationEndpoint(this);
        }
    }
}

package io.khora.hibernate;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Pattern;

/**
 * The write-behind checkpoint: one row per (space, partition) holding the sequence number of the
 * last operation applied. Read with a row lock and advanced <em>inside</em> the database
 * transaction that applies a batch, so the data and the checkpoint commit or roll back together:
 * a replay after any crash finds every operation at or below the checkpoint already applied and
 * skips it — each change reaches the tables exactly once.
 *
 * <p>Sequences are comparable only within one numbering, the <em>log id</em> of the outbox they come
 * from ({@link io.khora.persistence.SynchronizationSourceDetails#logId()}): an outbox created afresh
 * (a new machine, a deleted data directory) numbers from 1 again under a new log id. So the row also
 * holds the log id ({@code log_id}, nullable) and, when a batch carries a log id, {@link #lockAndRead}
 * decides:
 * <ul>
 *   <li>same log id as the row: the row's sequence is the checkpoint;</li>
 *   <li>the row has another log id: the batch comes from a new outbox, whose sequences have nothing
 *       to do with the row's — the checkpoint restarts (sequence 0, the new log id; logged as a
 *       warning) and nothing of the batch is skipped;</li>
 *   <li>the row has no log id (written by a version without log ids, or by a source without one):
 *       the log id is adopted and the row's sequence kept, so an upgrade redelivers nothing. Whether
 *       that row was written by this outbox cannot be told; if it was not, the old behaviour remains
 *       for this one time (operations at or below it are skipped).</li>
 * </ul>
 * A batch without a log id is compared with the row's sequence whatever its log id, and leaves the
 * log id as it is. Two live outboxes of one space and partition writing to one database (a
 * misconfiguration) would restart each other's checkpoint on every batch; each restart is logged.
 *
 * <p>The table is created if missing; a table created by a version without log ids gets its
 * {@code log_id} column added ({@code alter table … add column if not exists}, PostgreSQL and H2).
 */
final class SequenceCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceCheckpoint.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** The longest log id the column holds. */
    static final int LOG_ID_LENGTH = 64;

    private final String table;
    private volatile boolean created;

    SequenceCheckpoint(String table) {
        if (!NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("checkpoint table name must be a plain SQL identifier, got '" + table + "'");
        }
        this.table = table;
    }

    String table() {
        return table;
    }

    /**
     * Creates the table if it does not exist, and adds the {@code log_id} column to one created by an
     * earlier version (once per endpoint; idempotent in the database).
     */
    void ensureTable(SessionFactory sf) {
        if (created) {
            return;
        }
        synchronized (this) {
            if (created) {
                return;
            }
            try (StatelessSession s = sf.openStatelessSession()) {
                Transaction tx = s.beginTransaction();
                try {
                    s.createNativeMutationQuery("create table if not exists " + table
                            + " (space_name varchar(200) not null, partition_id integer not null, last_sequence bigint not null,"
                            + " log_id varchar(" + LOG_ID_LENGTH + "), primary key (space_name, partition_id))").executeUpdate();
                    s.createNativeMutationQuery("alter table " + table + " add column if not exists log_id varchar(" + LOG_ID_LENGTH + ")")
                            .executeUpdate();
                    tx.commit();
                } catch (RuntimeException e) {
                    if (tx.isActive()) {
                        tx.rollback();
                    }
                    throw e;
                }
            }
            created = true;
        }
    }

    /**
     * The last applied sequence of the partition in the numbering {@code logId}, locking its row for
     * this transaction: 0 if there is no row yet, or if the row belongs to another log id (the
     * checkpoint then restarts for {@code logId}); see the class comment.
     *
     * @param logId the batch's log id, or null (the row's sequence then counts whatever its log id)
     */
    long lockAndRead(StatelessSession s, String space, int partition, String logId) {
        checkLength(logId);
        Object[] row = s.createNativeQuery("select last_sequence, log_id from " + table
                        + " where space_name = :s and partition_id = :p for update", Object[].class)
                .setParameter("s", space).setParameter("p", partition).uniqueResult();
        if (row == null) {
            s.createNativeMutationQuery("insert into " + table + " (space_name, partition_id, last_sequence, log_id)"
                            + " values (:s, :p, 0, :l)")
                    .setParameter("s", space).setParameter("p", partition).setParameter("l", logId, String.class).executeUpdate();
            return 0L;
        }
        long sequence = ((Number) row[0]).longValue();
        String stored = row[1] == null ? null : row[1].toString();
        if (logId == null || logId.equals(stored)) {
            return sequence;
        }
        if (stored == null) {
            LOG.info("checkpoint of space '{}' partition {} ({}): adopting log id {} for the checkpoint at sequence {}, written"
                    + " without a log id (by an earlier version)", space, partition + 1, table, logId, sequence);
            setLogId(s, space, partition, sequence, logId);
            return sequence;
        }
        LOG.warn("checkpoint of space '{}' partition {} ({}): the batch comes from log {}, the checkpoint (sequence {}) from log {}:"
                        + " the outbox was created afresh and numbers from 1 again; restarting the checkpoint for the new log",
                space, partition + 1, table, logId, sequence, stored);
        setLogId(s, space, partition, 0L, logId);
        return 0L;
    }

    /** The last applied sequence of the partition, whatever its log id (0 if none yet). */
    long lockAndRead(StatelessSession s, String space, int partition) {
        return lockAndRead(s, space, partition, null);
    }

    private void setLogId(StatelessSession s, String space, int partition, long sequence, String logId) {
        s.createNativeMutationQuery("update " + table + " set last_sequence = :q, log_id = :l where space_name = :s and partition_id = :p")
                .setParameter("q", sequence).setParameter("l", logId).setParameter("s", space).setParameter("p", partition)
                .executeUpdate();
    }

    /**
     * Advances the partition's checkpoint to {@code sequence} of log {@code logId} in the current
     * transaction ({@code logId} null: the row's log id is left as it is).
     */
    void advance(StatelessSession s, String space, int partition, long sequence, String logId) {
        if (logId == null) {
            advance(s, space, partition, sequence);
            return;
        }
        checkLength(logId);
        setLogId(s, space, partition, sequence, logId);
    }

    /** Advances the partition's checkpoint to {@code sequence} in the current transaction, its log id unchanged. */
    void advance(StatelessSession s, String space, int partition, long sequence) {
        s.createNativeMutationQuery("update " + table + " set last_sequence = :q where space_name = :s and partition_id = :p")
                .setParameter("q", sequence).setParameter("s", space).setParameter("p", partition).executeUpdate();
    }

    private static void checkLength(String logId) {
        if (logId != null && logId.length() > LOG_ID_LENGTH) {
            throw new IllegalArgumentException("a log id has at most " + LOG_ID_LENGTH + " characters, got '" + logId + "'");
        }
    }
}

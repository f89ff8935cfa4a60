package io.khora.hibernate;

import io.khora.persistence.MirrorFencedException;

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
 * <p><b>Fencing.</b> The row also keeps the highest mirror lease epoch whose batch it has seen
 * ({@code mirror_epoch}, {@link io.khora.persistence.SynchronizationSourceDetails#mirrorEpoch()}).
 * A batch of a lower epoch in the same log — a late batch of a cluster mirror whose lease lapsed and
 * was taken over — is refused with {@link MirrorFencedException} and applies nothing: it was
 * consolidated without knowing what its successor delivered meanwhile (a write and a later take of
 * one entry within it cancel out, though the successor may have applied the write), so applying even
 * its part above the checkpoint could leave a row that was taken. Batches without an epoch (an
 * embedded space's mirror) are not checked.
 *
 * <p><b>Serialisation.</b> The row is read {@code for update}, so concurrent batches of one partition
 * (two mirrors in the window where one takes over from the other) run one after the other, and the
 * second sees the checkpoint and epoch the first committed (READ COMMITTED, the default of
 * PostgreSQL and H2; under stricter isolation the second fails with a serialization error, SQLState
 * 40001, and is retried). The row itself is created beforehand in a transaction of its own
 * ({@link #ensureRow}), tolerating a concurrent creation, so two first batches cannot both insert it
 * and have one fail with a unique-key violation (which a mirror would take for bad data).
 *
 * <p>The table is created if missing; a table created by an earlier version gets its {@code log_id}
 * and {@code mirror_epoch} columns added ({@code alter table … add column if not exists}, PostgreSQL
 * and H2).
 */
final class SequenceCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceCheckpoint.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** The longest log id the column holds. */
    static final int LOG_ID_LENGTH = 64;

    private final String table;
    private volatile boolean created;
    /** The (space, partition) rows known to exist. */
    private final java.util.Set<String> rows = java.util.concurrent.ConcurrentHashMap.newKeySet();

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
     * Creates the table if it does not exist, and adds the {@code log_id} and {@code mirror_epoch}
     * columns to one created by an earlier version (once per endpoint; idempotent in the database;
     * a concurrent creation by another endpoint is tolerated).
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
                for (int attempt = 0; ; attempt++) {
                    Transaction tx = s.beginTransaction();
                    try {
                        s.createNativeMutationQuery("create table if not exists " + table
                                + " (space_name varchar(200) not null, partition_id integer not null, last_sequence bigint not null,"
                                + " log_id varchar(" + LOG_ID_LENGTH + "), mirror_epoch bigint, primary key (space_name, partition_id))")
                                .executeUpdate();
                        s.createNativeMutationQuery("alter table " + table + " add column if not exists log_id varchar("
                                + LOG_ID_LENGTH + ")").executeUpdate();
                        s.createNativeMutationQuery("alter table " + table + " add column if not exists mirror_epoch bigint")
                                .executeUpdate();
                        tx.commit();
                        break;
                    } catch (RuntimeException e) {
                        if (tx.isActive()) {
                            tx.rollback();
                        }
                        // PostgreSQL: two concurrent "create table if not exists" can fail one with a unique violation
                        // (pg_type); once the other committed, the next attempt finds the table
                        if (attempt >= 2) {
                            throw e;
                        }
                    }
                }
            }
            created = true;
        }
    }

    /**
     * Creates the partition's row (sequence 0, no log id) unless it exists, in a transaction of its
     * own (once per endpoint and partition): a concurrent creation by another endpoint is not an
     * error. So the batch's transaction always finds the row to lock.
     */
    void ensureRow(SessionFactory sf, String space, int partition) {
        String key = partition + "/" + space;
        if (rows.contains(key)) {
            return;
        }
        try (StatelessSession s = sf.openStatelessSession()) {
            for (int attempt = 0; ; attempt++) {
                if (exists(s, space, partition)) {
                    break;
                }
                Transaction tx = s.beginTransaction();
                try {
                    s.createNativeMutationQuery("insert into " + table + " (space_name, partition_id, last_sequence, log_id, mirror_epoch)"
                                    + " values (:s, :p, 0, null, 0)")
                            .setParameter("s", space).setParameter("p", partition).executeUpdate();
                    tx.commit();
                    break;
                } catch (RuntimeException e) {
                    if (tx.isActive()) {
                        tx.rollback();
                    }
                    if (attempt > 0 || !exists(s, space, partition)) {
                        throw e; // not a concurrent creation
                    }
                    break;
                }
            }
        }
        rows.add(key);
    }

    private boolean exists(StatelessSession s, String space, int partition) {
        Transaction tx = s.beginTransaction();
        try {
            Long n = s.createNativeQuery("select count(*) from " + table + " where space_name = :s and partition_id = :p", Long.class)
                    .setParameter("s", space).setParameter("p", partition).uniqueResult();
            tx.commit();
            return n.longValue() > 0;
        } catch (RuntimeException e) {
            if (tx.isActive()) {
                tx.rollback();
            }
            throw e;
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
        return lockAndRead(s, space, partition, logId, 0L);
    }

    /**
     * Like {@link #lockAndRead(StatelessSession, String, int, String)} for a batch of the mirror of
     * lease epoch {@code epoch} (0: none): refuses it with {@link MirrorFencedException} if the row,
     * in the same log, has seen a higher epoch; records a higher one.
     */
    long lockAndRead(StatelessSession s, String space, int partition, String logId, long epoch) {
        checkLength(logId);
        Object[] row = s.createNativeQuery("select last_sequence, log_id, mirror_epoch from " + table
                        + " where space_name = :s and partition_id = :p for update", Object[].class)
                .setParameter("s", space).setParameter("p", partition).uniqueResult();
        if (row == null) {
            s.createNativeMutationQuery("insert into " + table + " (space_name, partition_id, last_sequence, log_id, mirror_epoch)"
                            + " values (:s, :p, 0, :l, :e)")
                    .setParameter("s", space).setParameter("p", partition).setParameter("l", logId, String.class)
                    .setParameter("e", epoch).executeUpdate();
            return 0L;
        }
        long sequence = ((Number) row[0]).longValue();
        String stored = row[1] == null ? null : row[1].toString();
        long storedEpoch = row[2] == null ? 0L : ((Number) row[2]).longValue();
        if (logId != null && stored != null && !logId.equals(stored)) {
            storedEpoch = 0; // another log (see below): its epochs are another numbering too
        } else if (epoch > 0 && storedEpoch > epoch) {
            throw new MirrorFencedException("checkpoint of space '" + space + "' partition " + (partition + 1) + " (" + table
                    + "): a batch of the mirror of lease epoch " + storedEpoch + " was applied; this batch comes from epoch " + epoch
                    + " (a mirror whose lease was taken over) and is refused, nothing applied", null, storedEpoch, 0L);
        }
        if (epoch > storedEpoch) {
            s.createNativeMutationQuery("update " + table + " set mirror_epoch = :e where space_name = :s and partition_id = :p")
                    .setParameter("e", epoch).setParameter("s", space).setParameter("p", partition).executeUpdate();
        }
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

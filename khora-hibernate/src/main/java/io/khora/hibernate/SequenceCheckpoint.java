package io.khora.hibernate;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;

import java.util.regex.Pattern;

/**
 * The write-behind checkpoint: one row per (space, partition) holding the sequence number of the
 * last operation applied. Read with a row lock and advanced <em>inside</em> the database
 * transaction that applies a batch, so the data and the checkpoint commit or roll back together:
 * a replay after any crash finds every operation at or below the checkpoint already applied and
 * skips it — each change reaches the tables exactly once.
 */
final class SequenceCheckpoint {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

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

    /** Creates the table if it does not exist (once per endpoint; idempotent in the database). */
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
                            + " primary key (space_name, partition_id))").executeUpdate();
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

    /** The last applied sequence of the partition, locking its row for this transaction (0 if none yet). */
    long lockAndRead(StatelessSession s, String space, int partition) {
        Object v = s.createNativeQuery("select last_sequence from " + table + " where space_name = :s and partition_id = :p for update",
                        Object.class)
                .setParameter("s", space).setParameter("p", partition).uniqueResult();
        if (v == null) {
            s.createNativeMutationQuery("insert into " + table + " (space_name, partition_id, last_sequence) values (:s, :p, 0)")
                    .setParameter("s", space).setParameter("p", partition).executeUpdate();
            return 0L;
        }
        return ((Number) v).longValue();
    }

    /** Advances the partition's checkpoint to {@code sequence} in the current transaction. */
    void advance(StatelessSession s, String space, int partition, long sequence) {
        s.createNativeMutationQuery("update " + table + " set last_sequence = :q where space_name = :s and partition_id = :p")
                .setParameter("q", sequence).setParameter("s", space).setParameter("p", partition).executeUpdate();
    }
}

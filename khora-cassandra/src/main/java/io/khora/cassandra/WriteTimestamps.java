package io.khora.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.khora.persistence.SynchronizationSourceDetails;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The Cassandra write timestamp ({@code USING TIMESTAMP}, microseconds) of each change, so that a
 * replayed change never wins over a newer one, and a replayed write never resurrects a row whose
 * delete was applied (the delete's tombstone has the higher timestamp).
 *
 * <p>With durable sequences (write-behind) the timestamp is {@code base + sequence}: {@code base}
 * is the wall-clock time in microseconds at which any endpoint first saw the outbox's log id of
 * that (space, partition), recorded once in {@code <keyspace>.khora_write_timestamps} with a
 * lightweight transaction ({@code INSERT … IF NOT EXISTS}) so that every mirror, also after a
 * crash, derives the same timestamp for the same change. An outbox created afresh (new log id)
 * numbers from 1 again and gets a new, later base — its changes win over the old outbox's as long
 * as the old one produced fewer changes than microseconds passed between the two bases (a million
 * per second). Within one log the order is exact. A multi-partition transaction is stamped with
 * the sequence of its record in the lowest partition it changed (that partition's numbering).
 *
 * <p>Without durable sequences (write-through, synchronous: nothing is replayed) the timestamp is
 * this JVM's clock in microseconds, made strictly increasing.
 */
final class WriteTimestamps {
    /** The CQL of the table of bases. */
    static final String TABLE = "khora_write_timestamps";

    private final CqlSession session;
    private final String keyspace;
    private final LongSupplier nowMicros;
    private final Map<String, Long> bases = new ConcurrentHashMap<>();
    private final AtomicLong lastVolatile = new AtomicLong();

    /**
     * @param session the session
     * @param keyspace where {@link #TABLE} is (created by {@link CassandraSchema#createTimestampTable})
     * @param nowMicros the wall clock in microseconds
     */
    WriteTimestamps(CqlSession session, String keyspace, LongSupplier nowMicros) {
        this.session = session;
        this.keyspace = keyspace;
        this.nowMicros = nowMicros;
    }

    /** The timestamp of the change numbered {@code sequence} from {@code source}. */
    long of(SynchronizationSourceDetails source, long sequence) {
        if (!source.durableSequences() || source.logId() == null) {
            return lastVolatile.updateAndGet(last -> Math.max(last + 1, nowMicros.getAsLong()));
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("a durable sequence must not be negative, got " + sequence + " from " + source);
        }
        String key = source.spaceName() + "\u0000" + source.partitionId() + "\u0000" + source.logId();
        long base = bases.computeIfAbsent(key, k -> baseOf(source));
        return Math.addExact(base, sequence);
    }

    private long baseOf(SynchronizationSourceDetails source) {
        long proposed = nowMicros.getAsLong();
        Row row = session.execute(session.prepare("INSERT INTO " + keyspace + "." + TABLE
                        + " (space, partition, log_id, base) VALUES (?, ?, ?, ?) IF NOT EXISTS")
                .bind(source.spaceName(), source.partitionId(), source.logId(), proposed)).one();
        if (row == null) {
            throw new IllegalStateException("Cassandra answered nothing to the timestamp base insert of " + source);
        }
        // applied: ours is the base; not applied: the row holds the base recorded first
        return row.getBoolean("[applied]") ? proposed : row.getLong("base");
    }
}

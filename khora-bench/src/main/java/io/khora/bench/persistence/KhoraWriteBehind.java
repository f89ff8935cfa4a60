package io.khora.bench.persistence;

import io.khora.Space;
import io.khora.Spaces;
import io.khora.hibernate.DefaultHibernateSpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;
import org.hibernate.SessionFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Khora's write-behind: an embedded space of 1 or 4 partitions whose changes go through a durable
 * per-partition outbox ({@link WriteBehindSettings} defaults except durability
 * {@link WriteBehindSettings.Durability#PER_BATCH PER_BATCH}: an acknowledged write is in the OS, so
 * a killed JVM loses nothing, fsync'd once per mirror batch) to
 * {@link DefaultHibernateSpaceSynchronizationEndpoint} with its defaults (replay mode: upserts;
 * exactly-once checkpoint row per partition; JDBC batches of 1,000). One application thread writes
 * M new entries with {@code space.write}; the round is timed from the first write until
 * {@code admin().flush} reports every change delivered (committed in PostgreSQL), and the table is
 * then checked to hold all M rows. How fast the writes were acknowledged is reported beside it.
 */
final class KhoraWriteBehind implements Mechanism {
    private static final Duration FLUSH_WAIT = Duration.ofMinutes(10);
    /** The endpoint's default checkpoint table. */
    private static final String CHECKPOINT = "khora_checkpoint";

    private final Database db;
    private final int partitions;
    private final long rows;
    private final Path outboxes;
    private final DefaultHibernateSpaceSynchronizationEndpoint endpoint;

    KhoraWriteBehind(Database db, SessionFactory sessionFactory, int partitions, long rows, Path outboxes) {
        this.db = db;
        this.partitions = partitions;
        this.rows = rows;
        this.outboxes = outboxes;
        this.endpoint = new DefaultHibernateSpaceSynchronizationEndpoint(sessionFactory);
    }

    @Override
    public Round round(int round, CpuMeter cpu) throws Exception {
        db.execute("truncate " + BenchRows.TABLE);
        // a fresh outbox numbers its changes from 1 again: a checkpoint row left by an earlier run of a
        // space with the same name would make the endpoint skip them all as already applied
        db.execute("do $$ begin if to_regclass('" + CHECKPOINT + "') is not null then delete from " + CHECKPOINT
                + "; end if; end $$");
        Path dir = outboxes.resolve("wb-" + partitions + "p-" + round);
        delete(dir);
        WriteBehindSettings settings = WriteBehindSettings.builder(dir).durability(WriteBehindSettings.Durability.PER_BATCH).build();
        Round r;
        try (Space space = Spaces.embedded("bench-wb-" + partitions + "p-" + round).partitions(partitions)
                .synchronizationEndpoint(endpoint).writeBehind(settings).start()) {
            if (!space.waitForReady(Duration.ofMinutes(1))) {
                throw new IllegalStateException("the write-behind space did not become READY");
            }
            Stopwatch sw = Stopwatch.start(cpu);
            for (long id = 0; id < rows; id++) {
                space.write(BenchRows.trade(id));
            }
            long acked = sw.elapsed();
            if (!space.admin().flush(FLUSH_WAIT)) {
                throw new IllegalStateException("write-behind did not deliver within " + FLUSH_WAIT + ": "
                        + space.admin().pendingChanges() + " changes pending");
            }
            r = sw.stop(rows, Map.of("ack", Round.rate(rows, acked)));
            if (!space.admin().deadLetters().isEmpty()) {
                throw new IllegalStateException("write-behind set changes aside: " + space.admin().deadLetters().get(0));
            }
        }
        Rounds.check("Khora's write-behind into " + partitions + " partition(s)", db.count(), rows);
        delete(dir);
        return r;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
